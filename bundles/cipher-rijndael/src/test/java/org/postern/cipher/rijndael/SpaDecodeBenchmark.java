package org.postern.cipher.rijndael;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.postern.api.EncryptionMode;
import org.postern.api.RijndaelKey;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaBase64;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaWire;

/**
 * Decoding one default packet (fwknop 2.6.10 defaults: AES-CBC, SHA-256 digest, HMAC-SHA256, base64 keys
 * of 32 and 64 bytes as {@code --key-gen} makes them) with the codec, against the bare JCE work the same
 * packet needs: the HMAC-SHA256 over the prefixed base64, the three MD5 rounds of EVP_BytesToKey, the
 * AES/CBC/NoPadding decryption of the ciphertext and the SHA-256 of the fields. {@code codecDecode} divided
 * by {@code primitivesAll} is the codec's overhead.
 *
 * <p>Run with {@code mvn -B -ntp -o -Pbench -pl bundles/cipher-rijndael test}; never part of the normal build.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpaDecodeBenchmark {

    private final RijndaelCipher cipher = new RijndaelCipher();
    private RijndaelKey key;
    private HmacKey hmac;
    private String wire;

    // the same inputs for the bare primitives
    private byte[] hmacKeyBytes;
    private byte[] macInput;
    private byte[] passphrase;
    private byte[] salt;
    private byte[] keyIv;
    private byte[] ciphertext;
    private byte[] fields;
    private Mac mac;
    private MessageDigest md5;
    private Cipher aes;
    private MessageDigest sha256;

    @Setup
    public void setUp() throws Exception {
        Random r = new Random(1);
        passphrase = new byte[32];
        hmacKeyBytes = new byte[64];
        r.nextBytes(passphrase);
        r.nextBytes(hmacKeyBytes);
        key = new RijndaelKey(passphrase, EncryptionMode.CBC);
        hmac = new HmacKey(hmacKeyBytes, HmacType.SHA256);
        SpaMessage m = new SpaMessageBuilder().username("root").allowIp("10.200.0.1").access("tcp/22").build();
        wire = SpaWire.seal(m, cipher, key, hmac);

        String body = wire.substring(0, wire.length() - HmacType.SHA256.base64Length());
        macInput = (RijndaelCipher.PREFIX + body).getBytes(StandardCharsets.US_ASCII);
        byte[] raw = SpaBase64.decode(RijndaelCipher.PREFIX + body);
        salt = Arrays.copyOfRange(raw, 8, 16);
        ciphertext = Arrays.copyOfRange(raw, 16, raw.length);
        keyIv = RijndaelCipher.deriveKeyIv(passphrase, salt);
        String plain = SpaWire.openPlaintext(wire, cipher, key, hmac);
        fields = plain.substring(0, plain.lastIndexOf(':')).getBytes(StandardCharsets.US_ASCII);

        mac = Mac.getInstance("HmacSHA256");
        md5 = MessageDigest.getInstance("MD5");
        aes = Cipher.getInstance("AES/CBC/NoPadding");
        sha256 = MessageDigest.getInstance("SHA-256");
    }

    /** HMAC verify, AES-CBC decrypt, padding, digest check and parse: what a stanza trial costs. */
    @Benchmark
    public SpaMessage codecDecode() throws Exception {
        return SpaWire.open(wire, cipher, key, hmac);
    }

    /** The four primitives below in one call: the floor for {@link #codecDecode}. */
    @Benchmark
    public void primitivesAll(Blackhole bh) throws Exception {
        bh.consume(primHmacSha256());
        bh.consume(primMd5KeyDerivation());
        bh.consume(primAesCbcDecrypt());
        bh.consume(primSha256Digest());
    }

    @Benchmark
    public byte[] primHmacSha256() throws Exception {
        mac.init(new SecretKeySpec(hmacKeyBytes, "HmacSHA256"));
        return mac.doFinal(macInput);
    }

    @Benchmark
    public byte[] primMd5KeyDerivation() throws Exception {
        byte[] out = new byte[48];
        for (int off = 0; off < 48; off += 16) {
            if (off > 0) {
                md5.update(out, off - 16, 16);
            }
            md5.update(passphrase);
            md5.update(salt);
            md5.digest(out, off, 16);
        }
        return out;
    }

    @Benchmark
    public byte[] primAesCbcDecrypt() throws Exception {
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyIv, 0, 32, "AES"), new IvParameterSpec(keyIv, 32, 16));
        return aes.doFinal(ciphertext);
    }

    @Benchmark
    public byte[] primSha256Digest() {
        return sha256.digest(fields);
    }
}
