package org.postern.server;

import java.util.function.Function;

import org.postern.api.CapturedPacket;
import org.postern.api.RefusalReason;
import org.postern.api.SpaCipher;
import org.postern.api.SpaException;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaWire;

/**
 * Step 3 for one stanza: does this stanza serve the packet, and do its keys open it? HMAC first, then
 * decryption, then decoding; a stanza whose keys fail leaves the packet to the next one.
 */
final class StanzaTrial {

    private final Function<String, SpaCipher> ciphers;

    StanzaTrial(Function<String, SpaCipher> ciphers) {
        this.ciphers = ciphers;
    }

    /** Whether the stanza applies to this packet at all (SOURCE, DESTINATION). */
    static boolean serves(AccessStanza s, CapturedPacket p) {
        return s.matchesSource(p.source()) && s.matchesDestination(p.destination());
    }

    SpaMessage open(AccessStanza s, String wire) throws SpaException {
        // fwknopd tries Rijndael only below the GnuPG length unless the stanza allows commands
        if (wire.length() >= SpaWire.GPG_THRESHOLD && !s.enableCmdExec()) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "payload of GnuPG length; stanza has no GnuPG key");
        }
        SpaCipher cipher = ciphers.apply(s.key().cipherType());
        if (cipher == null) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "no " + s.key().cipherType() + " cipher installed");
        }
        return SpaWire.open(wire, cipher, s.key(), s.hmacKey());
    }
}
