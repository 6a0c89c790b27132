package org.postern.firewall.iptables;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the iptables backend, PID {@value IptablesFirewallBackend#PID}. The server writes it
 * from fwknopd.conf (the keys named below) or an operator ships {@code etc/org.postern.firewall.iptables.cfg}.
 */
@ObjectClassDefinition(name = "Postern iptables firewall backend",
        description = "Opens SPA grants as fwknop-style rules in a FWKNOP_INPUT chain of iptables (ip6tables for IPv6).")
@interface IptablesConfig {

    @AttributeDefinition(name = "iptables executable",
            description = "Path of iptables (fwknopd.conf FIREWALL_EXE). IPv6 rules use the program in the same "
                    + "directory whose name has 'iptables' replaced by 'ip6tables'.")
    String executable() default "/usr/sbin/iptables";

    @AttributeDefinition(name = "Input access chain",
            description = "fwknopd.conf IPT_INPUT_ACCESS: <Target>, <Table>, <From_chain>, <Jump_pos>, <To_chain>, "
                    + "<Rule_pos>; characters [A-Za-z0-9_ ,] only.")
    String inputAccess() default ChainSpec.DEFAULT_INPUT_ACCESS;

    @AttributeDefinition(name = "Flush at start",
            description = "fwknopd.conf FLUSH_IPT_AT_INIT: remove the jump rule, flush and delete the chain when the "
                    + "backend starts. When false, existing rules are kept and the expired ones removed.")
    boolean flushAtInit() default true;

    @AttributeDefinition(name = "Flush at stop",
            description = "fwknopd.conf FLUSH_IPT_AT_EXIT: remove the jump rule, flush and delete the chain when the "
                    + "backend stops.")
    boolean flushAtExit() default true;

    @AttributeDefinition(name = "Prepend rules",
            description = "fwknopd.conf ENABLE_RULE_PREPEND: insert new rules at the top of the chain (-I) instead "
                    + "of appending them (-A).")
    boolean rulePrepend() default false;

    @AttributeDefinition(name = "Bind rules to the destination",
            description = "fwknopd.conf ENABLE_DESTINATION_RULE: put the SPA packet's destination address in -d "
                    + "instead of 0.0.0.0/0.")
    boolean destinationRule() default false;

    @AttributeDefinition(name = "Check the comment match",
            description = "fwknopd.conf ENABLE_IPT_COMMENT_CHECK: at start, prove that the iptables 'comment' match "
                    + "works (expiry is kept in rule comments); fail to start when it does not.")
    boolean commentCheck() default true;

    @AttributeDefinition(name = "Command timeout (seconds)",
            description = "How long one iptables call may run (it waits for the xtables lock with -w) before it is "
                    + "killed and counted as failed.", min = "1")
    int commandTimeoutSeconds() default 5;

    @AttributeDefinition(name = "OUTPUT rules",
            description = "fwknopd.conf ENABLE_IPT_OUTPUT: add a FWKNOP_OUTPUT rule for the reply traffic of each "
                    + "(non-NAT) access rule.")
    boolean output() default false;

    @AttributeDefinition(name = "Forwarding (NAT access)",
            description = "fwknopd.conf ENABLE_IPT_FORWARDING: make the FWKNOP_FORWARD and FWKNOP_PREROUTING chains "
                    + "for NAT access (fwknop -N) to hosts behind the gateway.")
    boolean forwarding() default false;

    @AttributeDefinition(name = "Local NAT",
            description = "fwknopd.conf ENABLE_IPT_LOCAL_NAT: make the FWKNOP_FORWARD and FWKNOP_PREROUTING chains "
                    + "for local NAT (fwknop --nat-local).")
    boolean localNat() default false;

    @AttributeDefinition(name = "Source NAT",
            description = "fwknopd.conf ENABLE_IPT_SNAT: also make FWKNOP_POSTROUTING (SNAT) and FWKNOP_MASQUERADE.")
    boolean snat() default false;

    @AttributeDefinition(name = "Output access chain", description = "fwknopd.conf IPT_OUTPUT_ACCESS.")
    String outputAccess() default NatChains.DEFAULT_OUTPUT_ACCESS;

    @AttributeDefinition(name = "Forward access chain", description = "fwknopd.conf IPT_FORWARD_ACCESS.")
    String forwardAccess() default NatChains.DEFAULT_FORWARD_ACCESS;

    @AttributeDefinition(name = "DNAT chain", description = "fwknopd.conf IPT_DNAT_ACCESS.")
    String dnatAccess() default NatChains.DEFAULT_DNAT_ACCESS;

    @AttributeDefinition(name = "SNAT chain", description = "fwknopd.conf IPT_SNAT_ACCESS.")
    String snatAccess() default NatChains.DEFAULT_SNAT_ACCESS;

    @AttributeDefinition(name = "MASQUERADE chain", description = "fwknopd.conf IPT_MASQUERADE_ACCESS.")
    String masqueradeAccess() default NatChains.DEFAULT_MASQUERADE_ACCESS;
}
