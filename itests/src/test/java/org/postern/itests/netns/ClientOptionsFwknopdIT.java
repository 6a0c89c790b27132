package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every option of Postern's client that changes what goes on the wire, sent to the real fwknopd 2.6.10: it
 * sniffs the gateway's interface for UDP, TCP and ICMP (PCAP_FILTER), runs its dummy TCP server, takes SPA
 * over HTTP, may NAT and may run commands. A knock passes when fwknopd adds the rule for the allowed address
 * (each knock asks for its own port), connects where it matters, or runs the command. Also: the 1.9
 * spellings, rc stanzas saved and used, {@code -l}, {@code --Last-host}, key files, {@code -R} against an
 * HTTPS and an HTTP external-IP service in the gateway, a proxy, raw packets from a spoofed source, and the
 * refusals (unprivileged raw socket, {@code --Max-packet-size}, username, timestamp).
 */
class ClientOptionsFwknopdIT extends ClientSupport {

    private static DaemonProcess fwknopd;

    @BeforeAll
    static void gateway() throws Exception {
        clientSetUp("client-fwknopd");
        startServices();
        assertTrue(bed.srv("sysctl", "-w", "net.ipv4.ip_forward=1").ok());
        Path dir = DaemonProcess.writeConfig(work.resolve("fwknopd"), bed, false,
                "(udp or tcp or icmp) and dst host " + bed.serverIp,
                List.of("ENABLE_TCP_SERVER Y", "TCPSERV_PORT " + NetnsTestbed.SPA_PORT, "ENABLE_SPA_OVER_HTTP Y",
                        "ENABLE_IPT_FORWARDING Y", "ENABLE_IPT_LOCAL_NAT Y"),
                accessConf());
        fwknopd = DaemonProcess.fwknopd(dir, bed, false).start("Starting fwknopd main event loop",
                Duration.ofSeconds(30));
        assertTrue(Wait.until(Duration.ofSeconds(10), () -> !bed.rules("FWKNOP_INPUT").isEmpty()),
                "fwknopd made no FWKNOP_INPUT chain:\n" + fwknopd.logText());
    }

    @AfterAll
    static void stopGateway() {
        if (fwknopd != null) {
            fwknopd.close();
        }
    }

    private static void assertOpens(Exec.Result r, int port) {
        assertTrue(r.ok(), r.out());
        assertTrue(opens(port), "fwknopd opened nothing for tcp/" + port + "; client said:\n" + r.out() + "\nfwknopd:\n"
                + fwknopd.logText());
    }

    @Test
    void udpOpensTheServiceForItsTimeout() {
        assertOpens(fwknop(knock("-A", "tcp/" + NetnsTestbed.SERVICE_PORT)), NetnsTestbed.SERVICE_PORT);
        assertTrue(bed.serviceOpen(), "the rule is there, the service must answer");
    }

    @Test
    void messageOptions() {
        int p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "-f", "3")), p);
        for (String digest : List.of("md5", "sha1", "sha384", "sha512", "sha3_256", "sha3_512")) {
            p = port();
            assertOpens(fwknop(knock("-A", "tcp/" + p, "-m", digest)), p);
        }
        p = port();
        assertOpens(fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-a", bed.clientIp, "-A", "tcp/" + p,
                "--key-base64-rijndael", ctrKey, "--key-base64-hmac", ctrHmac, "--hmac-digest-type", "sha512", "-M",
                "ctr"), p);
        p = port();
        assertOpens(fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-a", bed.clientIp, "-A", "tcp/" + p,
                "--key-rijndael", LEGACY_KEY, "-M", "legacy"), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "--time-offset-minus", "60sec")), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "-s")), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p + ",udp/" + p)), p);
    }

    @Test
    void usernameAndTimestampRefusals() {
        int p = port();
        assertOpens(fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-a", bed.clientIp, "-A", "tcp/" + p,
                "--key-base64-rijndael", bobKey, "--key-base64-hmac", bobHmac, "-U", "bob"), p);
        int q = port();
        assertTrue(fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-a", bed.clientIp, "-A",
                "tcp/" + q, "--key-base64-rijndael", bobKey, "--key-base64-hmac", bobHmac, "--Spoof-user", "alice")
                .ok());
        assertTrue(Wait.until(Duration.ofSeconds(5),
                () -> fwknopd.logText().contains("Username in SPA data (alice) does not match required username: bob")),
                fwknopd.logText());
        int r = port();
        assertTrue(fwknop(knock("-A", "tcp/" + r, "--time-offset-plus", "10min")).ok());
        assertTrue(Wait.until(Duration.ofSeconds(5),
                () -> fwknopd.logText().contains("SPA data time difference is too great")), fwknopd.logText());
        assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, q) || bed.ruleFor("FWKNOP_INPUT", bed.clientIp, r));
    }

    @Test
    void spellingsOf19() {
        int p = port();
        assertOpens(fwknop("--no-rc-file", "--no-save-args", "--Destination", bed.serverIp, "--allow-IP", bed.clientIp,
                "--Access", "tcp/" + p, "--Server-port", Integer.toString(NetnsTestbed.SPA_PORT), "--Spoof-user",
                "legacyuser", "--digest-alg", "sha1", "--key-base64-rijndael", keyB64, "--key-base64-hmac", hmacB64), p);
        p = port();
        assertOpens(fwknop("--no-rc-file", "--no-save-args", "-Destination", bed.serverIp + ":" + NetnsTestbed.SPA_PORT,
                "-source-IP", "-Access", "tcp/" + p, "--key-base64-rijndael", keyB64, "--key-base64-hmac", hmacB64), p);
    }

    @Test
    void transports() {
        int p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "-P", "tcp")), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "--TCP-sock")), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "-P", "http")), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "-P", "http", "-u", "Fwknop/with-a-custom-agent")), p);
        p = port();
        Exec.Result http19 = fwknop(knock("-A", "tcp/" + p, "--HTTP", "-v"));
        assertTrue(http19.out().contains("destination port: 80"), http19.out());
        assertOpens(http19, p);
        p = port();
        Exec.Result proxied = fwknop(knock("-A", "tcp/" + p, "-H", "127.0.0.1:" + PROXY));
        assertOpens(proxied, p);
        assertTrue(read(proxyLog).contains("PROXIED " + bed.serverIp + ":80 "), read(proxyLog));
        p = port();
        Exec.Result random = fwknop(knock("-A", "tcp/" + p, "-r", "-v"));
        Matcher m = Pattern.compile("destination port: (\\d+)").matcher(random.out());
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 10000, random.out());
        assertOpens(random, p);
    }

    @Test
    void rawPacketsFromASpoofedSource() {
        String spoofed = bed.serverIp.substring(0, bed.serverIp.lastIndexOf('.')) + ".77";
        int p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "-P", "udpraw", "-Q", spoofed)), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "-P", "tcpraw", "--spoof-src", spoofed, "-S", "40001")), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "-P", "icmp", "-Q", spoofed)), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "-P", "icmp", "--icmp-type", "8", "-Q", spoofed)), p);
        p = port();
        assertOpens(fwknop(knock("-A", "tcp/" + p, "-P", "udpraw")), p);
        // -s: fwknopd opens for the packet's source, which is the spoofed one
        p = port();
        Exec.Result legacy = fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-s", "--Spoof-proto", "icmp",
                "--Spoof-src", spoofed, "-A", "tcp/" + p, "--key-base64-rijndael", keyB64, "--key-base64-hmac", hmacB64);
        assertTrue(legacy.ok(), legacy.out());
        assertTrue(opens(spoofed, p), "no rule for the spoofed source " + spoofed + ":\n" + fwknopd.logText());

        Exec.Result unprivileged = bed.cli(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "env", "HOME=/", assembly.resolve("bin/fwknop").toString(), "--no-rc-file", "--no-save-args", "-D",
                bed.serverIp, "-a", bed.clientIp, "-A", "tcp/22", "-P", "udpraw", "--key-base64-rijndael", keyB64));
        assertEquals(1, unprivileged.exit(), unprivileged.out());
        assertTrue(unprivileged.out().contains("need root or the CAP_NET_RAW capability"), unprivileged.out());
    }

    @Test
    void externalAddressOverHttpsAndHttp() {
        int p = port();
        Exec.Result https = fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-R", "--resolve-url",
                "https://" + bed.serverIp + ":" + MYIP_HTTPS + "/myip", "-u", "Agent/7", "-A", "tcp/" + p, "-v",
                "--key-base64-rijndael", keyB64, "--key-base64-hmac", hmacB64);
        assertTrue(https.out().contains("[+] Resolved external IP (via 'https://" + bed.serverIp + ":" + MYIP_HTTPS
                + "/myip') as: " + bed.clientIp), https.out());
        assertOpens(https, p);
        assertTrue(read(myIpLog).contains("UA Agent/7"), read(myIpLog));
        p = port();
        Exec.Result http = fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "--Resolve-external-IP",
                "--resolve-http-only", "--URL", "http://" + bed.serverIp + ":" + MYIP_HTTP + "/myip", "-A", "tcp/" + p,
                "--key-base64-rijndael", keyB64, "--key-base64-hmac", hmacB64);
        assertOpens(http, p);
        assertTrue(read(myIpHttpLog).contains("UA Fwknop/2.6.10"), read(myIpHttpLog));
    }

    @Test
    void commandModeRunsTheCommand() throws Exception {
        Path marker = work.resolve("ran-" + port());
        Exec.Result r = fwknop(knock("-C", "touch " + marker));
        assertTrue(r.ok(), r.out());
        assertTrue(Wait.until(Duration.ofSeconds(10), () -> Files.exists(marker)),
                "fwknopd did not run the command:\n" + fwknopd.logText());
    }

    @Test
    void natAccess() {
        int p = port();
        Exec.Result forward = fwknop(knock("-A", "tcp/" + p, "-N", bed.serverIp + ":" + NetnsTestbed.SERVICE_PORT));
        assertTrue(forward.ok(), forward.out());
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> natRule(p, bed.serverIp + ":" + NetnsTestbed.SERVICE_PORT)),
                "no DNAT rule for -N:\n" + fwknopd.logText());

        int local = port();
        Exec.Result nl = fwknop(knock("-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "--nat-local", "--nat-port",
                Integer.toString(local)));
        assertTrue(nl.ok(), nl.out());
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> connects(local)),
                "--nat-local: tcp/" + local + " does not reach the service:\n" + fwknopd.logText());

        Exec.Result random = fwknop(knock("-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "--NAT-local", "--NAT-rand-port"));
        assertTrue(random.ok(), random.out());
        Matcher m = Pattern.compile("Randomly assigned port '(\\d+)'").matcher(random.out());
        assertTrue(m.find(), random.out());
        int assigned = Integer.parseInt(m.group(1));
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> connects(assigned)),
                "--nat-rand-port: tcp/" + assigned + " does not reach the service:\n" + fwknopd.logText());
    }

    private static boolean natRule(int port, String to) {
        Exec.Result r = bed.srv(IPTABLES, "-w", "-t", "nat", "-S", "FWKNOP_PREROUTING");
        return r.out().lines().anyMatch(l -> l.contains("-s " + bed.clientIp + "/32") && l.contains("--dport " + port)
                && l.contains("--to-destination " + to));
    }

    @Test
    void rcStanzasSavedArgumentsAndKeyFiles() throws Exception {
        int p = port();
        Exec.Result save = fwknop("-n", "gw", "--save-rc-stanza", "-D", bed.serverIp, "-a", bed.clientIp, "-A",
                "tcp/" + p, "--key-base64-rijndael", keyB64, "--key-base64-hmac", hmacB64, "-T");
        assertTrue(save.ok(), save.out());
        String rc = Files.readString(home.resolve(".fwknoprc"));
        assertTrue(rc.contains("[gw]") && rc.contains("ACCESS                      tcp/" + p), rc);
        assertFalse(opens(p), "-T sends nothing");

        Exec.Result used = fwknop("-n", "gw");
        assertOpens(used, p);
        assertTrue(Files.readString(home.resolve(".fwknop.run")).startsWith("fwknop -n gw"));

        int q = port();
        assertTrue(fwknop("-D", bed.serverIp, "-a", bed.clientIp, "-A", "tcp/" + q, "--no-rc-file",
                "--key-base64-rijndael", keyB64, "--key-base64-hmac", hmacB64).ok());
        assertTrue(opens(q));
        // fwknopd does not add a rule identical to one it holds (same expiry second): let both expire first
        assertTrue(Wait.until(Duration.ofSeconds(TIMEOUT + 5), () -> !bed.ruleFor("FWKNOP_INPUT", bed.clientIp, p)
                && !bed.ruleFor("FWKNOP_INPUT", bed.clientIp, q)), "rules did not expire:\n" + fwknopd.logText());
        Path run = home.resolve(".fwknop.run");
        Files.writeString(run, "fwknop -n gw \n");
        Exec.Result again = fwknop("-l");
        assertOpens(again, p);
        Exec.Result byHost = fwknop("--Last-host", bed.serverIp);
        assertTrue(byHost.out().contains("[+] Running with last command line args: fwknop -D " + bed.serverIp),
                byHost.out());
        assertOpens(byHost, q);

        Path keys = work.resolve("keys");
        Files.writeString(keys, "# server: key\nother.example: nope\n" + bed.serverIp + ": " + LEGACY_KEY + "\n");
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        int k = port();
        assertOpens(fwknop("--no-rc-file", "--no-save-args", "-D", bed.serverIp, "-a", bed.clientIp, "-A", "tcp/" + k,
                "-G", keys.toString(), "-M", "legacy"), k);
    }

    @Test
    void maxPacketSizeSendsNothing() {
        int p = port();
        Exec.Result r = fwknop(knock("-A", "tcp/" + p, "--Max-packet-size", "120"));
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("is larger than --Max-packet-size 120: not sent"), r.out());
        assertFalse(opens(p));
    }
}
