package org.postern.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.EncryptionMode;
import org.postern.api.RijndaelKey;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.DigestType;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.MessageType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaWire;

import com.sun.net.httpserver.HttpServer;

/** The options added for issue 8: 1.9 spellings, rc stanzas saved, saved arguments, key files, -R, limits. */
class FwknopOptionsTest {

    static final long NOW = 1_800_000_000L;

    @TempDir
    Path home;

    @TempDir
    Path cwd;

    record Result(int status, String out, String err) {
    }

    Result withInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1));
        ClientContext ctx = new ClientContext(Map.of(), home, "tester", new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), p -> null, () -> NOW, cwd, in, null, true);
        int status = new Fwknop(ctx).run(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result run(String... args) {
        return withInput("", args);
    }

    static SpaMessage open(String wire, String key, String hmac, HmacType type) throws Exception {
        return SpaWire.open(wire, new RijndaelCipher(), new RijndaelKey(key.getBytes(), EncryptionMode.CBC),
                hmac == null ? null : new HmacKey(hmac.getBytes(), type));
    }

    String packet(String name) throws Exception {
        List<String> lines = Files.readAllLines(cwd.resolve(name));
        return lines.get(lines.size() - 1);
    }

    @Test
    void spellingsOf19MakeThePacketsOf2610() throws Exception {
        Result r = run("--Access", "tcp/22", "--allow-IP", "10.1.1.1", "--Destination", "gw", "--Spoof-user",
                "alice", "--digest-alg", "sha1", "--fw-timeout", "30", "--key-rijndael", "secretkey",
                "--Test-mode", "--no-rc-file", "--no-save-args", "-B", "p19");
        assertEquals(0, r.status, r.err);
        SpaMessage m = open(packet("p19"), "secretkey", null, null);
        assertEquals("10.1.1.1,tcp/22", m.message());
        assertEquals("alice", m.username());
        assertEquals(DigestType.SHA1, m.digestType());
        assertEquals(MessageType.CLIENT_TIMEOUT_ACCESS, m.type());

        r = run("-Access", "tcp/22", "-source-IP", "-Server-cmd", "touch /tmp/x", "--key-rijndael", "secretkey",
                "-T", "--no-rc-file", "--no-save-args", "-B", "cmd");
        assertEquals(0, r.status, r.err);
        m = open(packet("cmd"), "secretkey", null, null);
        assertEquals(MessageType.COMMAND, m.type());
        assertEquals("0.0.0.0,touch /tmp/x", m.message());

        r = run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "--NAT-access", "192.168.1.5:2222", "--key-rijndael",
                "secretkey", "-T", "--no-rc-file", "--no-save-args", "-B", "nat");
        assertEquals(0, r.status, r.err);
        m = open(packet("nat"), "secretkey", null, null);
        assertEquals("192.168.1.5,2222", m.natAccess());
        assertEquals(MessageType.NAT_ACCESS, m.type());
    }

    @Test
    void transportsOf19AndTheirDefaults() {
        String[] base = {"-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "--key-rijndael", "secretkey", "-T", "-v",
            "--no-rc-file", "--no-save-args"};
        Result http = run(concat(base, "--HTTP"));
        assertTrue(http.out.contains("            protocol: http\n"), http.out);
        assertTrue(http.out.contains("    destination port: 80\n"), http.out);
        Result httpPort = run(concat(base, "--HTTP", "--Server-port", "8080"));
        assertTrue(httpPort.out.contains("    destination port: 8080\n"), httpPort.out);
        Result tcp = run(concat(base, "--TCP-sock"));
        assertTrue(tcp.out.contains("            protocol: tcp\n"), tcp.out);
        Result raw = run(concat(base, "--Spoof-proto", "tcp", "--Spoof-src", "10.9.9.9", "-S", "4444"));
        assertEquals(0, raw.status, raw.err);
        assertTrue(raw.out.contains("            protocol: tcpraw\n"), raw.out);
        assertTrue(raw.out.contains("         source port: 4444\n"), raw.out);
        Result hostPort = run(concat(base, "-D", "gw:4001"));
        assertTrue(hostPort.out.contains("    destination port: 4001\n"), hostPort.out);
        assertTrue(hostPort.out.contains("             IP/host: gw\n"), hostPort.out);
        Result rand = run(concat(base, "-r"));
        Matcher port = Pattern.compile("destination port: (\\d+)").matcher(rand.out);
        assertTrue(port.find(), rand.out);
        int p = Integer.parseInt(port.group(1));
        assertTrue(p >= 10000 && p <= 65534, rand.out);
    }

    @Test
    void spoofedSourceNeedsARawTransport() {
        Result r = run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "-Q", "10.9.9.9", "--key-rijndael", "k",
                "--no-rc-file", "--no-save-args");
        assertEquals(1, r.status);
        assertTrue(r.err.contains("Must set -P <udpraw|tcpraw|icmp> with a spoofed source IP"), r.err);
        r = run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "-P", "icmp", "-Q", "10.9.9", "--key-rijndael", "k",
                "--no-rc-file", "--no-save-args");
        assertTrue(r.err.contains("Invalid spoof IP"), r.err);
        r = run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "-P", "icmp", "--icmp-type", "41", "--key-rijndael",
                "k", "--no-rc-file", "--no-save-args");
        assertTrue(r.err.contains("Invalid icmp type '41', must be in [0-40]"), r.err);
    }

    @Test
    void natRandomPortReplacesTheAccessPortAndIsShown() throws Exception {
        Result r = run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "--nat-local", "--nat-rand-port",
                "--key-rijndael", "secretkey", "-T", "--no-rc-file", "--no-save-args", "-B", "p");
        assertEquals(0, r.status, r.err);
        Matcher m = Pattern.compile("\\[\\+] Randomly assigned port '(\\d+)' on: '10\\.1\\.1\\.1,tcp/(\\d+)' will grant"
                + " access to: 'gw,22'").matcher(r.out);
        assertTrue(m.find(), r.out);
        assertEquals(m.group(1), m.group(2));
        SpaMessage msg = open(packet("p"), "secretkey", null, null);
        assertEquals("10.1.1.1,tcp/" + m.group(1), msg.message());
        assertEquals(MessageType.LOCAL_NAT_ACCESS, msg.type());
    }

    @Test
    void maxPacketSizeStopsALargePacketBeforeAnythingIsSent() throws Exception {
        Result r = run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "127.0.0.1", "-p", "9", "--key-rijndael", "secretkey",
                "--no-rc-file", "--no-save-args", "--Max-packet-size", "100", "-B", "p");
        assertEquals(1, r.status);
        assertTrue(r.err.matches("fwknop: SPA packet of \\d+ bytes is larger than --Max-packet-size 100: not sent\n"),
                r.err);
        assertFalse(Files.exists(cwd.resolve("p")), "nothing is saved either");
    }

    @Test
    void rcStanzaSavedThenUsedThenForced() throws Exception {
        Path rc = home.resolve(".fwknoprc");
        Files.writeString(rc, "# my settings\n[default]\nDIGEST_TYPE sha512\n\n[other]\nSPA_SERVER other.example\n");
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        Result r = run("-n", "gw", "--save-rc-stanza", "-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw.example",
                "--key-rijndael", "secretkey", "--key-hmac", "hmackey123", "-f", "45", "-T", "--no-save-args");
        assertEquals(0, r.status, r.err);
        String text = Files.readString(rc);
        assertTrue(text.startsWith("# my settings\n[default]\nDIGEST_TYPE sha512\n\n[other]\n"), text);
        assertTrue(text.contains("""
                [gw]
                FW_TIMEOUT                  45
                ALLOW_IP                    10.1.1.1
                ACCESS                      tcp/22
                SPA_SERVER                  gw.example
                KEY                         secretkey
                HMAC_KEY                    hmackey123
                USE_HMAC                    Y
                NO_SAVE_ARGS                Y
                """), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(rc)));

        Result list = run("--stanza-list");
        assertEquals("The following stanzas are configured in " + rc + " :\n - other\n - gw\n", list.out);

        Result use = run("-n", "gw", "-T", "-B", "p");
        assertEquals(0, use.status, use.err);
        SpaMessage m = open(packet("p"), "secretkey", "hmackey123", HmacType.SHA256);
        assertEquals("10.1.1.1,tcp/22", m.message());
        assertEquals(45, m.clientTimeout());
        assertEquals(DigestType.SHA512, m.digestType(), "[default] still applies");

        // a key is not replaced without a yes; other settings of the stanza are replaced
        Result keep = withInput("n\n", "-n", "gw", "--save-rc-stanza", "-A", "udp/53", "--key-rijndael", "otherkey", "-T",
                "-a", "10.1.1.1");
        assertEquals(0, keep.status, keep.err);
        assertTrue(keep.out.contains("Variable 'KEY' found in stanza. Overwrite [N/y] ?"), keep.out);
        text = Files.readString(rc);
        assertTrue(text.contains("KEY                         secretkey"), text);
        assertFalse(text.contains("otherkey"), text);
        assertTrue(text.contains("ACCESS                      udp/53"), text);
        assertFalse(text.contains("FW_TIMEOUT"), "fwknop replaces the whole stanza:\n" + text);

        Result forced = run("-n", "gw", "--save-rc-stanza", "--force-stanza", "-A", "udp/53", "--key-rijndael",
                "otherkey", "-T", "-a", "10.1.1.1");
        assertEquals(0, forced.status, forced.err);
        text = Files.readString(rc);
        assertTrue(text.contains("KEY                         otherkey"), text);
        assertFalse(text.contains("secretkey"), text);
    }

    @Test
    void keyGenIntoAStanzaThenKnockWithIt() throws Exception {
        Result r = run("-k", "--save-rc-stanza", "-D", "gw.example", "--no-save-args");
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.startsWith("[+] Wrote Rijndael and HMAC keys to rc file: " + home.resolve(".fwknoprc")),
                r.out);
        String text = Files.readString(home.resolve(".fwknoprc"));
        assertTrue(text.matches("(?s)\n\\[gw\\.example]\nSPA_SERVER {18}gw\\.example\nKEY_BASE64 {18}\\S{44}\n"
                + "HMAC_KEY_BASE64 {13}\\S{88}\nNO_SAVE_ARGS {16}Y\n"), text);
        Result use = run("-n", "gw.example", "-A", "tcp/22", "-a", "10.1.1.1", "-T", "--no-save-args", "-B", "p");
        assertEquals(0, use.status, use.err);
    }

    @Test
    void lastCommandLineIsSavedShownAndRunAgain() throws Exception {
        Result r = run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "--key-rijndael", "secretkey", "-T", "-B",
                "first", "--no-rc-file");
        assertEquals(0, r.status, r.err);
        Path run = home.resolve(".fwknop.run");
        String line = "fwknop -A tcp/22 -a 10.1.1.1 -D gw --key-rijndael secretkey -T -B first --no-rc-file \n";
        assertEquals(line, Files.readString(run));
        assertEquals("Last fwknop client command line: " + line.strip() + " \n\n", run("--show-last").out);
        assertEquals("Last fwknop client command line: " + line.strip() + " \n\n", run("--Show-last-cmd").out);

        Files.delete(cwd.resolve("first"));
        Result again = run("-l");
        assertEquals(0, again.status, again.err);
        assertTrue(Files.exists(cwd.resolve("first")), "-l ran the saved command line");
        assertEquals(line, Files.readString(run), "-l does not overwrite the saved line");
    }

    @Test
    void perHostLinesOf19() throws Exception {
        assertEquals(0, run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw1", "--key-rijndael", "k1", "-T", "-B", "a",
                "--no-rc-file").status);
        assertEquals(0, run("-A", "udp/53", "-a", "10.1.1.1", "-D", "gw2", "--key-rijndael", "k2", "-T", "-B", "b",
                "--no-rc-file").status);
        assertEquals(0, run("-A", "tcp/443", "-a", "10.1.1.1", "--destination=gw1", "--key-rijndael", "k1", "-T",
                "-B", "a", "--no-rc-file").status);
        List<String> hosts = Files.readAllLines(home.resolve(".fwknop.hosts"));
        assertEquals(2, hosts.size(), hosts.toString());
        assertTrue(hosts.get(0).contains("tcp/443"), "the newer line for gw1 replaced the older");

        Result show = run("--Show-host-cmd", "gw2");
        assertEquals("[+] Last command run for host: gw2\n    " + hosts.get(1) + "\n", show.out);
        Result last = run("--Last-host", "gw2");
        assertEquals(0, last.status, last.err);
        assertTrue(last.out.startsWith("[+] Running with last command line args: "), last.out);
        assertEquals("10.1.1.1,udp/53", open(packet("b"), "k2", null, null).message());
        Result none = run("--Last-host", "gw3");
        assertEquals(1, none.status);
        assertTrue(none.err.contains("No matching destination host"), none.err);
    }

    @Test
    void homeDirAndArgsFileOptions() throws Exception {
        Path other = Files.createDirectories(cwd.resolve("h"));
        Result r = run("--Home-dir", "h", "-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "--key-rijndael", "k", "-T");
        assertEquals(0, r.status, r.err);
        assertTrue(Files.exists(other.resolve(".fwknop.run")));
        assertFalse(Files.exists(home.resolve(".fwknop.run")));

        Result noHome = run("--no-home-dir", "--no-rc-file", "-A", "tcp/22", "-s", "--key-rijndael", "k", "-T");
        assertEquals(1, noHome.status);
        assertTrue(noHome.err.contains("In --no-home-dir mode must set the args save file path with -E"), noHome.err);
        Result withE = run("--no-home-dir", "--no-rc-file", "-E", "args", "-A", "tcp/22", "-s", "--key-rijndael", "k",
                "-T");
        assertEquals(0, withE.status, withE.err);
        assertTrue(Files.readString(cwd.resolve("args")).startsWith("fwknop --no-home-dir"));
        Result rc = run("--no-home-dir", "-E", "args", "-A", "tcp/22", "-s", "--key-rijndael", "k", "-T");
        assertTrue(rc.err.contains("in --no-home-dir mode, must set --rc-file path"), rc.err);
    }

    @Test
    void keyFilesStdinAndTheirPrecedence() throws Exception {
        Files.writeString(cwd.resolve("keys"), "# keys\nother: nope\ngw: secretkey\n");
        Files.writeString(cwd.resolve("hkeys"), "gw:   hmackey123\n");
        Result r = run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "-G", "keys", "--get-hmac-key", "hkeys", "-T",
                "--no-rc-file", "--no-save-args", "-B", "p");
        assertEquals(0, r.status, r.err);
        assertEquals("10.1.1.1,tcp/22", open(packet("p"), "secretkey", "hmackey123", HmacType.SHA256).message());

        Result missing = run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw2", "-G", "keys", "-T", "--no-rc-file",
                "--no-save-args");
        assertEquals(1, missing.status);
        assertTrue(missing.err.contains("Could not get key for IP: gw2 from: "), missing.err);
        assertFalse(missing.err.contains("secretkey"));

        Result stdin = withInput("secretkey\nhmackey123\n", "-A", "tcp/22", "-a", "10.1.1.1", "--use-hmac", "--stdin", "-T",
                "--no-rc-file", "--no-save-args", "-B", "p");
        assertEquals(0, stdin.status, stdin.err);
        assertEquals("10.1.1.1,tcp/22", open(packet("p"), "secretkey", "hmackey123", HmacType.SHA256).message());

        // KEY_FILE / HMAC_KEY_FILE from the rc file
        Path rc = home.resolve(".fwknoprc");
        Files.writeString(rc, "[gw]\nKEY_FILE " + cwd.resolve("keys") + "\nHMAC_KEY_FILE " + cwd.resolve("hkeys") + "\n");
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        Result fromRc = run("-n", "gw", "-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "-T", "--no-save-args", "-B", "p");
        assertEquals(0, fromRc.status, fromRc.err);
        assertEquals("10.1.1.1,tcp/22", open(packet("p"), "secretkey", "hmackey123", HmacType.SHA256).message());
    }

    @Test
    void quietVerboseDebugAndLocale() {
        Result both = run("-q", "-v", "-T", "--no-rc-file");
        assertTrue(both.err.contains("Cannot run in both --quiet and --verbose modes simultaneously"), both.err);
        Result quiet = run("-q", "-A", "tcp/22", "-s", "--key-rijndael", "k", "-T", "--no-rc-file", "--no-save-args");
        assertEquals(0, quiet.status, quiet.err);
        assertEquals("", quiet.out);
        Result debug = run("-d", "-A", "tcp/22", "-s", "--key-rijndael", "k", "-T", "--no-rc-file", "--no-save-args");
        assertTrue(debug.out.contains("Dump of the Decoded Data"), "-d is verbose");
        Result locale = run("--locale", "C", "-A", "tcp/22", "-s", "--key-rijndael", "k", "-T", "--no-rc-file",
                "--no-save-args");
        assertEquals(0, locale.status, locale.err);
        Result fault = run("--fault-injection-tag", "x", "--no-rc-file");
        assertTrue(fault.err.contains("fwknop not compiled with fault injection support."), fault.err);
        Result dropped = run("--offset", "62000", "-A", "tcp/22", "-s", "--key-rijndael", "k", "-T", "--no-rc-file");
        assertTrue(dropped.err.contains("add --Server-mode knock"), dropped.err);
    }

    @Test
    void httpThroughAProxy() throws Exception {
        try (ServerSocket proxy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            proxy.setSoTimeout(10_000);
            CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
                try (Socket s = proxy.accept()) {
                    s.setSoTimeout(10_000);
                    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                } catch (Exception e) {
                    return e.toString();
                }
            });
            Result r = run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw.example", "--key-rijndael", "secretkey",
                    "-H", "http://127.0.0.1:" + proxy.getLocalPort(), "-u", "Agent/1", "--no-rc-file",
                    "--no-save-args", "-B", "p");
            assertEquals(0, r.status, r.err);
            String request = got.get(15, TimeUnit.SECONDS);
            String path = packet("p").replace('+', '-').replace('/', '_');
            assertEquals("GET http://gw.example/" + path + " HTTP/1.0\r\nUser-Agent: Agent/1\r\nAccept: */*\r\n"
                    + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n", request);
        }
        Result bad = run("-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "-P", "udp", "-H", "proxy", "--key-rijndael",
                "k", "--no-rc-file", "--no-save-args");
        assertTrue(bad.err.contains("Cannot set --http-proxy with a non-HTTP protocol."), bad.err);
    }

    @Test
    void resolvesTheExternalAddressOverHttp() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> agents = new ArrayList<>();
        server.createContext("/myip", x -> {
            agents.add(x.getRequestHeaders().getFirst("User-Agent"));
            byte[] body = "203.0.113.77\n".getBytes(StandardCharsets.US_ASCII);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/myip";
            Result r = run("-A", "tcp/22", "-R", "--resolve-url", url, "-D", "gw", "--key-rijndael", "secretkey", "-v",
                    "-T", "--no-rc-file", "--no-save-args", "-B", "p");
            assertEquals(0, r.status, r.err);
            assertTrue(r.err.contains("[-] Warning: IP resolution URL '" + url
                    + "' should begin with 'https://' in -R mode."), r.err);
            assertTrue(r.out.contains("[+] Resolved external IP (via '" + url + "') as: 203.0.113.77"), r.out);
            assertEquals("203.0.113.77,tcp/22", open(packet("p"), "secretkey", null, null).message());

            Result plain = run("-A", "tcp/22", "--resolve-http-only", "--URL", url, "-u", "Mine/2", "-D", "gw",
                    "--key-rijndael", "secretkey", "-T", "--no-rc-file", "--no-save-args", "-B", "p");
            assertEquals(0, plain.status, plain.err);
            assertEquals("203.0.113.77,tcp/22", open(packet("p"), "secretkey", null, null).message());
            assertEquals(List.of("Fwknop/2.6.10", "Mine/2"), agents);

            Result allowWins = run("-A", "tcp/22", "-R", "-a", "10.1.1.1", "--URL", url, "-D", "gw", "--key-rijndael",
                    "secretkey", "-T", "--no-rc-file", "--no-save-args", "-B", "p");
            assertEquals(0, allowWins.status, allowWins.err);
            assertEquals("10.1.1.1,tcp/22", open(packet("p"), "secretkey", null, null).message());
            assertEquals(2, agents.size(), "-a wins over -R: nothing asked");

            if (Files.isExecutable(Path.of("/usr/bin/curl"))) {
                Result curl = run("-A", "tcp/22", "-R", "--URL", url, "--curl-cmd", "/usr/bin/curl", "-D", "gw",
                        "--key-rijndael", "secretkey", "-T", "--no-rc-file", "--no-save-args", "-B", "p");
                assertEquals(0, curl.status, curl.err);
                assertEquals("203.0.113.77,tcp/22", open(packet("p"), "secretkey", null, null).message());
                assertEquals("Fwknop/2.6.10", agents.get(agents.size() - 1));
            }
            if (Files.isExecutable(Path.of("/usr/bin/wget"))) {
                Result wget = run("-A", "tcp/22", "-R", "--URL", url, "-w", "/usr/bin/wget", "-u", "W/1", "-D", "gw",
                        "--key-rijndael", "secretkey", "-T", "--no-rc-file", "--no-save-args", "-B", "p");
                assertEquals(0, wget.status, wget.err);
                assertEquals("203.0.113.77,tcp/22", open(packet("p"), "secretkey", null, null).message());
                assertEquals("W/1", agents.get(agents.size() - 1));
            }
        } finally {
            server.stop(0);
        }
        Result down = run("-A", "tcp/22", "-R", "--resolve-http-only", "--URL", "http://127.0.0.1:9/", "-D", "gw",
                "--key-rijndael", "secretkey", "--no-rc-file", "--no-save-args");
        assertEquals(1, down.status);
        assertTrue(down.err.startsWith("fwknop: resolve_ip_http: 127.0.0.1:9: "), down.err);
        Result https = run("-A", "tcp/22", "--resolve-http-only", "--URL", "https://x/", "-D", "gw",
                "--key-rijndael", "secretkey", "--no-rc-file", "--no-save-args");
        assertTrue(https.err.contains("https is not supported for --resolve-http-only"), https.err);
    }

    @Test
    void savePacketOf19() throws Exception {
        Result r = run("-A", "tcp/22", "-s", "--key-rijndael", "secretkey", "-T", "--no-rc-file", "--no-save-args",
                "--Save-packet", "--Save-packet-file", "s19");
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.contains("    Saving packet data to: " + cwd.resolve("s19")), r.out);
        run("-A", "tcp/22", "-s", "--key-rijndael", "secretkey", "-T", "--no-rc-file", "--no-save-args",
                "--Save-packet", "--Save-packet-file", "s19", "--Save-packet-append");
        assertEquals(2, Files.readAllLines(cwd.resolve("s19")).size());
        Result dflt = run("-A", "tcp/22", "-s", "--key-rijndael", "secretkey", "-T", "--no-rc-file", "--no-save-args",
                "--Save-packet");
        assertEquals(0, dflt.status, dflt.err);
        try (var files = Files.list(home)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("fwknop_save_packet.")));
        }
        assertNull(SavedArgs.destinationOf("fwknop -A tcp/22"));
    }

    static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
