package org.postern.fko;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * HMAC as fwknop computes it (standard RFC 2104 over the prefixed base64 ciphertext), checked three ways on
 * this JDK: the JCE Mac against the manual RFC 2104 construction, both against published test vectors, and
 * the block sizes that decide when a key is hashed first.
 */
class HmacTypeTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void blockSizesAreTheHashInputBlocks() {
        assertEquals(64, HmacType.MD5.blockSize());
        assertEquals(64, HmacType.SHA1.blockSize());
        assertEquals(64, HmacType.SHA256.blockSize());
        assertEquals(128, HmacType.SHA384.blockSize());
        assertEquals(128, HmacType.SHA512.blockSize());
        // Keccak rate: (1600 - 2 * 256) / 8 and (1600 - 2 * 512) / 8
        assertEquals(136, HmacType.SHA3_256.blockSize());
        assertEquals(72, HmacType.SHA3_512.blockSize());
        assertEquals(HmacType.SHA3_256.blockSize(), HmacType.MAX_KEY_LENGTH);
    }

    @Test
    void jceAndManualRfc2104AgreeOnRandomInputsAroundTheBlockSize() {
        Random r = new Random(2104);
        for (HmacType t : HmacType.values()) {
            int b = t.blockSize();
            int[] keyLengths = {1, 16, 32, b - 1, b, b + 1, 2 * b + 3, HmacType.MAX_KEY_LENGTH};
            for (int keyLen : keyLengths) {
                for (int i = 0; i < 20; i++) {
                    byte[] key = new byte[keyLen];
                    byte[] data = new byte[r.nextInt(600)];
                    r.nextBytes(key);
                    r.nextBytes(data);
                    assertArrayEquals(t.rfc2104(key, data), t.mac(key, data), t + " key " + keyLen);
                }
            }
        }
    }

    @Test
    void quirkHmacKeyLongerThanTheBlockSizeIsHashedFirst() throws Exception {
        Random r = new Random(1);
        String[] digests = {"MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-512"};
        for (HmacType t : HmacType.values()) {
            byte[] longKey = new byte[t.blockSize() + 1];
            r.nextBytes(longKey);
            byte[] data = "U2FsdGVkX1+some+ciphertext".getBytes(StandardCharsets.US_ASCII);
            byte[] hashedKey = MessageDigest.getInstance(digests[t.ordinal()]).digest(longKey);
            assertArrayEquals(t.mac(hashedKey, data), t.mac(longKey, data), t.name());
            // a key of exactly the block size is used as it is
            byte[] blockKey = java.util.Arrays.copyOf(longKey, t.blockSize());
            byte[] blockHashed = MessageDigest.getInstance(digests[t.ordinal()]).digest(blockKey);
            assertEquals(false, java.util.Arrays.equals(t.mac(blockHashed, data), t.mac(blockKey, data)), t.name());
        }
    }

    /** NIST CSRC "Examples with Intermediate Values", HMAC_SHA3-256.pdf and HMAC_SHA3-512.pdf, samples 1-3. */
    @Test
    void hmacSha3MatchesTheNistExamples() {
        nist(HmacType.SHA3_256, 32, '<', "4fe8e202c4f058e8dddc23d8c34e467343e23555e24fc2f025d598f558f67205");
        nist(HmacType.SHA3_256, 136, '=', "68b94e2e538a9be4103bebb5aa016d47961d4d1aa906061313b557f8af2c3faa");
        nist(HmacType.SHA3_256, 168, '>', "9bcf2c238e235c3ce88404e813bd2f3a97185ac6f238c63d6229a00b07974258");
        nist(HmacType.SHA3_512, 64, '<', "4efd629d6c71bf86162658f29943b1c308ce27cdfa6db0d9c3ce81763f9cbce5f7ebe9868031db1a"
                + "8f8eb7b6b95e5c5e3f657a8996c86a2f6527e307f0213196");
        nist(HmacType.SHA3_512, 72, '=', "544e257ea2a3e5ea19a590e6a24b724ce6327757723fe2751b75bf007d80f6b360744bf1b7a88ea5"
                + "85f9765b47911976d3191cf83c039f5ffab0d29cc9d9b6da");
        nist(HmacType.SHA3_512, 136, '>', "5f464f5e5b7848e3885e49b2c385f0694985d0e38966242dc4a5fe3fea4b37d46b65ceced5dcf59"
                + "438dd840bab22269f0ba7febdb9fcf74602a35666b2a32915");
    }

    /** RFC 4231 test case 6 (key longer than the block, hashed first) for HMAC-SHA-256 and HMAC-SHA-512. */
    @Test
    void hmacSha2MatchesRfc4231() {
        byte[] key = new byte[131];
        java.util.Arrays.fill(key, (byte) 0xaa);
        byte[] data = "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII);
        assertEquals("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                HEX.formatHex(HmacType.SHA256.rfc2104(key, data)));
        assertEquals("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                HEX.formatHex(HmacType.SHA256.mac(key, data)));
        assertEquals("80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e52"
                + "95e64f73f63f0aec8b915a985d786598", HEX.formatHex(HmacType.SHA512.mac(key, data)));
    }

    @Test
    void base64LengthsMatchTheMacSizes() {
        for (HmacType t : HmacType.values()) {
            assertEquals(t.base64Length(), new HmacKey(new byte[] {1}, t).macBase64(new byte[] {2}).length());
        }
    }

    private static void nist(HmacType t, int keyLength, char relation, String expectedHex) {
        byte[] key = new byte[keyLength];
        for (int i = 0; i < keyLength; i++) {
            key[i] = (byte) i;
        }
        byte[] msg = ("Sample message for keylen" + relation + "blocklen").getBytes(StandardCharsets.US_ASCII);
        assertEquals(expectedHex, HEX.formatHex(t.mac(key, msg)), t + " JCE");
        assertEquals(expectedHex, HEX.formatHex(t.rfc2104(key, msg)), t + " manual");
    }
}
