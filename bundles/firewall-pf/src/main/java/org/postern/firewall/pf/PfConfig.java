package org.postern.firewall.pf;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the pf backend, PID {@value PfFirewallBackend#PID} (fwknopd.conf keys named below). */
@ObjectClassDefinition(name = "Postern pf firewall backend",
        description = "Opens SPA grants as pass rules in a pf anchor (OpenBSD, FreeBSD, macOS), as fwknopd does")
@interface PfConfig {

    @AttributeDefinition(name = "pfctl executable", description = "Path of pfctl (fwknopd.conf FIREWALL_EXE).")
    String executable() default "/sbin/pfctl";

    @AttributeDefinition(name = "Anchor", description = "fwknopd.conf PF_ANCHOR_NAME: the anchor Postern rewrites; it "
            + "must already be referenced from pf.conf (anchor \"fwknop\"), else the backend does not start.")
    String anchor() default "fwknop";

    @AttributeDefinition(name = "Bind rules to the destination",
            description = "fwknopd.conf ENABLE_DESTINATION_RULE: 'to <packet destination>' instead of 'to any'.")
    boolean destinationRule() default false;

    @AttributeDefinition(name = "Command timeout (seconds)", description = "How long one pfctl call may run.", min = "1")
    int commandTimeoutSeconds() default 5;
}
