package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * access.conf's stanza keywords, each shown to allow and to refuse with packets of the real fwknop 2.6.10 client.
 * One daemon in test mode ({@code -t}: decisions logged, firewall untouched), sniffing with libpcap, holds one stanza per case, each with keys
 * of its own, so every packet can only be opened by the stanza under test; the log line of each decision names
 * the stanza and, for a refusal, its step and reason. Keywords proven elsewhere: ENABLE_CMD_EXEC, CMD_EXEC_USER,
 * CMD_REGEX ({@code CommandModeIT}), GPG_* ({@code GpgFwknopClientIT}), FORCE_NAT, FORCE_SNAT,
 * FORCE_MASQUERADE, DISABLE_DNAT, FORWARD_ALL ({@code NatIT}), %include* and PERMIT_CLIENT_PORTS (server unit tests).
 */
class StanzaKeywordsIT extends GatewaySupport {

    /**
     * One keyword case: the stanza's lines beside SOURCE and the keys, the client arguments of a packet it must
     * accept (and what the accept line must say), and of one it must refuse (with the reason, or null when the
     * stanza simply does not serve the packet and the refusal comes from the others).
     */
    record Case(String keyword, String lines, List<String> allow, String allowSays, List<String> refuse,
            String refusal) {
    }

    static final List<Case> CASES = List.of(
            new Case("OPEN_PORTS", "OPEN_PORTS tcp/2222", List.of("-A", "tcp/2222"), "tcp/2222",
                    List.of("-A", "tcp/23"), "POLICY/PORT_NOT_PERMITTED"),
            new Case("RESTRICT_PORTS", "RESTRICT_PORTS tcp/23", List.of("-A", "tcp/2222"), "tcp/2222",
                    List.of("-A", "tcp/23"), "POLICY/PORT_NOT_PERMITTED"),
            new Case("REQUIRE_USERNAME", "REQUIRE_USERNAME bob", List.of("-A", "tcp/2222", "--spoof-user", "bob"),
                    "user bob", List.of("-A", "tcp/2222", "--spoof-user", "eve"), "POLICY/USERNAME_MISMATCH"),
            new Case("REQUIRE_SOURCE_ADDRESS", "REQUIRE_SOURCE_ADDRESS Y", List.of("-A", "tcp/2222"), "tcp/2222",
                    List.of("-A", "tcp/2222", "-s"), "POLICY/SOURCE_ADDRESS_REQUIRED"),
            new Case("FW_ACCESS_TIMEOUT", "FW_ACCESS_TIMEOUT 17", List.of("-A", "tcp/2222"), "timeout 17 s",
                    List.of("-A", "tcp/2222", "--time-offset-minus", "10min"), "POLICY/TIMESTAMP_OUT_OF_RANGE"),
            new Case("MAX_FW_TIMEOUT", "FW_ACCESS_TIMEOUT 10\nMAX_FW_TIMEOUT 30", List.of("-A", "tcp/2222", "-f", "25"),
                    "timeout 25 s", List.of("-A", "tcp/2222", "-f", "100"), "CLAMPED timeout 30 s"),
            new Case("ACCESS_EXPIRE (future)", "ACCESS_EXPIRE 12/31/2099", List.of("-A", "tcp/2222"), "tcp/2222",
                    null, null),
            new Case("ACCESS_EXPIRE (past)", "ACCESS_EXPIRE 01/01/2020", null, null, List.of("-A", "tcp/2222"),
                    "POLICY/STANZA_EXPIRED"),
            new Case("ACCESS_EXPIRE_EPOCH (future)", "ACCESS_EXPIRE_EPOCH 4102444800", List.of("-A", "tcp/2222"),
                    "tcp/2222", null, null),
            new Case("ACCESS_EXPIRE_EPOCH (past)", "ACCESS_EXPIRE_EPOCH 1577836800", null, null,
                    List.of("-A", "tcp/2222"), "POLICY/STANZA_EXPIRED"),
            new Case("HMAC_DIGEST_TYPE", "HMAC_DIGEST_TYPE SHA512", List.of("-A", "tcp/2222", "--hmac-digest-type",
                    "sha512"), "tcp/2222", List.of("-A", "tcp/2222", "--hmac-digest-type", "sha256"),
                    "ANY STANZA_TRIAL/HMAC_MISMATCH"),
            new Case("ENCRYPTION_MODE", "ENCRYPTION_MODE CTR", List.of("-A", "tcp/2222", "-M", "ctr"), "tcp/2222",
                    List.of("-A", "tcp/2222", "-M", "cbc"), "STANZA_TRIAL/"),
            new Case("DESTINATION (match)", "DESTINATION %GATEWAY%/32", List.of("-A", "tcp/2222"), "tcp/2222", null,
                    null),
            new Case("DESTINATION (no match)", "DESTINATION 192.0.2.0/24", null, null, List.of("-A", "tcp/2222"),
                    "NOT SERVED"),
            new Case("SOURCE (no match)", "#SOURCE 198.51.100.0/24", null, null, List.of("-A", "tcp/2222"),
                    "NOT SERVED"),
            new Case("SOURCE (match)", "#SOURCE %CLIENT%/32", List.of("-A", "tcp/2222"), "tcp/2222", null, null));

    static DaemonProcess daemon;
    static final List<String[]> keys = new ArrayList<>();
    static final List<String> names = new ArrayList<>();

    @BeforeAll
    static void daemon() throws Exception {
        SecureRandom random = new SecureRandom();
        StringBuilder access = new StringBuilder();
        int line = 1;
        Path dir = tempDir("keywords");
        for (Case c : CASES) {
            byte[] k = new byte[32];
            byte[] h = new byte[64];
            random.nextBytes(k);
            random.nextBytes(h);
            String kb = Base64.getEncoder().encodeToString(k);
            String hb = Base64.getEncoder().encodeToString(h);
            DaemonProcess.secret(kb);
            DaemonProcess.secret(hb);
            keys.add(new String[] {kb, hb});
            String lines = c.lines().replace("%GATEWAY%", bed.serverIp).replace("%CLIENT%", bed.clientIp);
            String source = "ANY";
            if (lines.startsWith("#SOURCE ")) {
                source = lines.substring("#SOURCE ".length());
                lines = "";
            }
            names.add(dir.resolve("access.conf") + ":" + line);
            String stanza = "SOURCE " + source + "\nKEY_BASE64 " + kb + "\nHMAC_KEY_BASE64 " + hb + "\n"
                    + (lines.isEmpty() ? "" : lines + "\n") + "\n";
            access.append(stanza);
            line += (int) stanza.chars().filter(ch -> ch == '\n').count();
        }
        // pcap (not -U): the daemon sees each packet's destination address, which DESTINATION is checked against
        DaemonProcess.writeConfig(dir, bed, false, List.of(), access.toString());
        daemon = DaemonProcess.postern(assembly, dir, bed, false, "-t").start("Capture source pcap:fwknopd running",
                Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void eachKeywordAllowsAndRefuses() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            String stanza = names.get(i);
            if (c.allow() != null) {
                String got = send(i, c.allow());
                if (got == null || !got.contains("accepted by stanza " + stanza + ":") || !got.contains(c.allowSays())) {
                    failures.add(c.keyword() + " should allow (" + c.allowSays() + ") by " + stanza + ", got: " + got);
                }
            }
            if (c.refuse() != null) {
                String got = send(i, c.refuse());
                boolean ok;
                if (c.refusal().startsWith("CLAMPED ")) {
                    ok = got != null && got.contains("accepted by stanza " + stanza + ":")
                            && got.contains(c.refusal().substring("CLAMPED ".length()));
                } else if (c.refusal().startsWith("ANY ")) {
                    // an HMAC that verifies with no stanza's key cannot tell which stanza it was meant for
                    ok = got != null && got.startsWith("Refused SPA packet")
                            && got.contains(": " + c.refusal().substring("ANY ".length()));
                } else if (c.refusal().equals("NOT SERVED")) {
                    ok = got != null && got.startsWith("Refused SPA packet") && !got.contains("[" + stanza + "]");
                } else {
                    ok = got != null && got.contains(": " + c.refusal()) && got.contains("[" + stanza + "]");
                }
                if (!ok) {
                    failures.add(c.keyword() + " should refuse (" + c.refusal() + ") for " + stanza + ", got: " + got);
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures) + "\n--- log:\n" + daemon.logText());
        }
    }

    /** Sends one packet with case {@code i}'s keys and returns the daemon's decision line for it. */
    private static String send(int i, List<String> args) {
        int before = decisions().size();
        List<String> a = new ArrayList<>(List.of("fwknop", "--no-rc-file", "--no-save-args", "-D", bed.serverIp,
                "--key-base64-rijndael", keys.get(i)[0], "--key-base64-hmac", keys.get(i)[1]));
        if (!args.contains("-s")) {
            a.addAll(List.of("-a", bed.clientIp));
        }
        a.addAll(args);
        Exec.Result r = bed.cli(a);
        assertTrue(r.ok(), "client failed: " + r.out());
        Optional<String> line = Optional.empty();
        if (Wait.until(Duration.ofSeconds(15), () -> decisions().size() > before)) {
            line = Optional.of(decisions().get(before));
        }
        return line.orElse(null);
    }

    /** The daemon's decision lines so far: accepts and refusals. */
    private static List<String> decisions() {
        return daemon.logText().lines()
                .filter(l -> l.contains("accepted by stanza ") || l.contains("Refused SPA packet from "))
                .map(l -> l.substring(l.contains("Refused SPA") ? l.indexOf("Refused SPA") : l.indexOf("SPA packet from ")))
                .toList();
    }
}
