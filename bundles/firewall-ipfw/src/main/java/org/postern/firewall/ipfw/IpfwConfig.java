package org.postern.firewall.ipfw;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the ipfw backend, PID {@value IpfwFirewallBackend#PID} (fwknopd.conf keys named below). */
@ObjectClassDefinition(name = "Postern ipfw firewall backend",
        description = "Opens SPA grants as ipfw rules in an active set, moved to a disabled set when they expire "
                + "and purged once no dynamic rule uses them, as fwknopd does (FreeBSD, macOS)")
@interface IpfwConfig {

    @AttributeDefinition(name = "ipfw executable", description = "Path of ipfw (fwknopd.conf FIREWALL_EXE).")
    String executable() default "/sbin/ipfw";

    @AttributeDefinition(name = "First rule number", description = "fwknopd.conf IPFW_START_RULE_NUM.", min = "0", max = "131071")
    int startRuleNum() default 10000;

    @AttributeDefinition(name = "Rule numbers", description = "fwknopd.conf IPFW_MAX_RULES: how many rule numbers from the "
            + "first one Postern may use.", min = "1", max = "131071")
    int maxRules() default 65535;

    @AttributeDefinition(name = "Active set", description = "fwknopd.conf IPFW_ACTIVE_SET_NUM.", min = "0", max = "63")
    int activeSet() default 1;

    @AttributeDefinition(name = "Expire set", description = "fwknopd.conf IPFW_EXPIRE_SET_NUM: the disabled set expired "
            + "rules move to; must differ from the active set.", min = "0", max = "63")
    int expireSet() default 2;

    @AttributeDefinition(name = "Purge interval (seconds)", description = "fwknopd.conf IPFW_EXPIRE_PURGE_INTERVAL: how "
            + "often expired rules without dynamic rules are deleted.", min = "1")
    int purgeIntervalSeconds() default 30;

    @AttributeDefinition(name = "Add a check-state rule", description = "fwknopd.conf IPFW_ADD_CHECK_STATE.")
    boolean addCheckState() default false;

    @AttributeDefinition(name = "Flush at start", description = "fwknopd.conf FLUSH_IPFW_AT_INIT.")
    boolean flushAtInit() default true;

    @AttributeDefinition(name = "Flush at stop", description = "fwknopd.conf FLUSH_IPFW_AT_EXIT.")
    boolean flushAtExit() default true;

    @AttributeDefinition(name = "Bind rules to the destination", description = "fwknopd.conf ENABLE_DESTINATION_RULE: "
            + "'to <packet destination>' instead of 'to me'.")
    boolean destinationRule() default false;

    @AttributeDefinition(name = "Command timeout (seconds)", description = "How long one ipfw call may run.", min = "1")
    int commandTimeoutSeconds() default 5;
}
