package org.postern.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;

import org.postern.api.AccessGrant;
import org.postern.api.ClusterGrants;
import org.postern.api.GatewayGrant;
import org.postern.api.GrantRegistry;
import org.postern.api.PortSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live grants seen cluster-wide: each gateway publishes its own grants (about every second) into the grants map,
 * keyed {@code <gateway>/<id>}, each entry living until its grant expires; a revoke of another gateway's grant
 * is a sealed request on the revoke topic that only the owner acts on, answered on the same topic.
 */
final class GrantBoard implements ClusterGrants {

    private static final Logger LOG = LoggerFactory.getLogger(GrantBoard.class);
    static final Duration REVOKE_WAIT = Duration.ofSeconds(5);

    private final Supplier<HazelcastInstance> member;
    private final Supplier<GrantRegistry> registry;
    private final ClusterSettings settings;
    private final Sealer sealer;
    private final Clock clock;
    private final Set<String> published = ConcurrentHashMap.newKeySet();
    private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
    private volatile boolean cleaned;

    GrantBoard(Supplier<HazelcastInstance> member, Supplier<GrantRegistry> registry, ClusterSettings settings,
            Sealer sealer, Clock clock) {
        this.member = member;
        this.registry = registry;
        this.settings = settings;
        this.sealer = sealer;
        this.clock = clock;
    }

    @Override
    public String localGateway() {
        return settings.gateway();
    }

    /** Called once the member runs: listens for revoke requests and answers. */
    void listen(HazelcastInstance hz) {
        ITopic<String> topic = hz.getTopic(ClusterSettings.REVOKE_TOPIC);
        topic.addMessageListener(this::onMessage);
    }

    /** Publishes this gateway's live grants and withdraws those gone. */
    void publish() {
        HazelcastInstance hz = member.get();
        GrantRegistry r = registry.get();
        if (hz == null || !hz.getLifecycleService().isRunning()) {
            return;
        }
        IMap<String, String> map = hz.getMap(ClusterSettings.GRANTS_MAP);
        String prefix = settings.gateway() + "/";
        if (!cleaned) {
            // entries left by an earlier run of this gateway (killed before it could withdraw them)
            for (String k : map.keySet()) {
                if (k.startsWith(prefix)) {
                    published.add(k);
                }
            }
            cleaned = true;
        }
        Instant now = clock.instant();
        Set<String> live = new HashSet<>();
        for (AccessGrant g : r == null ? List.<AccessGrant>of() : r.grants()) {
            long left = Duration.between(now, g.expiresAt()).toSeconds();
            if (left <= 0) {
                continue;
            }
            String key = prefix + g.id();
            live.add(key);
            String value = encode(settings.gateway(), g);
            if (!value.equals(map.get(key))) {
                map.set(key, value, left + 2, TimeUnit.SECONDS);
            }
            published.add(key);
        }
        for (String k : new ArrayList<>(published)) {
            if (!live.contains(k)) {
                map.delete(k);
                published.remove(k);
            }
        }
    }

    @Override
    public List<GatewayGrant> grants() {
        HazelcastInstance hz = member.get();
        if (hz == null || !hz.getLifecycleService().isRunning()) {
            GrantRegistry r = registry.get();
            return r == null ? List.of() : r.grants().stream().map(g -> new GatewayGrant(settings.gateway(), g)).toList();
        }
        Instant now = clock.instant();
        List<GatewayGrant> out = new ArrayList<>();
        for (String v : hz.<String, String>getMap(ClusterSettings.GRANTS_MAP).values()) {
            GatewayGrant g = decode(v);
            if (g != null && g.grant().expiresAt().isAfter(now)) {
                out.add(g);
            }
        }
        out.sort(Comparator.comparing((GatewayGrant g) -> g.grant().expiresAt()).thenComparing(GatewayGrant::gateway));
        return out;
    }

    @Override
    public Optional<GatewayGrant> revoke(String gateway, String id) {
        if (gateway.equals(settings.gateway())) {
            GrantRegistry r = registry.get();
            return r == null ? Optional.empty() : r.revoke(id).map(g -> new GatewayGrant(gateway, g));
        }
        HazelcastInstance hz = member.get();
        if (hz == null || !hz.getLifecycleService().isRunning()) {
            return Optional.empty();
        }
        String request = UUID.randomUUID().toString();
        CompletableFuture<String> answer = new CompletableFuture<>();
        waiting.put(request, answer);
        try {
            hz.<String>getTopic(ClusterSettings.REVOKE_TOPIC).publish(
                    sealer.seal(ClusterSettings.REVOKE_TOPIC, "REQ\t" + request + "\t" + gateway + "\t" + id));
            String encoded = answer.get(REVOKE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.ofNullable(encoded.isEmpty() ? null : decode(encoded));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            LOG.warn("Revoke of grant {} on gateway {}: no answer ({})", id, gateway, e.toString());
            return Optional.empty();
        } finally {
            waiting.remove(request);
        }
    }

    private void onMessage(Message<String> message) {
        String text = sealer.open(ClusterSettings.REVOKE_TOPIC, message.getMessageObject());
        if (text == null) {
            LOG.warn("Ignored a revoke message from {} that is not sealed with this cluster's secret",
                    message.getPublishingMember());
            return;
        }
        String[] f = text.split("\t", -1);
        if (f.length >= 4 && f[0].equals("REQ") && f[2].equals(settings.gateway())) {
            GrantRegistry r = registry.get();
            Optional<AccessGrant> g = r == null ? Optional.empty() : r.revoke(f[3]);
            LOG.info("Grant {} revoked at the request of cluster member {}: {}", f[3], message.getPublishingMember(),
                    g.isPresent() ? "closed" : "no such grant");
            g.ifPresent(x -> {
                HazelcastInstance hz = member.get();
                if (hz != null) {
                    hz.getMap(ClusterSettings.GRANTS_MAP).delete(settings.gateway() + "/" + x.id());
                    published.remove(settings.gateway() + "/" + x.id());
                }
            });
            HazelcastInstance hz = member.get();
            if (hz != null) {
                hz.<String>getTopic(ClusterSettings.REVOKE_TOPIC).publish(sealer.seal(ClusterSettings.REVOKE_TOPIC,
                        "ANS\t" + f[1] + "\t" + g.map(x -> encode(settings.gateway(), x)).orElse("")));
            }
        } else if (f.length >= 3 && f[0].equals("ANS")) {
            CompletableFuture<String> w = waiting.get(f[1]);
            if (w != null) {
                w.complete(String.join("\t", java.util.Arrays.copyOfRange(f, 2, f.length)));
            }
        }
    }

    /** {@code gateway TAB id TAB source TAB destination|- TAB ports TAB expiry-millis TAB stanza}. */
    static String encode(String gateway, AccessGrant g) {
        return String.join("\t", gateway, g.id(), g.source().getHostAddress(),
                g.destination() == null ? "-" : g.destination().getHostAddress(),
                g.ports().stream().map(PortSpec::toString).collect(Collectors.joining(",")),
                Long.toString(g.expiresAt().toEpochMilli()), g.stanza().replace('\t', ' ').replace('\n', ' '));
    }

    static GatewayGrant decode(String v) {
        String[] f = v.split("\t", -1);
        if (f.length < 7) {
            return null;
        }
        try {
            InetAddress source = literal(f[2]);
            InetAddress destination = f[3].equals("-") ? null : literal(f[3]);
            return new GatewayGrant(f[0], new AccessGrant(f[1], source, destination, PortSpec.parseList(f[4]),
                    Instant.ofEpochMilli(Long.parseLong(f[5])), f[6]));
        } catch (RuntimeException | UnknownHostException e) {
            return null;
        }
    }

    /** An address literal (never a name lookup). */
    private static InetAddress literal(String s) throws UnknownHostException {
        if (!s.matches("[0-9a-fA-F:.%]+")) {
            throw new UnknownHostException(s);
        }
        return InetAddress.getByName(s);
    }
}
