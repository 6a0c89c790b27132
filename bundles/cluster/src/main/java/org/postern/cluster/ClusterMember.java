package org.postern.cluster;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.ClusterGrants;
import org.postern.api.GatewayGrant;
import org.postern.api.GrantRegistry;
import org.postern.api.ReplayRecord;
import org.postern.api.SharedReplayGuard;
import org.postern.api.SpaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This gateway as a member of the cluster (PID {@code org.postern.cluster}, only with a configuration): an
 * embedded Hazelcast member, started in the background so that the services are there at once (until it has
 * joined, the partition policy decides), offering the shared replay check to the server and the cluster's
 * grants to the shell, and sharing stanza configurations when configured to.
 */
@Component(configurationPid = "org.postern.cluster", configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = {SharedReplayGuard.class, ClusterGrants.class})
@Designate(ocd = ClusterConfig.class)
public final class ClusterMember implements SharedReplayGuard, ClusterGrants {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);
    static final int RETRY_SECONDS = 10;

    private final ClusterSettings settings;
    private final ReplayGuard replay;
    private final GrantBoard board;
    private final StanzaShare share;
    private final ScheduledExecutorService timer;
    private final BundleContext context;
    private volatile HazelcastInstance hz;
    private volatile boolean stopping;
    private volatile GrantRegistry registry;
    private ServiceRegistration<ConfigurationListener> shareRegistration;

    @Activate
    public ClusterMember(BundleContext context, ClusterConfig config, @Reference ConfigurationAdmin cm) {
        this.context = context;
        this.settings = ClusterSettings.from(config);
        Sealer sealer = new Sealer(settings.secret());
        this.replay = new ReplayGuard(() -> hz, settings);
        this.board = new GrantBoard(() -> hz, () -> registry, settings, sealer, Clock.systemUTC());
        this.share = settings.shareStanzas() ? new StanzaShare(() -> hz, cm, sealer, settings.sharePids()) : null;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "postern-cluster");
            t.setDaemon(true);
            return t;
        });
        LOG.info("Cluster {}: gateway {} joining on {}:{}, members {}, partition.policy {}, majority {}{}{}",
                settings.clusterName(), settings.gateway(), settings.bindAddress(), settings.port(), settings.members(),
                settings.closed() ? "closed" : "open", settings.majority(),
                settings.shareStanzas() ? ", sharing " + settings.sharePids() : "",
                settings.secret().isEmpty() ? " (no cluster.secret: shared values are not sealed)" : "");
        timer.execute(this::start);
    }

    private void start() {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        try {
            t.setContextClassLoader(Hazelcast.class.getClassLoader());
            HazelcastInstance h = Hazelcast.newHazelcastInstance(settings.hazelcast());
            if (stopping) {
                h.shutdown();
                return;
            }
            h.getCluster().addMembershipListener(new MembershipListener() {
                @Override
                public void memberAdded(MembershipEvent e) {
                    LOG.info("Cluster {}: member {} joined, {} of {} members", settings.clusterName(), e.getMember()
                            .getAddress(), e.getMembers().size(), settings.members().size());
                }

                @Override
                public void memberRemoved(MembershipEvent e) {
                    LOG.warn("Cluster {}: member {} left, {} of {} members{}", settings.clusterName(),
                            e.getMember().getAddress(), e.getMembers().size(), settings.members().size(),
                            e.getMembers().size() < settings.majority() ? " (no majority)" : "");
                }
            });
            board.listen(h);
            hz = h;
            if (share != null) {
                share.start(h);
                shareRegistration = context.registerService(ConfigurationListener.class, share, null);
            }
            LOG.info("Cluster {} joined: gateway {}, {} of {} members", settings.clusterName(), settings.gateway(),
                    h.getCluster().getMembers().size(), settings.members().size());
            timer.scheduleWithFixedDelay(this::tick, 0, 1, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            LOG.error("Cluster {}: cannot start the member on {}:{}: {} (next try in {} s; until then the partition "
                    + "policy decides)", settings.clusterName(), settings.bindAddress(), settings.port(), e.toString(),
                    RETRY_SECONDS);
            if (!stopping) {
                try {
                    timer.schedule(this::start, RETRY_SECONDS, TimeUnit.SECONDS);
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    // deactivated meanwhile
                }
            }
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private boolean majorityBefore;

    private void tick() {
        try {
            HazelcastInstance h = hz;
            if (h == null || !h.getLifecycleService().isRunning()) {
                return;
            }
            boolean majority = replay.majority(h);
            if (majority != majorityBefore) {
                majorityBefore = majority;
                if (majority) {
                    LOG.info("Cluster {}: majority confirmed ({} members)", settings.clusterName(),
                            h.getCluster().getMembers().size());
                } else {
                    LOG.warn("Cluster {}: no majority of {} members heard from{}", settings.clusterName(),
                            settings.members().size(), settings.closed() ? ": refusing SPA (partition.policy closed)"
                                    : ": local replay cache decides (partition.policy open)");
                }
            }
            replay.flushPending();
            board.publish();
        } catch (RuntimeException e) {
            LOG.debug("Cluster tick: {}", e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        stopping = true;
        if (shareRegistration != null) {
            try {
                shareRegistration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
        timer.shutdownNow();
        replay.close();
        HazelcastInstance h = hz;
        hz = null;
        if (h != null) {
            h.shutdown();
        }
        LOG.info("Cluster {}: gateway {} left", settings.clusterName(), settings.gateway());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRegistry(GrantRegistry r) {
        registry = r;
    }

    void unbindRegistry(GrantRegistry r) {
        if (registry == r) {
            registry = null;
        }
    }

    @Override
    public boolean claim(String digest, ReplayRecord record) throws SpaException {
        return replay.claim(digest, record);
    }

    @Override
    public String localGateway() {
        return board.localGateway();
    }

    @Override
    public List<GatewayGrant> grants() {
        return board.grants();
    }

    @Override
    public Optional<GatewayGrant> revoke(String gateway, String id) {
        return board.revoke(gateway, id);
    }
}
