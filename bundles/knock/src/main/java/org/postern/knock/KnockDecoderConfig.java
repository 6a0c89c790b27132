package org.postern.knock;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Postern knock decoder",
        description = "Assembles fwknop 1.9 knock sequences (shared and encrypted) and fingerprints SYNs.")
@interface KnockDecoderConfig {

    @AttributeDefinition(name = "Tracked sources",
            description = "Most sources with partial sequences, grant counts or OS guesses kept; the least recently "
                    + "knocking source is forgotten first.")
    int maxSources() default 4096;

    @AttributeDefinition(name = "MAX_HOPS",
            description = "A SYN's TTL matches a signature's TTL t when t - maxHops < TTL <= t (fwknop.conf MAX_HOPS).")
    int maxHops() default PassiveOsFingerprint.DEFAULT_MAX_HOPS;

    @AttributeDefinition(name = "P0F_FILE",
            description = "A pf.os signature file; empty uses the few signatures shipped in the bundle.")
    String pfOsFile() default "";
}
