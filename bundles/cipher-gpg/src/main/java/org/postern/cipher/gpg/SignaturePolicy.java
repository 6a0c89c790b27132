package org.postern.cipher.gpg;

import org.postern.api.GpgKey;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;
import org.postern.cipher.gpg.MessageReader.Signature;

/**
 * fwknopd's signature rules for a GnuPG stanza ({@code incoming_spa.c}, 2.6.10). With a signature required
 * ({@code GPG_REQUIRE_SIG}, the default unless {@code GPG_DISABLE_SIG}): the data must be signed; the first
 * signature must verify with a valid key unless {@code GPG_IGNORE_SIG_VERIFY_ERROR}; then
 * {@code GPG_FINGERPRINT_ID} (full fingerprint, exact) and {@code GPG_REMOTE_ID} (the last 8 hex digits of the
 * signer's fingerprint, exact and case-sensitive) must each match when set. Without a required signature,
 * signatures are not evaluated at all (fwknopd then does not ask gpgme to verify).
 *
 * <p>gpgme reports the fingerprint of the (sub)key that made the signature; when a signing subkey signed, the
 * primary key's fingerprint (and its last 8 digits) is accepted too (Postern extension: the subkey belongs
 * to it). Key validity is Postern's approximation of GnuPG's "at least marginal": the signer's public key is
 * in the stanza's key sources, neither it nor its primary key is revoked or expired, and the signature has
 * not expired; gpg's trust database is not read, the ID lists are the authorisation.
 */
final class SignaturePolicy {

    private SignaturePolicy() {
    }

    static void check(GpgKey key, Signature sig) throws SpaException {
        if (!key.requireSignature()) {
            return;
        }
        if (sig == null) {
            throw new SpaException(RefusalReason.SIGNATURE_MISSING,
                    "GnuPG SPA data is not signed, but GPG_REQUIRE_SIG is set");
        }
        if (!sig.good()) {
            if (!key.ignoreSignatureErrors()) {
                throw new SpaException(RefusalReason.SIGNATURE_INVALID, "GnuPG signature " + sig.status() + ": "
                        + sig.detail() + " (GPG_IGNORE_SIG_VERIFY_ERROR not set)");
            }
        }
        if (!key.signerFingerprints().isEmpty() && !key.signerFingerprints().contains(sig.fingerprint())
                && !key.signerFingerprints().contains(sig.primaryFingerprint())) {
            throw new SpaException(RefusalReason.SIGNER_NOT_ALLOWED, "Incoming SPA packet signed by: "
                    + sig.fingerprint() + ", but that fingerprint is not in the GPG_FINGERPRINT_ID list");
        }
        if (!key.signerIds().isEmpty() && !key.signerIds().contains(shortId(sig.fingerprint()))
                && !key.signerIds().contains(shortId(sig.primaryFingerprint()))) {
            throw new SpaException(RefusalReason.SIGNER_NOT_ALLOWED, "Incoming SPA packet signed by ID: "
                    + shortId(sig.fingerprint()) + ", but that ID is not in the GPG_REMOTE_ID list");
        }
    }

    /** The last 8 hex digits, which fwknop compares GPG_REMOTE_ID entries with. */
    static String shortId(String fingerprint) {
        return fingerprint.length() <= 8 ? fingerprint : fingerprint.substring(fingerprint.length() - 8);
    }
}
