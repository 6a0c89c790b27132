package org.postern.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.postern.client.knock.KnockException;

import picocli.CommandLine.Option;

/** The fast parser agrees with picocli (the reference) on names and on what every command line means. */
class QuickArgsTest {

    /** Every {@code @Option} of CommandLineOptions, as member name to option names. */
    private static List<String[]> annotated() {
        List<String[]> out = new ArrayList<>();
        List<AccessibleObject> members = new ArrayList<>(Arrays.asList(CommandLineOptions.class.getDeclaredFields()));
        members.addAll(Arrays.asList(CommandLineOptions.class.getDeclaredMethods()));
        for (AccessibleObject m : members) {
            Option o = m.getAnnotation(Option.class);
            if (o != null) {
                String[] row = new String[o.names().length + 1];
                row[0] = ((Member) m).getName();
                System.arraycopy(o.names(), 0, row, 1, o.names().length);
                out.add(row);
            }
        }
        return out;
    }

    @Test
    void everyPicocliOptionIsInTheFastTableUnderTheSameMember() {
        Set<String> annotatedNames = new TreeSet<>();
        for (String[] row : annotated()) {
            Set<String> expected = new TreeSet<>(Arrays.asList(row).subList(1, row.length));
            annotatedNames.addAll(expected);
            assertEquals(expected, new TreeSet<>(Arrays.asList(QuickArgs.namesOf(row[0]))),
                    "QuickArgs.TABLE must list member '" + row[0] + "' with exactly the names of its @Option");
        }
        assertEquals(annotatedNames, new TreeSet<>(Arrays.asList(QuickArgs.names())),
                "QuickArgs knows an option picocli does not");
    }

    @Test
    void arityFollowsTheMemberTypeAndEveryMemberIsSet() throws Exception {
        for (String[] row : annotated()) {
            String member = row[0];
            boolean flag;
            try {
                Class<?> t = CommandLineOptions.class.getDeclaredField(member).getType();
                flag = t == boolean.class || t == boolean[].class;
            } catch (NoSuchFieldException e) {
                flag = Arrays.stream(CommandLineOptions.class.getDeclaredMethods())
                        .filter(m -> m.getName().equals(member)).findFirst().orElseThrow()
                        .getParameterTypes()[0] == boolean.class;
            }
            assertEquals(!flag, QuickArgs.takesValue(member), "arity of " + member + " in QuickArgs.TABLE");
            String[] args = flag ? new String[] {row[1]} : new String[] {row[1], "1"};
            assertNotNull(QuickArgs.parse(args), "QuickArgs.set has no case for '" + member + "'");
        }
    }

    @Test
    void everyOptionIsInTheHelpText() {
        for (String name : QuickArgs.names()) {
            assertTrue(Usage.TEXT.contains(name), "fwknop -h does not mention " + name);
        }
    }

    static List<String[]> corpus() {
        return List.of(
                new String[] {"-A", "tcp/22", "-a", "10.1.1.1", "-D", "gw", "--key-rijndael", "-x", "-s"},
                new String[] {"-sTvv", "-Dgw", "--access=tcp/22,udp/53", "-p", "62202", "-P", "udpraw", "-Q", "10.9.9.9"},
                new String[] {"--Server-port", "4000", "--Spoof-proto", "icmp", "--Spoof-src", "1.2.3.4", "--TCP-sock"},
                new String[] {"-Server-port", "4000", "-Access", "tcp/22", "-Destination", "gw", "--HTTP", "-q"},
                new String[] {"--NAT-access", "192.168.1.2:22", "--NAT-local", "--NAT-rand-port", "-F", "h:1",
                    "--Resolve-external-IP", "--URL", "https://x/", "--Save-packet", "--Save-packet-file", "f",
                    "--Save-packet-append", "--Last-host", "gw", "--Show-last-cmd", "--Home-dir", "/h", "-l",
                    "--Show-host-cmd", "gw", "--Max-packet-size", "900", "--HTTP-proxy", "p:3128",
                    "--HTTP-user-agent", "UA", "--Server-cmd", "touch /x", "--locale", "C", "--no-locale", "-d"},
                new String[] {"-n", "s", "-m", "sha512", "-M", "ctr", "-f", "30", "-C", "cmd", "-N", "h:2",
                    "--nat-local", "--nat-port", "55000", "--nat-rand-port", "-U", "u", "--time-offset-plus", "5m",
                    "--time-offset-minus", "1h", "-B", "p", "-b", "-T", "-k", "-K", "kf", "--key-len", "16",
                    "--hmac-key-len", "32", "--rc-file", "rc", "--no-rc-file", "--save-rc-stanza", "--force-stanza",
                    "--stanza-list", "--no-save-args", "-E", "args", "--show-last", "--no-home-dir", "-V", "-h"},
                new String[] {"-r", "-S", "5000", "--icmp-type", "8", "--icmp-code", "0", "-u", "ua", "-H", "proxy",
                    "--server-resolve-ipv4", "-R", "--resolve-http-only", "--resolve-url", "http://r/", "-w", "wget",
                    "--curl-cmd", "curl", "--use-wget-user-agent", "--key-base64-rijndael", "a2V5",
                    "--key-hmac", "h", "--key-base64-hmac", "aG1hYw", "--use-hmac", "--hmac-digest-type", "sha1",
                    "-G", "kf", "--get-hmac-key", "hkf", "--stdin", "--fd", "3", "--spoof-src", "1.1.1.1",
                    "--whatismyip", "--digest-alg", "md5", "--Test-mode", "--Version", "--Save-dst",
                    "--no-FKO-module", "--Lib-dir", "/x", "--fault-injection-tag", "t", "--LC_ALL", "de_DE"},
                new String[] {"-a", "1.1.1.1", "--source-IP", "--allow-IP=2.2.2.2", "-P", "tcp", "--HTTP",
                    "--Spoof-proto", "udp", "--server-proto=icmp"},
                new String[] {"--Server-mode", "knock", "--offset", "62000", "--rotate-proto", "--time-delay", "0",
                    "--user-rc", "seq", "-Server-mode", "shared", "-offset", "61000", "-time-delay=2"});
    }

    @Test
    void bothParsersAgreeOnEveryField() throws Exception {
        for (String[] args : corpus()) {
            CommandLineOptions quick = QuickArgs.parse(args);
            assertNotNull(quick, "QuickArgs gave up on " + String.join(" ", args));
            CommandLineOptions reference = PicocliArgs.parse(args);
            for (Field f : CommandLineOptions.class.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Object a = f.get(quick);
                Object b = f.get(reference);
                if (a instanceof boolean[] x) {
                    assertArrayEquals((boolean[]) b, x, f.getName() + " in " + String.join(" ", args));
                } else {
                    assertEquals(b, a, f.getName() + " in " + String.join(" ", args));
                }
            }
        }
    }

    @Test
    void orderedOptionsTakeTheLastOne() throws KnockException {
        assertEquals("0.0.0.0", QuickArgs.parse(new String[] {"-a", "1.1.1.1", "-s"}).allowIp);
        assertEquals("1.1.1.1", QuickArgs.parse(new String[] {"-s", "-a", "1.1.1.1"}).allowIp);
        CommandLineOptions o = QuickArgs.parse(new String[] {"-P", "udp", "--Spoof-proto", "tcp"});
        assertEquals("tcpraw", o.serverProto);
        assertTrue(o.spoofProto19);
        assertEquals("tcp", QuickArgs.parse(new String[] {"--HTTP", "--TCP-sock"}).serverProto);
    }

    @Test
    void malformedCommandLinesAreLeftToPicocli() throws KnockException {
        assertNull(QuickArgs.parse(new String[] {"-x"}));
        assertNull(QuickArgs.parse(new String[] {"--nope"}));
        assertNull(QuickArgs.parse(new String[] {"-A"}));
        assertNull(QuickArgs.parse(new String[] {"-p", "x"}));
        assertNull(QuickArgs.parse(new String[] {"stray"}));
        assertNull(QuickArgs.parse(new String[] {"--", "-A"}));
        assertNull(QuickArgs.parse(new String[] {"--test=yes"}));
    }

    @Test
    void droppedOptionsOf19AreRefusedWithTheReason() {
        KnockException e = assertThrows(KnockException.class,
                () -> QuickArgs.parse(new String[] {"--Include-equals"}));
        assertTrue(e.getMessage().contains("1.9.6"), e.getMessage());
        assertThrows(KnockException.class, () -> QuickArgs.parse(new String[] {"-Include-salted"}));
    }

    @Test
    void singleDashLongNamesAreOnlyThoseOf19() throws KnockException {
        CommandLineOptions o = QuickArgs.parse(new String[] {"-Spoof-user", "bob", "-rand-port"});
        assertEquals("bob", o.spoofUser);
        assertTrue(o.randPort);
        // a 2.6.10 cluster stays a cluster: -sT is --source-ip --test, not an option named "sT"
        o = QuickArgs.parse(new String[] {"-sT"});
        assertTrue(o.test);
        assertEquals("0.0.0.0", o.allowIp);
    }
}
