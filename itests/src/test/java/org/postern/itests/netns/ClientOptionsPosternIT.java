package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.itests.Distribution;

/**
 * Postern's client against Postern's daemon (pcap capture of UDP, TCP and ICMP on the gateway's interface), for
 * what the daemon supports today: the message options, UDP and TCP transports, random ports, raw packets from
 * a spoofed source, {@code -R}, rc stanzas and {@code -l}. Not here, because the daemon does not do them yet:
 * command mode ({@code -C}), NAT ({@code -N}, {@code --nat-local}) and SPA over HTTP (the real fwknopd takes
 * them in {@link ClientOptionsFwknopdIT}). Also {@code spa:send} from the Karaf shell of a second Postern
 * instance in the client namespace.
 */
class ClientOptionsPosternIT extends ClientSupport {

    private static DaemonProcess gateway;
    private static DaemonProcess clientKaraf;
    private static Path clientHome;

    @BeforeAll
    static void daemons() throws Exception {
        clientSetUp("client-postern");
        startServices();
        // a dumb acceptor, as fwknopd's TCP server: the payload of -P tcp is taken by the capture
        bed.background(bed.serverNs, work.resolve("tcp-acceptor.log"), List.of("nc", "-dlk", bed.serverIp,
                Integer.toString(NetnsTestbed.SPA_PORT)));
        Path dir = DaemonProcess.writeConfig(work.resolve("gateway"), bed, false,
                "(udp or tcp or icmp) and dst host " + bed.serverIp, List.of(), accessConf());
        gateway = DaemonProcess.postern(assembly, dir, bed, false).start("Capture source pcap:fwknopd running",
                Duration.ofSeconds(90));
        // a Postern in the client namespace, only for its shell (spa:send)
        Distribution dist = Distribution.copyOf(assembly, work.resolve("client-karaf"));
        clientHome = dist.home;
        Path cdir = DaemonProcess.writeConfig(work.resolve("client-daemon"), bed, true, List.of(), stanza());
        clientKaraf = DaemonProcess.posternIn(bed.clientNs, clientHome, cdir, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(90));
    }

    @AfterAll
    static void stopDaemons() {
        if (clientKaraf != null) {
            clientKaraf.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private static void assertOpens(Exec.Result r, int port) {
        assertTrue(r.ok(), r.out());
        assertTrue(opens(port), "Postern opened nothing for tcp/" + port + "; client said:\n" + r.out()
                + "\ndaemon:\n" + gateway.logText());
    }

    @Test
    void messageOptionsAndTransports() {
        assertOpens(fwknop(knock("-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "-f", "4")), NetnsTestbed.SERVICE_PORT);
        assertTrue(bed.serviceOpen(), "the rule is there, the service must answer");
        for (String digest : List.of("md5", "sha512", "sha3_256")) {
            int p = port();
            assertOpens(fwknop(knock("-A", "tcp/" + p, "-m", digest)), p);
        }
        int p = port();
        assertOpens(fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-a", bed.clientIp, "-A", "tcp/" + p,
                "--key-base64-rijndael", ctrKey, "--key-base64-hmac", ctrHmac, "--hmac-digest-type", "sha512", "-M",
                "ctr"), p);
        p = port();
        assertOpens(fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-a", bed.clientIp, "-A", "tcp/" + p,
                "--key-rijndael", LEGACY_KEY, "-M", "legacy"), p);
        p = port();
        assertOpens(fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-a", bed.clientIp, "-A", "tcp/" + p,
                "--key-base64-rijndael", bobKey, "--key-base64-hmac", bobHmac, "--Spoof-user", "bob"), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "--time-offset-minus", "1min", "-s")), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "-P", "tcp")), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "--rand-port")), p);
    }

    @Test
    void rawPacketsFromASpoofedSource() {
        String spoofed = bed.serverIp.substring(0, bed.serverIp.lastIndexOf('.')) + ".78";
        for (String proto : List.of("udpraw", "tcpraw", "icmp")) {
            int p = port();
            assertOpens(fwknop(knock("-A", "tcp/" + p, "-P", proto, "-Q", spoofed)), p);
        }
        int p = port();
        Exec.Result r = fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-s", "--Spoof-proto", "tcp",
                "--Spoof-src", spoofed, "-A", "tcp/" + p, "--key-base64-rijndael", keyB64, "--key-base64-hmac", hmacB64);
        assertTrue(r.ok(), r.out());
        assertTrue(opens(spoofed, p), "no rule for the spoofed source " + spoofed + ":\n" + gateway.logText());
    }

    @Test
    void externalAddressAndSavedArguments() throws Exception {
        int p = port();
        assertOpens(fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-R", "--resolve-url",
                "https://" + bed.serverIp + ":" + MYIP_HTTPS + "/myip", "-A", "tcp/" + p, "--key-base64-rijndael",
                keyB64, "--key-base64-hmac", hmacB64), p);
        int q = port();
        assertTrue(fwknop("--save-rc-stanza", "-n", "postern", "-D", bed.serverIp, "-a", bed.clientIp, "-A",
                "tcp/" + q, "--key-base64-rijndael", keyB64, "--key-base64-hmac", hmacB64, "-T").ok());
        assertOpens(fwknop("-n", "postern"), q);
        long before = gateway.count("accepted by stanza");
        assertTrue(fwknop("-l").ok());
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> gateway.count("accepted by stanza") > before),
                "-l did not knock again:\n" + gateway.logText());
    }

    @Test
    void spaSendFromTheKarafShell() {
        assertTrue(Wait.until(Duration.ofSeconds(60), () -> clientShell("spa:status").out().contains("components")),
                "the client namespace's shell did not come up");
        int p = port();
        Exec.Result sent = clientShell("spa:send -A tcp/" + p + " -a " + bed.clientIp + " -D " + bed.serverIp
                + " --key-base64-rijndael " + keyB64 + " --key-base64-hmac " + hmacB64 + " --no-rc-file -U operator");
        assertEquals(0, sent.exit(), sent.out());
        assertTrue(opens(p), "spa:send opened nothing: " + sent.out() + "\n" + gateway.logText());

        Exec.Result help = clientShell("spa:send -h");
        assertTrue(help.out().contains("Usage: fwknop -A <port list>"), help.out());
        Exec.Result refused = clientShell("spa:send -A tcp/22 -D " + bed.serverIp + " --key-rijndael x --no-rc-file");
        assertEquals(1, refused.exit(), refused.out());
        assertTrue(refused.out().contains("Must use one of [-s|-R|-a] to specify IP for SPA access."), refused.out());
    }

    /** One command through the client-namespace Karaf's bin/client. */
    private static Exec.Result clientShell(String command) {
        try {
            Path in = Files.createTempFile("shell", ".in");
            Files.writeString(in, command + "\n", StandardCharsets.UTF_8);
            Exec.Result r = Exec.run(70, in, List.of("ip", "netns", "exec", bed.clientNs, "timeout", "60",
                    clientHome.resolve("bin/client").toString(), "-a", "8101", "-u", "karaf", "-p", "karaf", "-b"));
            Files.delete(in);
            return new Exec.Result(r.exit(), r.out().replaceAll("\u001B\\[[0-9;]*m", ""));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
