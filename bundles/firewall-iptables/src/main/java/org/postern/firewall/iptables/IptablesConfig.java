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
}
