package org.postern.server;

import org.postern.api.CapturedPacket;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;
import org.postern.fko.SpaBase64;
import org.postern.fko.SpaWire;

/**
 * Step 1: the checks fwknopd makes before any cryptography (size, prefix, alphabet, a stanza for the
 * source). Returns the payload as the wire string.
 */
final class PreCheck {

    private static final String RIJNDAEL_PREFIX = "U2FsdGVkX1";
    private static final String GPG_PREFIX = "hQ";

    private PreCheck() {
    }

    static String wire(CapturedPacket p, PolicySet policy) throws SpaException {
        byte[] b = p.payload();
        int len = 0;
        while (len < b.length && b[len] != 0) {
            len++; // fwknopd copies the payload as a C string
        }
        if (len < SpaWire.MIN_PACKET) {
            throw new SpaException(RefusalReason.TOO_SHORT, len + " bytes");
        }
        if (len >= SpaWire.MAX_PACKET) {
            throw new SpaException(RefusalReason.TOO_LONG, len + " bytes");
        }
        String wire = new String(b, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1);
        // a replayed packet with its prefix put back would otherwise escape the replay cache
        if (wire.startsWith(RIJNDAEL_PREFIX) || (len > SpaWire.GPG_THRESHOLD && wire.startsWith(GPG_PREFIX))) {
            throw new SpaException(RefusalReason.PREFIX_PRESENT, "starts with a cipher prefix");
        }
        if (!SpaBase64.isBase64Alphabet(wire)) {
            throw new SpaException(RefusalReason.NOT_BASE64, "characters outside [A-Za-z0-9+/=]");
        }
        for (AccessStanza s : policy.stanzas()) {
            if (s.matchesSource(p.source())) {
                return wire;
            }
        }
        throw new SpaException(RefusalReason.NO_STANZA_FOR_SOURCE,
                "No access data found for source IP: " + p.source().getHostAddress());
    }
}
