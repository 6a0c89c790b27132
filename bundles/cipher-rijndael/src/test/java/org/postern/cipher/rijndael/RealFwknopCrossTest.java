package org.postern.cipher.rijndael;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.CipherKey;
import org.postern.api.EncryptionMode;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaCipher;
import org.postern.api.SpaException;
import org.postern.fko.testing.SpaPcap;
import org.postern.fko.DigestType;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaBase64;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaMessageCodec;
import org.postern.fko.SpaWire;

/**
 * Live cross tests against the Debian fwknop 2.6.10 binaries, skipped when they are not installed.
 *
 * <p>One matrix of client options covers every {@code -m} digest, every {@code --hmac-digest-type} (and
 * none), every {@code -M} mode, raw and base64 keys, {@code -N}, {@code --nat-local}, {@code --nat-port},
 * {@code -f}, {@code -C}, {@code --spoof-user}, {@code -s} and several {@code -A} ports. Each case has its own
 * keys, and one fwknopd access stanza per (mode, HMAC type, key style).
 *
 * <ol>
 * <li>Their client to our codec: {@code fwknop --test --save-packet} (nothing is sent) for every case; its
 * packet decodes with our codec to exactly the fields its {@code -v} dump printed, and our builder and
 * encoder, given the same options, random value, timestamp and salt, produce the identical wire bytes.</li>
 * <li>Our encoder to their server: a fresh packet from our encoder for every case, written as
 * Ethernet/IPv4/UDP frames to 10.200.0.2:62201 in one pcap file (with the client's own packets as a
 * control), replayed through {@code fwknopd -t --pcap-file} in a new network namespace; every packet must
 * be decoded ({@code SPA Decode (res=0)}) by exactly its stanza, to our fields, and reach the test-mode
 * line.</li>
 * </ol>
 */
class RealFwknopCrossTest {

    private static final Path FWKNOP = Path.of("/usr/bin/fwknop");
    private static final Path FWKNOPD = Path.of("/usr/sbin/fwknopd");
    private static final String SERVER = "127.0.0.2";
    private static final int CASES = 60;

    private static final DigestType[] DIGESTS = DigestType.values();
    private static final EncryptionMode[] MODES = {EncryptionMode.CBC, EncryptionMode.ECB, EncryptionMode.CFB,
        EncryptionMode.OFB, EncryptionMode.CTR, EncryptionMode.LEGACY};
    /** null is "no HMAC". */
    private static final HmacType[] HMACS = {null, HmacType.MD5, HmacType.SHA1, HmacType.SHA256, HmacType.SHA384,
        HmacType.SHA512, HmacType.SHA3_256, HmacType.SHA3_512};

    private static List<Case> cases;

    @TempDir
    Path dir;

    private final RijndaelCipher cipher = new RijndaelCipher();

    /** The message options of one case: the client's arguments and the same request for our builder. */
    record Variant(String name, List<String> args, Consumer<SpaMessageBuilder> request) {
    }

    /** One client run: options, keys, and the stanza that holds those keys. */
    record Case(int index, DigestType digest, EncryptionMode mode, HmacType hmac, boolean base64Keys,
            Variant variant, Stanza stanza) {

        RijndaelKey key() {
            return new RijndaelKey(stanza.key, mode);
        }

        HmacKey hmacKey() {
            return hmac == null ? null : new HmacKey(stanza.hmacKey, hmac);
        }
    }

    /** An access.conf stanza with its own keys. */
    record Stanza(int number, EncryptionMode mode, HmacType hmac, boolean base64Keys, byte[] key, byte[] hmacKey) {

        String text() {
            StringBuilder sb = new StringBuilder("SOURCE ANY\n");
            if (base64Keys) {
                sb.append("KEY_BASE64 ").append(Base64.getEncoder().encodeToString(key)).append('\n');
            } else {
                sb.append("KEY ").append(new String(key, StandardCharsets.US_ASCII)).append('\n');
            }
            if (mode != EncryptionMode.CBC) {
                sb.append("ENCRYPTION_MODE ").append(mode == EncryptionMode.LEGACY ? "legacy" : mode.name()).append('\n');
            }
            if (hmac != null) {
                sb.append(base64Keys ? "HMAC_KEY_BASE64 " + Base64.getEncoder().encodeToString(hmacKey)
                        : "HMAC_KEY " + new String(hmacKey, StandardCharsets.US_ASCII)).append('\n');
                sb.append("HMAC_DIGEST_TYPE ").append(hmac.name()).append('\n');
            }
            return sb.append("ENABLE_CMD_EXEC Y\nFW_ACCESS_TIMEOUT 30\n\n").toString();
        }
    }

    @BeforeAll
    static void matrix() {
        List<Variant> variants = List.of(
                new Variant("access", List.of("-A", "tcp/22", "-a", "10.200.0.1"),
                        b -> b.allowIp("10.200.0.1").access("tcp/22")),
                new Variant("several ports", List.of("-A", "tcp/22,udp/53,tcp/8443", "-a", "10.200.0.1"),
                        b -> b.allowIp("10.200.0.1").access("tcp/22,udp/53,tcp/8443")),
                new Variant("source ip", List.of("-A", "tcp/22", "-s"), b -> b.allowIp("0.0.0.0").access("tcp/22")),
                new Variant("nat", List.of("-A", "tcp/22", "-a", "10.200.0.1", "-N", "192.168.10.5:2222"),
                        b -> b.allowIp("10.200.0.1").access("tcp/22").natAccess("192.168.10.5,2222")),
                new Variant("nat-local", List.of("-A", "tcp/22", "-a", "10.200.0.1", "--nat-local"),
                        b -> b.allowIp("10.200.0.1").access("tcp/22").localNat(SERVER + ",22")),
                new Variant("nat-local nat-port", List.of("-A", "tcp/22", "-a", "10.200.0.1", "--nat-local",
                        "--nat-port", "2223"), b -> b.allowIp("10.200.0.1").access("tcp/2223").localNat(SERVER + ",22")),
                new Variant("nat nat-port", List.of("-A", "tcp/22", "-a", "10.200.0.1", "-N", "192.168.10.5:22",
                        "--nat-port", "8022"),
                        b -> b.allowIp("10.200.0.1").access("tcp/8022").natAccess("192.168.10.5,22")),
                new Variant("fw-timeout", List.of("-A", "tcp/22", "-a", "10.200.0.1", "-f", "45"),
                        b -> b.allowIp("10.200.0.1").access("tcp/22").clientTimeout(45)),
                new Variant("nat host fw-timeout", List.of("-A", "tcp/22,udp/53", "-a", "10.200.0.1", "-N",
                        "internal.example.com:2222", "-f", "60"), b -> b.allowIp("10.200.0.1").access("tcp/22,udp/53")
                        .natAccess("internal.example.com,2222").clientTimeout(60)),
                new Variant("command", List.of("-a", "10.200.0.1", "-C", "echo fwknop-cross test", "-f", "30"),
                        b -> b.allowIp("10.200.0.1").command("echo fwknop-cross test").clientTimeout(30)),
                new Variant("spoof-user", List.of("-A", "udp/53", "-a", "10.200.0.1", "--spoof-user", "spa.user-1"),
                        b -> b.allowIp("10.200.0.1").access("udp/53").username("spa.user-1")),
                new Variant("source nat-local timeout user", List.of("-A", "tcp/22", "-s", "--nat-local", "-f", "120",
                        "--spoof-user", "u0_a52"), b -> b.allowIp("0.0.0.0").access("tcp/22").localNat(SERVER + ",22")
                        .clientTimeout(120).username("u0_a52")));

        Random r = new Random(2610);
        Map<String, Stanza> stanzas = new LinkedHashMap<>();
        cases = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            EncryptionMode mode = MODES[i % MODES.length];
            HmacType hmac = mode == EncryptionMode.LEGACY ? null : HMACS[(i * 3) % HMACS.length];
            boolean b64 = (i / 2) % 2 == 1;
            String id = mode + "/" + hmac + "/" + b64;
            Stanza s = stanzas.get(id);
            if (s == null) {
                int n = stanzas.size() + 1;
                byte[] key;
                byte[] hkey;
                if (b64) {
                    key = new byte[mode == EncryptionMode.LEGACY ? 12 : 32];
                    hkey = new byte[16 + r.nextInt(113)]; // 16..128: some longer than the block, hashed first
                    r.nextBytes(key);
                    r.nextBytes(hkey);
                } else {
                    // legacy: 20 characters, cut to 16 by client and server alike
                    key = ascii("rk" + n + "-" + alnum(r, mode == EncryptionMode.LEGACY ? 17 - ("" + n).length()
                            : 12 + r.nextInt(16)));
                    hkey = ascii("hk" + n + "-" + alnum(r, 8 + r.nextInt(90)));
                }
                s = new Stanza(n, mode, hmac, b64, key, hkey);
                stanzas.put(id, s);
            }
            cases.add(new Case(i, DIGESTS[i % DIGESTS.length], mode, hmac, b64, variants.get(i % variants.size()), s));
        }
    }

    @Test
    void theMatrixCoversEveryOptionValue() {
        Set<DigestType> digests = EnumSet.noneOf(DigestType.class);
        Set<EncryptionMode> modes = EnumSet.noneOf(EncryptionMode.class);
        Set<String> hmacs = new TreeSet<>();
        Set<String> variants = new TreeSet<>();
        Set<Boolean> keyStyles = new TreeSet<>();
        for (Case c : cases) {
            digests.add(c.digest());
            modes.add(c.mode());
            hmacs.add(String.valueOf(c.hmac()));
            variants.add(c.variant().name());
            keyStyles.add(c.base64Keys());
        }
        assertEquals(EnumSet.allOf(DigestType.class), digests);
        assertEquals(6, modes.size());
        assertEquals(8, hmacs.size(), hmacs.toString());
        assertEquals(12, variants.size());
        assertEquals(2, keyStyles.size());
    }

    @Test
    void theirClientsPacketsDecodeWithOurCodecAndOurEncoderRebuildsThemByteForByte() throws Exception {
        assumeTrue(Files.isExecutable(FWKNOP), "fwknop 2.6.10 client is not installed");
        for (Case c : cases) {
            ClientRun run = runClient(c);
            String where = "case " + c.index() + " " + c + "\n" + run.output;

            // 1. our decoder, to the fields libfko printed (the second dump is what libfko decoded)
            SpaMessage m = SpaWire.open(run.wire, cipher, c.key(), c.hmacKey());
            Map<String, String> enc = run.encoded;
            Map<String, String> dec = run.decoded;
            assertEquals(dec.get("Random Value"), m.random(), where);
            assertEquals(dec.get("Username"), m.username(), where);
            assertEquals(Long.parseLong(dec.get("Timestamp")), m.timestamp(), where);
            assertEquals(dec.get("FKO Version"), m.version(), where);
            assertEquals(code(dec.get("Message Type")), m.type().code(), where);
            assertEquals(dec.get("Message String"), m.message(), where);
            assertEquals(nullable(dec.get("Nat Access")), m.natAccess(), where);
            assertNull(nullable(dec.get("Server Auth")), where);
            assertNull(m.serverAuth(), where);
            assertEquals(Integer.parseInt(dec.get("Client Timeout")), m.clientTimeout(), where);
            assertEquals(code(dec.get("Digest Type")), m.digestType().code(), where);
            assertEquals(c.digest(), m.digestType(), where);
            assertEquals(c.hmac() == null ? 0 : c.hmac().code(), code(enc.get("HMAC Type")), where);
            assertEquals(modeCode(c.mode()), code(enc.get("Encryption Mode")), where);
            assertEquals(enc.get("Encoded Data"), SpaMessageCodec.encodeFields(m), where);
            assertEquals(enc.get("SPA Data Digest"), SpaMessageCodec.digest(enc.get("Encoded Data"), m.digestType()),
                    where);
            assertEquals(enc.get("Final SPA Data"), run.wire, where);
            if (c.hmac() != null) {
                assertEquals(enc.get("HMAC"), run.wire.substring(run.wire.length() - c.hmac().base64Length()), where);
            }

            // 2. our builder, from the same options, makes the same message; our encoder with the client's
            // salt makes the same bytes
            SpaMessage ours = request(c, m.username()).random(m.random()).timestamp(m.timestamp()).build();
            assertEquals(m, ours, where);
            byte[] raw = SpaBase64.decode(RijndaelCipher.PREFIX + run.wire);
            byte[] salt = Arrays.copyOfRange(raw, 8, 16);
            assertEquals(run.wire, SpaWire.seal(ours, fixedSalt(salt), c.key(), c.hmacKey()), where);
        }
    }

    @Test
    void theirServerDecodesEveryPacketOfOurEncoder() throws Exception {
        assumeTrue(Files.isExecutable(FWKNOPD), "fwknopd 2.6.10 is not installed");
        List<String> wires = new ArrayList<>();
        Map<String, SpaMessage> ours = new HashMap<>();
        Map<String, Case> caseOf = new HashMap<>();
        for (Case c : cases) {
            SpaMessage m = request(c, "root").build();
            String wire = SpaWire.seal(m, cipher, c.key(), c.hmacKey());
            wires.add(wire);
            ours.put(wire, m);
            caseOf.put(wire, c);
        }
        List<String> control = new ArrayList<>();
        if (Files.isExecutable(FWKNOP)) {
            // the real client's packets for the same cases prove the stanzas are right
            for (int i = 0; i < cases.size(); i += 5) {
                Case c = cases.get(i);
                String wire = runClient(c).wire;
                control.add(wire);
                caseOf.put(wire, c);
            }
        }
        List<String> all = new ArrayList<>(wires);
        all.addAll(control);

        Path pcap = dir.resolve("ours.pcap");
        Files.write(pcap, SpaPcap.udpFrames(all));
        StringBuilder access = new StringBuilder();
        cases.stream().map(Case::stanza).distinct().forEach(s -> access.append(s.text()));
        Path accessFile = privateFile("access.conf", access.toString());
        Path conf = privateFile("fwknopd.conf", String.join("\n", "PCAP_INTF lo;", "ENABLE_SPA_PACKET_AGING N;",
                "ENABLE_IPT_FORWARDING Y;", "ENABLE_IPT_LOCAL_NAT Y;", "FWKNOP_RUN_DIR " + dir + ";", ""));
        List<String> cmd = new ArrayList<>();
        if (unshareWorks()) {
            cmd.addAll(List.of("/usr/bin/unshare", "-n"));
        }
        cmd.addAll(List.of(FWKNOPD.toString(), "-f", "-t", "-v", "-v", "--pcap-file", pcap.toString(), "-C",
                Integer.toString(all.size()), "-c", conf.toString(), "-a", accessFile.toString(), "-d",
                dir.resolve("digest.cache").toString(), "-p", dir.resolve("fwknopd.pid").toString(), "-r",
                dir.toString()));
        String log = run(cmd, 60).output;

        Map<String, FwknopdResult> results = parseFwknopd(log);
        for (String wire : all) {
            Case c = caseOf.get(wire);
            FwknopdResult res = results.get(wire);
            String where = "case " + c.index() + " " + c.variant().name() + " " + c.mode() + "/" + c.hmac() + "/"
                    + c.digest() + (control.contains(wire) ? " (their client)" : " (our encoder)") + "\n" + wire;
            assertTrue(res != null, "fwknopd never saw " + where + "\n" + tail(log));
            assertEquals(List.of(c.stanza().number()), res.decodedBy, where + "\n" + res.log);
            assertTrue(res.testModeSkip, "no test-mode line for " + where + "\n" + res.log);
            if (!control.contains(wire)) {
                SpaMessage m = ours.get(wire);
                Map<String, String> f = res.fields;
                assertEquals(m.random(), f.get("Random Value"), where);
                assertEquals(m.username(), f.get("Username"), where);
                assertEquals(Long.toString(m.timestamp()), f.get("Timestamp"), where);
                assertEquals(m.type().code(), code(f.get("Message Type")), where);
                assertEquals(m.message(), f.get("Message String"), where);
                assertEquals(m.natAccess(), nullable(f.get("Nat Access")), where);
                assertEquals(Integer.toString(m.clientTimeout()), f.get("Client Timeout"), where);
                assertEquals(m.digestType().code(), code(f.get("Digest Type")), where);
                assertEquals(c.hmac() == null ? 0 : c.hmac().code(), code(f.get("HMAC Type")), where);
                assertEquals(modeCode(c.mode()), code(f.get("Encryption Mode")), where);
                assertEquals(SpaMessageCodec.encodeFields(m), f.get("Encoded Data"), where);
            }
        }
        assertEquals(all.size(), count(log, "SPA Decode (res=0)"), tail(log));
    }

    // ---------------------------------------------------------------------------------------------------
    // the real client

    private record ClientRun(String wire, Map<String, String> encoded, Map<String, String> decoded, String output) {
    }

    private ClientRun runClient(Case c) throws Exception {
        Path pkt = dir.resolve("c" + c.index() + ".spa");
        Files.deleteIfExists(pkt);
        List<String> cmd = new ArrayList<>(List.of(FWKNOP.toString(), "--no-rc-file", "--no-save-args", "-D", SERVER));
        cmd.addAll(c.variant().args());
        Stanza s = c.stanza();
        if (c.base64Keys()) {
            cmd.addAll(List.of("--key-base64-rijndael", Base64.getEncoder().encodeToString(s.key())));
        } else {
            cmd.addAll(List.of("--key-rijndael", new String(s.key(), StandardCharsets.US_ASCII)));
        }
        if (c.hmac() != null) {
            cmd.addAll(c.base64Keys() ? List.of("--key-base64-hmac", Base64.getEncoder().encodeToString(s.hmacKey()))
                    : List.of("--key-hmac", new String(s.hmacKey(), StandardCharsets.US_ASCII)));
            cmd.addAll(List.of("--hmac-digest-type", c.hmac().name().toLowerCase()));
        }
        cmd.addAll(List.of("-m", c.digest().name().toLowerCase(), "-M",
                c.mode() == EncryptionMode.LEGACY ? "legacy" : c.mode().name().toLowerCase(), "--test", "-v",
                "--save-packet", pkt.toString()));
        Result r = run(cmd, 20);
        assertEquals(0, r.status, cmd + "\n" + r.output);
        String wire = Files.readString(pkt, StandardCharsets.US_ASCII).trim();
        int split = r.output.indexOf("Dump of the Decoded Data");
        assertTrue(split > 0, r.output);
        return new ClientRun(wire, fields(r.output.substring(0, split)), fields(r.output.substring(split)), r.output);
    }

    private static final Pattern FIELD = Pattern.compile("^\\s*([A-Za-z][A-Za-z ]*[A-Za-z]): (.*)$");

    /** The first {@code SPA Field Values} dump in {@code text}. */
    private static Map<String, String> fields(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int at = text.indexOf("SPA Field Values:");
        if (at < 0) {
            return out;
        }
        for (String line : text.substring(at).split("\n", -1)) {
            if (line.isBlank() && out.size() > 0) {
                break;
            }
            Matcher m = FIELD.matcher(line);
            if (m.matches()) {
                out.putIfAbsent(m.group(1).trim(), m.group(2));
            }
        }
        return out;
    }

    private static SpaMessageBuilder request(Case c, String clientUser) {
        SpaMessageBuilder b = new SpaMessageBuilder().username(clientUser).digestType(c.digest());
        c.variant().request().accept(b);
        return b;
    }

    /** Our cipher with a given salt, so our encoder can be compared with a captured packet byte for byte. */
    private SpaCipher fixedSalt(byte[] salt) {
        return new SpaCipher() {
            @Override
            public String type() {
                return cipher.type();
            }

            @Override
            public String wirePrefix() {
                return cipher.wirePrefix();
            }

            @Override
            public String encrypt(byte[] plaintext, CipherKey key) throws SpaException {
                return SpaBase64.encode(cipher.encrypt(plaintext, (RijndaelKey) key, salt));
            }

            @Override
            public byte[] decrypt(String base64Ciphertext, CipherKey key) throws SpaException {
                return cipher.decrypt(base64Ciphertext, key);
            }
        };
    }

    // ---------------------------------------------------------------------------------------------------
    // the real server

    private static final class FwknopdResult {
        final List<Integer> decodedBy = new ArrayList<>();
        Map<String, String> fields = Map.of();
        boolean testModeSkip;
        final StringBuilder log = new StringBuilder();
    }

    private static final Pattern STANZA = Pattern.compile("\\(stanza #(\\d+)\\)");

    /** Per wire: which stanzas decoded it, the field dump and whether the test-mode line followed. */
    private static Map<String, FwknopdResult> parseFwknopd(String log) {
        Map<String, FwknopdResult> out = new HashMap<>();
        FwknopdResult current = null;
        String[] lines = log.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("SPA Packet: '") && line.endsWith("'")) {
                current = out.computeIfAbsent(line.substring(13, line.length() - 1), w -> new FwknopdResult());
                continue;
            }
            if (current == null) {
                continue;
            }
            if (line.contains("(stanza #")) {
                current.log.append(line).append('\n');
            }
            Matcher st = STANZA.matcher(line);
            if (line.contains("SPA Decode (res=0)") && st.find()) {
                current.decodedBy.add(Integer.parseInt(st.group(1)));
                StringBuilder dump = new StringBuilder();
                for (int j = i + 1; j < lines.length && !lines[j].isBlank(); j++) {
                    dump.append(lines[j]).append('\n');
                }
                current.fields = fields(dump.toString());
            }
            if (line.contains("--test mode enabled, skipping")) {
                current.testModeSkip = true;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------
    // helpers

    private record Result(int status, String output) {
    }

    /** Runs an argument vector (never a shell) with a deadline. */
    private static Result run(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(cmd.get(0) + " did not finish within " + seconds + " s:\n"
                    + out.get(10, TimeUnit.SECONDS));
        }
        return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS));
    }

    /** Whether a new network namespace can be made here, so fwknopd cannot reach anything at all. */
    private static boolean unshareWorks() {
        try {
            return Files.isExecutable(Path.of("/usr/bin/unshare"))
                    && run(List.of("/usr/bin/unshare", "-n", "true"), 10).status == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private Path privateFile(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    private static int code(String enumText) {
        return Integer.parseInt(enumText.substring(0, enumText.indexOf(' ')));
    }

    private static String nullable(String value) {
        return "<NULL>".equals(value) ? null : value;
    }

    /** libfko's encryption mode numbers. */
    private static int modeCode(EncryptionMode m) {
        return switch (m) {
            case ECB -> 1;
            case CBC -> 2;
            case CFB -> 3;
            case OFB -> 5;
            case CTR -> 6;
            case ASYMMETRIC -> 7;
            case LEGACY -> 8;
        };
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : "..." + log.substring(log.length() - 6000);
    }

    private static String alnum(Random r, int n) {
        String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(a.charAt(r.nextInt(a.length())));
        }
        return sb.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
