package org.postern.server;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import org.postern.api.CapturedPacket;
import org.postern.api.GpgKey;
import org.postern.api.RefusalReason;
import org.postern.api.SpaCipher;
import org.postern.api.SpaException;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageCodec;
import org.postern.fko.SpaWire;

/**
 * Step 3 for one stanza: does this stanza serve the packet, and do its keys open it? HMAC first, then
 * decryption, then decoding; a stanza whose keys fail leaves the packet to the next one.
 *
 * <p>As fwknopd: Rijndael is tried when the stanza has a KEY and the payload is shorter than 400 characters
 * (or the stanza allows commands); GnuPG when the stanza has GnuPG keys, the payload is 400 characters or
 * more and Rijndael did not open it. For GnuPG the stripped prefix is put back as fwknop does ({@code hQ})
 * and, failing that, as the cipher finds plausible (other PKESK headers, upstream #247); with an HMAC key the
 * HMAC decides which prefix is the sender's.
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

    /**
     * The refusal {@link #open} would throw when the stanza's HMAC check alone decides it, returned instead of
     * thrown; null when {@link #open} has to run (the HMAC verifies, or the stanza is not a Rijndael stanza with an
     * HMAC key, or GnuPG would be tried too). With 1,000 stanzas a packet meets 999 HMAC mismatches, and each thrown
     * exception cost microseconds to unwind through the trial's frames, more than the HMAC itself.
     */
    SpaException hmacRefusal(AccessStanza s, String wire) {
        if (s.key() == null || s.hmacKey() == null) {
            return null;
        }
        boolean gpgLength = wire.length() >= SpaWire.GPG_THRESHOLD;
        if ((gpgLength && !s.enableCmdExec()) || (s.gpgKey() != null && gpgLength)) {
            return null; // Rijndael not tried, or GnuPG tried after it: open() decides
        }
        SpaCipher cipher = ciphers.apply(s.key().cipherType());
        if (cipher == null) {
            return null;
        }
        // open() -> SpaWire.openWithLegacy -> decrypt: authenticate comes first, and its failure is what open throws
        return SpaWire.authenticationFailure(wire, cipher.wirePrefix(), s.hmacKey());
    }

    SpaMessage open(AccessStanza s, String wire) throws SpaException {
        boolean gpgLength = wire.length() >= SpaWire.GPG_THRESHOLD;
        SpaException rijndaelFailure = null;
        // fwknopd tries Rijndael only below the GnuPG length unless the stanza allows commands
        if (s.key() != null && (!gpgLength || s.enableCmdExec())) {
            SpaCipher cipher = ciphers.apply(s.key().cipherType());
            if (cipher == null) {
                rijndaelFailure = new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "no " + s.key().cipherType()
                        + " cipher installed");
            } else {
                try {
                    return SpaWire.openWithLegacy(wire, cipher, s.key(), s.hmacKey()); // 1.x: LegacySpaCodec
                } catch (SpaException e) {
                    rijndaelFailure = e;
                }
            }
        }
        if (s.gpgKey() != null && gpgLength) {
            return openGpg(s, wire);
        }
        if (rijndaelFailure != null) {
            throw rijndaelFailure;
        }
        if (s.key() == null) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "payload of " + wire.length()
                    + " characters is shorter than GnuPG data (" + SpaWire.GPG_THRESHOLD + "); stanza has no KEY");
        }
        throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "payload of GnuPG length; stanza has no GnuPG key");
    }

    private SpaMessage openGpg(AccessStanza s, String wire) throws SpaException {
        SpaCipher gpg = ciphers.apply(GpgKey.TYPE);
        if (gpg == null) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE,
                    "no gpg cipher installed (feature postern-cipher-gpg)");
        }
        SpaException first = null;
        for (String prefix : gpg.wirePrefixes(wire)) {
            String ct;
            try {
                ct = SpaWire.authenticate(wire, prefix, s.hmacKey());
            } catch (SpaException e) {
                first = first == null ? e : first;
                continue; // the HMAC was made over another prefix
            }
            byte[] plain;
            try {
                plain = gpg.decrypt(ct, s.gpgKey());
            } catch (SpaException e) {
                // an authenticated prefix, or a verdict on the signature, is final
                if (s.hmacKey() != null || e.reason().step() != RefusalReason.Step.STANZA_TRIAL) {
                    throw e;
                }
                first = first == null ? e : first;
                continue;
            }
            return SpaMessageCodec.decode(new String(plain, StandardCharsets.ISO_8859_1));
        }
        throw first != null ? first : new SpaException(RefusalReason.DECRYPTION_FAILED, "no GnuPG prefix fits");
    }
}
