package org.postern.server;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * PID {@code org.postern.firewall} ({@code etc/org.postern.firewall.cfg}): which firewall backend the daemon
 * uses. fwknopd.conf's {@code FIREWALL_TYPE} chooses by configuring only that backend's PID.
 */
@ObjectClassDefinition(name = "Postern firewall choice",
        description = "Which FirewallBackend service the daemon opens grants with")
@interface FirewallChoiceConfig {

    @AttributeDefinition(name = "Backend filter (firewall.target)",
            description = "LDAP filter on the backends' service properties, e.g. (backend=nftables). The best-ranked "
                    + "(service.ranking) backend that matches is used; a better one appearing, or a change of this "
                    + "filter, takes over live and every live grant is moved to it (applied there, removed from the "
                    + "old one).")
    String firewall_target() default "(backend=*)";
}
