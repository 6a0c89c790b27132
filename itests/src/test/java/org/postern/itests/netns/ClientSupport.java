package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the tests of Postern's client options share: extra key sets for the access stanzas that need them, a
 * private HOME for the client, the external-IP services (HTTPS with a throwaway certificate, and plain HTTP)
 * and a forward HTTP proxy, all inside the namespaces, and the means to run {@code bin/fwknop} with any
 * command line in the client namespace.
 */
abstract class ClientSupport extends GatewaySupport {

    static final int MYIP_HTTPS = 8443;
    static final int MYIP_HTTP = 8080;
    static final int PROXY = 3128;
    static final int WEB = 80;
    static final String STORE_PASSWORD = "changeit";

    /** Keys of a CTR + HMAC-SHA512 stanza, and of a stanza with REQUIRE_USERNAME bob. */
    static String ctrKey;
    static String ctrHmac;
    static String bobKey;
    static String bobHmac;
    static final String LEGACY_KEY = "legacykey";

    static Path work;
    static Path home;
    static Path trustStore;
    static Path myIpLog;
    static Path myIpHttpLog;
    static Path proxyLog;

    private static final AtomicInteger PORTS = new AtomicInteger(31000);

    /** A tcp port no other knock of the class asks for, so each knock's rule is told apart. */
    static int port() {
        return PORTS.incrementAndGet();
    }

    static void clientSetUp(String name) throws Exception {
        SecureRandom r = new SecureRandom();
        ctrKey = random(r, 32);
        ctrHmac = random(r, 64);
        bobKey = random(r, 32);
        bobHmac = random(r, 64);
        work = tempDir(name);
        home = Files.createDirectories(work.resolve("home"));
    }

    private static String random(SecureRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** The stanzas in fwknop's trial order: main keys (command mode allowed), CTR+SHA512, legacy, bob only. */
    static String accessConf() {
        return stanza("ENABLE_CMD_EXEC Y") + "\n"
                + "SOURCE ANY\nKEY_BASE64 " + ctrKey + "\nHMAC_KEY_BASE64 " + ctrHmac + "\nHMAC_DIGEST_TYPE sha512\n"
                + "ENCRYPTION_MODE CTR\nFW_ACCESS_TIMEOUT " + TIMEOUT + "\n\n"
                + "SOURCE ANY\nKEY " + LEGACY_KEY + "\nENCRYPTION_MODE legacy\nFW_ACCESS_TIMEOUT " + TIMEOUT + "\n\n"
                + "SOURCE ANY\nKEY_BASE64 " + bobKey + "\nHMAC_KEY_BASE64 " + bobHmac + "\nREQUIRE_USERNAME bob\n"
                + "FW_ACCESS_TIMEOUT " + TIMEOUT + "\n";
    }

    /**
     * Starts the external-IP services in the gateway (HTTPS on 8443 with a certificate for the gateway's
     * address that the client is told to trust, HTTP on 8080) and the proxy in the client namespace
     * (127.0.0.1:3128), and lets their ports through the gateway's policy.
     */
    static void startServices() throws Exception {
        String keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
        Path keyStore = work.resolve("myip.p12");
        trustStore = work.resolve("trust.p12");
        Path cert = work.resolve("myip.cer");
        must(Exec.run(60, keytool, "-genkeypair", "-alias", "myip", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=myip", "-ext", "SAN=ip:" + bed.serverIp, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD));
        must(Exec.run(60, keytool, "-exportcert", "-alias", "myip", "-keystore", keyStore.toString(), "-storepass",
                STORE_PASSWORD, "-file", cert.toString()));
        must(Exec.run(60, keytool, "-importcert", "-noprompt", "-alias", "myip", "-file", cert.toString(),
                "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD));
        for (int p : List.of(MYIP_HTTPS, MYIP_HTTP, WEB, NetnsTestbed.SPA_PORT)) {
            bed.acceptTcp(p);
        }
        myIpLog = work.resolve("myip.log");
        proxyLog = work.resolve("proxy.log");
        myIpHttpLog = work.resolve("myip-http.log");
        bed.background(bed.serverNs, myIpLog, java("myip", bed.serverIp, Integer.toString(MYIP_HTTPS), "https",
                keyStore.toString(), STORE_PASSWORD));
        bed.background(bed.serverNs, myIpHttpLog, java("myip", bed.serverIp, Integer.toString(MYIP_HTTP), "http"));
        bed.background(bed.clientNs, proxyLog, java("proxy", "127.0.0.1", Integer.toString(PROXY)));
        bed.background(bed.serverNs, work.resolve("web.log"), List.of("nc", "-dlk", bed.serverIp,
                Integer.toString(WEB)));
        for (Path log : List.of(myIpLog, myIpHttpLog, proxyLog)) {
            assertTrue(Wait.until(Duration.ofSeconds(30), () -> read(log).contains("READY")),
                    "test server did not start: " + log + "\n" + read(log));
        }
    }

    private static List<String> java(String... args) {
        List<String> a = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TestServers.class.getName()));
        a.addAll(List.of(args));
        return a;
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void must(Exec.Result r) {
        if (!r.ok()) {
            throw new IllegalStateException("set-up command failed (" + r.exit() + "): " + r.out());
        }
    }

    /**
     * Postern's bin/fwknop in the client namespace with exactly {@code args}, HOME = the test's home, and the
     * throwaway certificate trusted (for -R over HTTPS).
     */
    static Exec.Result fwknop(String... args) {
        List<String> a = new ArrayList<>(List.of("env", "HOME=" + home,
                "FWKNOP_JAVA_OPTS=-Djavax.net.ssl.trustStore=" + trustStore + " -Djavax.net.ssl.trustStorePassword="
                        + STORE_PASSWORD, assembly.resolve("bin/fwknop").toString()));
        a.addAll(List.of(args));
        return bed.cli(a);
    }

    /** The main keys and the usual allow/destination options, then {@code more}. */
    static String[] knock(String... more) {
        List<String> a = new ArrayList<>(List.of("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-a",
                bed.clientIp));
        a.addAll(keys());
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /**
     * fwknop 1.9's encrypted knock sequence ({@code --Server-mode knock}) from the client namespace to the gateway:
     * allow IP = the client's, {@code -A access} (1.9 encodes one proto/port), the 1.9 key (at least 8
     * characters), no pause between knocks unless {@code more} says {@code --time-delay N}. {@code more} may add
     * {@code --offset N}, {@code --rotate-proto}, {@code -U user}, {@code -T} (print, send nothing), {@code -v}.
     * TCP knocks are abandoned non-blocking connects (one SYN each), UDP knocks one datagram "0".
     */
    static Exec.Result knockSequence(String key, String access, String... more) {
        List<String> a = new ArrayList<>(List.of("--Server-mode", "knock", "-D", bed.serverIp, "-a", bed.clientIp,
                "--key-rijndael", key, "-A", access, "--time-delay", "0"));
        a.addAll(List.of(more));
        return fwknop(a.toArray(String[]::new));
    }

    /** fwknop 1.9's shared knock sequence ({@code --Server-mode shared}) of {@code elements} ("tcp/1, udp/2, icmp"). */
    static Exec.Result sharedSequence(String elements, String... more) {
        List<String> a = new ArrayList<>(List.of("--Server-mode", "shared", "-D", bed.serverIp, "-A", elements,
                "--time-delay", "0"));
        a.addAll(List.of(more));
        return fwknop(a.toArray(String[]::new));
    }

    /** A fwknop 1.9.12 SPA packet ({@code --legacy-1.9}) with a 1.9 key to the gateway, allow IP = the client's. */
    static Exec.Result legacySpa(String key, String access, String... more) {
        List<String> a = new ArrayList<>(List.of("--legacy-1.9", "--no-rc-file", "--no-save-args", "-D", bed.serverIp,
                "-a", bed.clientIp, "--key-rijndael", key, "-A", access));
        a.addAll(List.of(more));
        return fwknop(a.toArray(String[]::new));
    }

    /** Whether an ACCEPT rule for {@code source} and tcp/{@code port} appears in FWKNOP_INPUT within 5 s. */
    static boolean opens(String source, int port) {
        return Wait.until(Duration.ofSeconds(5), () -> bed.ruleFor("FWKNOP_INPUT", source, port));
    }

    static boolean opens(int port) {
        return opens(bed.clientIp, port);
    }

    /** A TCP connect from the client to {@code port} of the gateway within 2 s. */
    static boolean connects(int port) {
        return bed.cli("nc", "-z", "-w", "2", bed.serverIp, Integer.toString(port)).ok();
    }
}
