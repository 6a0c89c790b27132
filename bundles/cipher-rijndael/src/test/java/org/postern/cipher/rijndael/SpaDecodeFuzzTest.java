package org.postern.cipher.rijndael;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Timeout;
import org.postern.api.EncryptionMode;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessageCodec;
import org.postern.fko.SpaWire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of the packet decoder with the real test keys of the interop vectors: the wire string goes
 * through {@link SpaWire#open} with HMAC (MAC check first), without HMAC (base64 + Rijndael decryption + plaintext
 * decode), straight into {@link SpaMessageCodec#decode}, and sealed as a plaintext with the real keys then opened
 * (so that the whole decoder behind the MAC and the cipher is reached). Properties: only {@link SpaException} escapes, every
 * refusal carries a {@code RefusalReason}, no input hangs (per-run timeout).
 *
 * <p>Every build runs it in regression mode over the seed corpus
 * {@code src/test/resources/org/postern/cipher/rijndael/SpaDecodeFuzzTestInputs/decoder} (the 23 real vectors
 * plus edge cases). Fuzz for real (coverage-guided, libFuzzer) with
 * {@code JAZZER_FUZZ=1 mvn -B -ntp -o test -pl bundles/cipher-rijndael -Dtest=SpaDecodeFuzzTest#decoder}
 * (bounded by {@code maxDuration}; the long run uses {@code #decoderLong}). Findings go to
 * {@code src/test/resources/.../decoder} as {@code crash-*} files and then replay on every build.
 */
class SpaDecodeFuzzTest {

    /** TEST-ONLY keys of src/test/resources/vectors/keys.json. */
    private static final byte[] KEY = Base64.getDecoder().decode("Adlu387R39kp+iiD4kUJW1dJs7GoqenNIolItFio/7I=");
    private static final byte[] HMAC = Base64.getDecoder()
            .decode("NHWp+Vzz9XmIp6g9dHCAjTpeelCz2R3Z9VoOxXIFGKwYb0t3LWMJIJo1ylt1l0tOO5KbypkSyrm1rFqBCJUfhA==");

    private static final RijndaelCipher CIPHER = new RijndaelCipher();
    private static final RijndaelKey CBC = new RijndaelKey(KEY, EncryptionMode.CBC);
    private static final HmacKey HMAC256 = new HmacKey(HMAC, HmacType.SHA256);

    @FuzzTest(maxDuration = "15s")
    @Timeout(120)
    void decoder(FuzzedDataProvider data) {
        exercise(data.consumeRemainingAsBytes());
    }

    /** The same target for long runs outside CI (see the README's Security section). */
    @FuzzTest(maxDuration = "6h")
    void decoderLong(FuzzedDataProvider data) {
        exercise(data.consumeRemainingAsBytes());
    }

    static void exercise(byte[] raw) {
        String wire = new String(raw, StandardCharsets.ISO_8859_1);
        refusedOrDecoded(() -> SpaWire.open(wire, CIPHER, CBC, HMAC256));
        refusedOrDecoded(() -> SpaWire.open(wire, CIPHER, CBC, null));
        refusedOrDecoded(() -> SpaMessageCodec.decode(wire));
        // the input as a plaintext sealed with the real keys: drives the full open path past MAC and decryption
        String sealed;
        try {
            sealed = SpaWire.sealPlaintext(wire, CIPHER, CBC, HMAC256);
        } catch (SpaException e) {
            assertNotNull(e.reason(), "a refusal without a RefusalReason");
            return;
        }
        refusedOrDecoded(() -> SpaWire.open(sealed, CIPHER, CBC, HMAC256));
    }

    private interface Decode {
        Object run() throws SpaException;
    }

    private static void refusedOrDecoded(Decode d) {
        try {
            assertNotNull(d.run(), "a decode returned null instead of a message or a refusal");
        } catch (SpaException e) {
            assertNotNull(e.reason(), "a refusal without a RefusalReason");
        }
    }
}
