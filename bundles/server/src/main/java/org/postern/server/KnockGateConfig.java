package org.postern.server;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Postern knock gate",
        description = "fwknop 1.9 knock mode (AUTH_MODE KNOCK): the knock stanzas of an access.conf, judged by the "
                + "knock decoder and granted through the live grants. Off unless configured.")
@interface KnockGateConfig {

    @AttributeDefinition(name = "access.conf",
            description = "The 1.9 access.conf whose SHARED_SEQUENCE / ENCRYPT_SEQUENCE stanzas are used.")
    String accessConf() default "/etc/fwknop/access.conf";

    @AttributeDefinition(name = "Test mode", description = "Log accepted sequences without touching the firewall.")
    boolean testMode() default false;
}
