package org.postern.server;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.postern.api.CapturedPacket;
import org.postern.api.EncryptionMode;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.api.Transport;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaWire;

/**
 * Step 3 as the pipeline runs it: the stanzas tried in order until one opens the packet. {@code stanzas} of
 * them, {@code SOURCE ANY}, keys of their own, the packet's stanza last (fwknopd's worst case): {@code valid}
 * opens with the last one, {@code garbage} (a wrong-key packet) is tried against all and refused.
 *
 * <p>Run with {@code mvn -B -ntp -o -Pbench -pl bundles/server test} (never part of the normal build).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StanzaTrialBenchmark {

    @Param({"1", "1000"})
    public int stanzas;

    private List<AccessStanza> list;
    private StanzaTrial trial;
    private String valid;
    private String wrongKey;
    private CapturedPacket packet;

    @Setup
    public void setUp() throws Exception {
        SecureRandom r = new SecureRandom();
        StringBuilder conf = new StringBuilder();
        byte[] k = new byte[32];
        byte[] h = new byte[64];
        for (int i = 0; i < stanzas; i++) {
            r.nextBytes(k);
            r.nextBytes(h);
            conf.append("SOURCE ANY\nKEY_BASE64 ").append(Base64.getEncoder().encodeToString(k))
                    .append("\nHMAC_KEY_BASE64 ").append(Base64.getEncoder().encodeToString(h)).append("\n\n");
        }
        Path f = Files.createTempFile("access", ".conf");
        Files.writeString(f, conf);
        list = new AccessConfParser().parse(f);
        Files.delete(f);
        RijndaelCipher cipher = new RijndaelCipher();
        trial = new StanzaTrial(t -> cipher);
        SpaMessage m = new SpaMessageBuilder().username("root").allowIp("10.200.0.1").access("tcp/22").build();
        valid = SpaWire.seal(m, cipher, new RijndaelKey(k, EncryptionMode.CBC), new HmacKey(h, HmacType.SHA256));
        byte[] wk = new byte[32];
        byte[] wh = new byte[64];
        r.nextBytes(wk);
        r.nextBytes(wh);
        wrongKey = SpaWire.seal(m, cipher, new RijndaelKey(wk, EncryptionMode.CBC), new HmacKey(wh, HmacType.SHA256));
        packet = new CapturedPacket(valid.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                InetAddress.getByName("10.200.0.1"), 40000, InetAddress.getByName("10.200.0.2"), 62201, Transport.UDP,
                java.time.Instant.now(), "bench");
    }

    private Object firstOpening(String wire) {
        for (AccessStanza s : list) {
            if (!StanzaTrial.serves(s, packet)) {
                continue;
            }
            if (trial.hmacRefusal(s, wire) != null) {
                continue; // as the pipeline: an HMAC mismatch without a throw
            }
            try {
                return trial.open(s, wire);
            } catch (SpaException e) {
                // next stanza
            }
        }
        return null;
    }

    @Benchmark
    public Object valid() {
        return firstOpening(valid);
    }

    @Benchmark
    public Object garbage() {
        return firstOpening(wrongKey);
    }
}
