package org.postern.firewall.firewalld;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the firewalld backend, PID {@value FirewalldFirewallBackend#PID}. The server writes it when
 * fwknopd.conf says {@code FIREWALL_TYPE firewalld}, or an operator ships
 * {@code etc/org.postern.firewall.firewalld.cfg}.
 */
@ObjectClassDefinition(name = "Postern firewalld firewall backend",
        description = "Opens SPA grants as firewalld rich rules with firewalld's own timeout (runtime only)")
@interface FirewalldConfig {

    @AttributeDefinition(name = "firewall-cmd executable", description = "Path of firewall-cmd (fwknopd.conf FIREWALL_EXE).")
    String executable() default "/usr/bin/firewall-cmd";

    @AttributeDefinition(name = "Zone",
            description = "The firewalld zone that gets the rich rules; empty for the default zone.")
    String zone() default "";

    @AttributeDefinition(name = "Rule priority",
            description = "Rich rule priority of Postern's rules (a re-knock uses this and the next value in turn). "
                    + "Negative: before the zone's other rules, as fwknop's jump at INPUT position 1. The pair marks "
                    + "the rules as Postern's.", min = "-32768", max = "32766")
    int priority() default -32000;

    @AttributeDefinition(name = "Bind rules to the destination",
            description = "fwknopd.conf ENABLE_DESTINATION_RULE: add destination address=<packet destination>.")
    boolean destinationRule() default false;

    @AttributeDefinition(name = "Flush at start",
            description = "fwknopd.conf FLUSH_FIREWD_AT_INIT: remove Postern's rich rules (by their priority) at start.")
    boolean flushAtInit() default true;

    @AttributeDefinition(name = "Flush at stop",
            description = "fwknopd.conf FLUSH_FIREWD_AT_EXIT: remove Postern's rich rules at stop.")
    boolean flushAtExit() default true;

    @AttributeDefinition(name = "Command timeout (seconds)",
            description = "How long one firewall-cmd call may run before it is killed and counted as failed.", min = "1")
    int commandTimeoutSeconds() default 10;
}
