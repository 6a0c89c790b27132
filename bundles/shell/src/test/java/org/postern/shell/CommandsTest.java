package org.postern.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.AccessStanzaView;
import org.postern.api.CaptureSource;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.GrantRegistry;
import org.postern.api.PortSpec;
import org.postern.api.StanzaCatalog;

class CommandsTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private <C extends SpaCommand> C wire(C command) {
        command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        command.noFormat = true;
        return command;
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static AccessGrant grant(String id, String source, String ports, long secondsLeft) throws Exception {
        return new AccessGrant(id, InetAddress.getByName(source), null, PortSpec.parseList(ports),
                NOW.plusSeconds(secondsLeft), "access.conf:1");
    }

    private static final class Registry implements GrantRegistry {
        final List<AccessGrant> live = new ArrayList<>();

        @Override
        public List<AccessGrant> grants() {
            return List.copyOf(live);
        }

        @Override
        public Optional<AccessGrant> revoke(String id) {
            Optional<AccessGrant> found = live.stream().filter(g -> g.id().equals(id)).findFirst();
            found.ifPresent(live::remove);
            return found;
        }
    }

    @Test
    void grantsListsIdSourcePortsStanzaAndSecondsLeft() throws Exception {
        Registry registry = new Registry();
        registry.live.add(grant("g1", "192.0.2.7", "tcp/22, udp/53", 25));
        GrantsCommand command = wire(new GrantsCommand());
        command.registry = registry;
        command.execute();
        String out = output();
        assertTrue(out.contains("g1"), out);
        assertTrue(out.contains("192.0.2.7"), out);
        assertTrue(out.contains("tcp/22,udp/53"), out);
        assertTrue(out.contains("access.conf:1"), out);
        assertTrue(out.contains("25"), out);
        assertEquals(0, GrantsCommand.secondsLeft(NOW, NOW.minusSeconds(3)));
    }

    @Test
    void absentServicesAreNamed() {
        GrantsCommand grants = wire(new GrantsCommand());
        grants.execute();
        StanzasCommand stanzas = wire(new StanzasCommand());
        stanzas.execute();
        RevokeCommand revoke = wire(new RevokeCommand());
        revoke.id = "x";
        revoke.execute();
        StatusCommand status = wire(new StatusCommand());
        status.execute();
        assertEquals(String.join(System.lineSeparator(), "no grant registry available", "no stanza catalog available",
                "no grant registry available", "no service component runtime available", ""), output());
    }

    @Test
    void revokeClosesTheGrantOrFails() throws Exception {
        Registry registry = new Registry();
        registry.live.add(grant("g1", "192.0.2.7", "tcp/22", 25));
        RevokeCommand command = wire(new RevokeCommand());
        command.registry = registry;
        command.id = "g1";
        command.execute();
        assertTrue(registry.live.isEmpty());
        assertTrue(output().startsWith("revoked g1: 192.0.2.7 tcp/22 (access.conf:1)"), output());
        command.id = "nope";
        assertThrows(IllegalArgumentException.class, command::execute);
    }

    @Test
    void stanzasShowEverySetting() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("SOURCE", "ANY");
        settings.put("KEY_BASE64", "********");
        StanzasCommand command = wire(new StanzasCommand());
        command.catalog = () -> List.of(new AccessStanzaView("access.conf:1", "/etc/fwknop/access.conf:1", settings));
        command.execute();
        String out = output();
        assertTrue(out.contains("/etc/fwknop/access.conf:1"), out);
        assertTrue(out.contains("KEY_BASE64"), out);
        assertTrue(out.contains("********"), out);
    }

    @Test
    void capturesListEverySourceAndSurviveAFaultyOne() {
        CaptureSource good = new CaptureSource() {
            public String name() { return "main"; }
            public String kind() { return "udp"; }
            public String describe() { return "0.0.0.0:62201"; }
            public State state() { return State.RUNNING; }
            public long packetsDelivered() { return 42; }
        };
        CaptureSource bad = new CaptureSource() {
            public String name() { throw new IllegalStateException("gone"); }
            public String kind() { return "pcap"; }
            public String describe() { return ""; }
            public State state() { return State.FAILED; }
            public long packetsDelivered() { return 0; }
        };
        CapturesCommand command = wire(new CapturesCommand() {
            @Override
            @SuppressWarnings("unchecked")
            protected <S> void withServices(Class<S> type, Consumer<List<Registered<S>>> use) {
                use.accept(List.of((Registered<S>) new Registered<>(good, Map.of("service.id", 7L)),
                        (Registered<S>) new Registered<>(bad, Map.of("service.id", 8L))));
            }
        });
        command.execute();
        String out = output();
        assertTrue(out.contains("main"), out);
        assertTrue(out.contains("RUNNING"), out);
        assertTrue(out.contains("42"), out);
        assertTrue(out.contains("error: IllegalStateException: gone"), out);
    }

    @Test
    void backendsShowPropertiesAndRules() {
        FirewallBackend iptables = new FirewallBackend() {
            public String name() { return "iptables"; }
            public void grant(AccessGrant grant) { }
            public void revoke(AccessGrant grant) { }
            public List<String> list() { return List.of("-A FWKNOP_INPUT -s 192.0.2.7 -p tcp --dport 22 -j ACCEPT"); }
            public void flush() { }
        };
        FirewallBackend broken = new FirewallBackend() {
            public String name() { return "nftables"; }
            public void grant(AccessGrant grant) { }
            public void revoke(AccessGrant grant) { }
            public List<String> list() throws FirewallException { throw new FirewallException("nft: not found"); }
            public void flush() { }
        };
        BackendsCommand command = wire(new BackendsCommand() {
            @Override
            @SuppressWarnings("unchecked")
            protected <S> void withServices(Class<S> type, Consumer<List<Registered<S>>> use) {
                use.accept(List.of(
                        (Registered<S>) new Registered<>(iptables,
                                Map.of("backend", "iptables", "service.ranking", 10, "service.id", 3L)),
                        (Registered<S>) new Registered<>(broken, Map.of("backend", "nftables", "service.id", 4L))));
            }

            @Override
            protected long inForce() {
                return 3L;
            }
        });
        command.execute();
        String out = output();
        assertTrue(out.contains("rules of iptables (in force):"), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("iptables") && l.contains("yes")), out);
        assertTrue(out.contains("rules of nftables:"), out);
        assertTrue(out.contains("iptables"), out);
        assertTrue(out.contains("10"), out);
        assertTrue(out.contains("-A FWKNOP_INPUT -s 192.0.2.7"), out);
        assertTrue(out.contains("error: FirewallException: nft: not found"), out);
    }

    @Test
    void emptyServiceListsSaySo() {
        CapturesCommand captures = wire(new CapturesCommand() {
            @Override
            protected <S> void withServices(Class<S> type, Consumer<List<Registered<S>>> use) {
                use.accept(List.of());
            }
        });
        captures.execute();
        BackendsCommand backends = wire(new BackendsCommand() {
            @Override
            protected <S> void withServices(Class<S> type, Consumer<List<Registered<S>>> use) {
                use.accept(List.of());
            }
        });
        backends.execute();
        assertEquals(String.join(System.lineSeparator(), "no capture source available",
                "no firewall backend available", ""), output());
    }

    @Test
    void reloadSaysWhatIsInForceOrFailsWithTheError() {
        org.postern.api.PolicyState good = new org.postern.api.PolicyState(NOW, 2,
                List.of("/etc/fwknop/access.conf", "org.postern.stanza~web"), 1, 0, null, null);
        ReloadCommand command = wire(new ReloadCommand());
        command.control = new org.postern.api.PolicyControl() {
            public org.postern.api.PolicyState reload() {
                return good;
            }

            public org.postern.api.PolicyState state() {
                return good;
            }
        };
        command.execute();
        assertTrue(output().startsWith("reloaded: 2 access stanza(s) in force from /etc/fwknop/access.conf, "
                + "org.postern.stanza~web; live grants kept"), output());
        org.postern.api.PolicyState bad = new org.postern.api.PolicyState(NOW, 2, good.sources(), 1, 1,
                "/etc/fwknop/access.conf:7: OPEN_PORTS: bad port", NOW);
        command.control = new org.postern.api.PolicyControl() {
            public org.postern.api.PolicyState reload() {
                return bad;
            }

            public org.postern.api.PolicyState state() {
                return bad;
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, command::execute);
        assertTrue(e.getMessage().contains("access.conf:7: OPEN_PORTS"), e.getMessage());
        ReloadCommand none = wire(new ReloadCommand());
        none.execute();
        assertTrue(output().endsWith("no daemon (policy control) available" + System.lineSeparator()), output());
    }

    @Test
    void statusShowsConfigurationReloadErrorAndCounters() {
        StatusCommand command = wire(new StatusCommand());
        org.postern.api.PolicyState bad = new org.postern.api.PolicyState(NOW, 2, List.of("/etc/fwknop/access.conf"),
                1, 1, "/etc/fwknop/access.conf:7: OPEN_PORTS: bad port", NOW);
        command.control = new org.postern.api.PolicyControl() {
            public org.postern.api.PolicyState reload() {
                return bad;
            }

            public org.postern.api.PolicyState state() {
                return bad;
            }
        };
        command.metrics = () -> new org.postern.api.MetricsSnapshot(10, 3,
                Map.of(org.postern.api.RefusalReason.HMAC_MISMATCH, 6L, org.postern.api.RefusalReason.REPLAY, 1L), 3, 1,
                2, Map.of("udp:fwknopd", 10L));
        command.daemon();
        String out = output();
        assertTrue(out.contains("Configuration: 2 access stanza(s) from /etc/fwknop/access.conf"), out);
        assertTrue(out.contains("Last reload refused at " + NOW), out);
        assertTrue(out.contains("/etc/fwknop/access.conf:7: OPEN_PORTS: bad port"), out);
        assertTrue(out.contains("Packets: received 10, accepted 3, refused 7; grants opened 3, closed 1, live 2"), out);
        assertTrue(out.contains("refused STANZA_TRIAL/HMAC_MISMATCH"), out);
        assertTrue(out.contains("refused REPLAY/REPLAY"), out);
        assertTrue(out.contains("capture udp:fwknopd"), out);
    }

    @Test
    void stanzasShowWhereEachValueCameFrom() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("SOURCE", "ANY");
        settings.put("OPEN_PORTS", "tcp/8443");
        StanzasCommand command = wire(new StanzasCommand());
        command.catalog = () -> List.of(new AccessStanzaView("web", "org.postern.stanza~web (etc/org.postern.stanza-web.cfg)",
                settings, Map.of("OPEN_PORTS", "etc/org.postern.stanza-web.cfg:3")));
        command.execute();
        String out = output();
        assertTrue(out.contains("etc/org.postern.stanza-web.cfg:3"), out);
        assertTrue(out.contains("org.postern.stanza~web"), out);
    }

    @Test
    void statsListsEveryReasonAndLatencyPercentiles() {
        StatsCommand command = wire(new StatsCommand());
        org.postern.api.LatencyHistogram h = new org.postern.api.LatencyHistogram(List.of(100L, 1000L, 10000L),
                List.of(50L, 45L, 5L, 0L), 40_000);
        command.metrics = () -> new org.postern.api.MetricsSnapshot(103, 2, Map.of(
                org.postern.api.RefusalReason.HMAC_MISMATCH, 100L, org.postern.api.RefusalReason.REPLAY, 1L), 2, 1, 1,
                Map.of("udp", 103L), 1, h);
        command.execute();
        String out = output();
        assertTrue(out.contains("received 103, accepted 2, refused 101"), out);
        assertTrue(out.contains("revoked 1"), out);
        assertTrue(out.contains("p50 ≤ 100 µs, p90 ≤ 1.0 ms, p99 ≤ 10.0 ms"), out);
        assertTrue(out.contains("HMAC_MISMATCH") && out.contains("100"), out);
        // every reason is listed, also at zero
        for (org.postern.api.RefusalReason r : org.postern.api.RefusalReason.values()) {
            assertTrue(out.contains(r.name()), r.name());
        }
    }

    @Test
    void replayCacheSizeLookupRotate() throws Exception {
        String digest = "A".repeat(43);
        org.postern.api.ReplayCacheControl cache = new org.postern.api.ReplayCacheControl() {
            int rotated;

            public int size() {
                return 7;
            }

            public String location() {
                return "/var/lib/fwknop/digest.cache";
            }

            public Optional<org.postern.api.ReplayRecord> lookup(String d) {
                return d.equals(digest) ? Optional.of(new org.postern.api.ReplayRecord(17, "192.0.2.7", 40000,
                        "192.0.2.1", 62201, NOW.getEpochSecond())) : Optional.empty();
            }

            public String digestOf(String wire) {
                return wire.startsWith("packet") ? digest : "B".repeat(43);
            }

            public String rotate() {
                rotated++;
                return "/var/lib/fwknop/digest.cache-old";
            }
        };
        ReplayCacheCommand size = wire(new ReplayCacheCommand());
        size.cache = cache;
        size.execute();
        ReplayCacheCommand lookup = wire(new ReplayCacheCommand());
        lookup.cache = cache;
        lookup.action = "lookup";
        lookup.digest = "packet-as-sent-in-base64";
        lookup.execute();
        ReplayCacheCommand miss = wire(new ReplayCacheCommand());
        miss.cache = cache;
        miss.action = "lookup";
        miss.digest = "C".repeat(43);
        miss.execute();
        ReplayCacheCommand rotate = wire(new ReplayCacheCommand());
        rotate.cache = cache;
        rotate.action = "rotate";
        rotate.execute();
        String out = output();
        assertTrue(out.contains("7 digest(s) in /var/lib/fwknop/digest.cache"), out);
        assertTrue(out.contains("packet digest " + digest), out);
        assertTrue(out.contains("held: accepted at 2026-11-28T12:00:00Z from 192.0.2.7:40000"), out);
        assertTrue(out.contains("not in the replay cache"), out);
        assertTrue(out.contains("rotated: the old digests are in /var/lib/fwknop/digest.cache-old"), out);
        ReplayCacheCommand bad = wire(new ReplayCacheCommand());
        bad.cache = cache;
        bad.action = "purge";
        assertThrows(IllegalArgumentException.class, bad::execute);
    }

    @Test
    void keyGenPrintsFwknopLines() {
        KeyGenCommand command = wire(new KeyGenCommand());
        command.execute();
        String[] lines = output().split("\n");
        assertTrue(lines[0].matches("KEY_BASE64: [A-Za-z0-9+/=]{44}"), lines[0]);
        assertTrue(lines[1].matches("HMAC_KEY_BASE64: [A-Za-z0-9+/=]{88}"), lines[1]);
        KeyGenCommand bad = wire(new KeyGenCommand());
        bad.keyLength = 33;
        assertThrows(IllegalArgumentException.class, bad::execute);
    }

    @Test
    void explainPrintsEachStepAndTheVerdict() throws Exception {
        ExplainCommand command = wire(new ExplainCommand());
        command.packet = "abc";
        command.source = "192.0.2.7";
        command.explainer = (wire, src, dst) -> List.of(
                new org.postern.api.PacketExplainer.ExplainStep(org.postern.api.RefusalReason.Step.PRE_CHECK, "", true,
                        null, "ok " + src.getHostAddress()),
                new org.postern.api.PacketExplainer.ExplainStep(org.postern.api.RefusalReason.Step.STANZA_TRIAL,
                        "access.conf:1", false, org.postern.api.RefusalReason.HMAC_MISMATCH, "HMAC does not verify"));
        command.execute();
        String out = output();
        assertTrue(out.contains("ok 192.0.2.7"), out);
        assertTrue(out.contains("refuse HMAC_MISMATCH"), out);
        assertTrue(out.contains("Verdict: refused"), out);
    }
}
