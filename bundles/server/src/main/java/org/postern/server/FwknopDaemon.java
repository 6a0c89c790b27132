package org.postern.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.AccessStanzaView;
import org.postern.api.Alert;
import org.postern.api.AlertSink;
import org.postern.api.CapturedPacket;
import org.postern.api.DaemonMetrics;
import org.postern.api.MetricsSnapshot;
import org.postern.api.PacketSink;
import org.postern.api.PolicyControl;
import org.postern.api.PolicyState;
import org.postern.api.RefusalReason;
import org.postern.api.SpaCipher;
import org.postern.api.StanzaCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPA daemon: reads fwknopd.conf, access.conf and the native stanza configurations ({@code org.postern.stanza}),
 * runs the pipeline behind the {@link PacketSink} service that capture sources feed, and reloads its policy live.
 *
 * <p>Live reload: a change of {@code org.postern.server} ({@code @Modified}: the component is not restarted), of a
 * native stanza configuration, of fwknopd.conf / access.conf / an included file (polled, {@link ConfigWatch}), or
 * {@link #reload()} ({@code spa:reload}, {@code bin/fwknopd -R}) re-reads everything and swaps the
 * {@link PolicySet} as a whole. The grants belong to {@link LiveGrants}, a component of its own: they stay open
 * until their expiry. A configuration with an error is refused (logged with file:line: KEYWORD, kept for
 * {@code spa:status}, sent as a {@link Alert.Kind#CONFIG_ERROR} alert) and the last good one stays in force.
 * Start-time settings (the digest file, the pid file) take effect at the next start.
 */
@Component(configurationPid = "org.postern.server", immediate = true, service = {PacketSink.class,
        StanzaCatalog.class, PolicyControl.class, DaemonMetrics.class, org.postern.api.ReplayCacheControl.class,
        org.postern.api.PacketExplainer.class})
@Designate(ocd = ServerConfig.class)
public final class FwknopDaemon implements PacketSink, StanzaCatalog, PolicyControl, DaemonMetrics,
        org.postern.api.ReplayCacheControl, org.postern.api.PacketExplainer {

    private static final Logger LOG = LoggerFactory.getLogger(FwknopDaemon.class);

    /** Changes arriving within this time (a native configuration replaced: unbind + bind) make one reload. */
    static final long DEBOUNCE_MS = 200;

    private final Map<String, SpaCipher> ciphers = new ConcurrentHashMap<>();
    private final Map<String, NativeStanza> natives = new ConcurrentHashMap<>();

    private final BundleContext context;
    private final ConfigurationAdmin cm;
    private final DigestFile replay;
    private final LiveGrants grants;
    private final Pipeline pipeline;
    private final AlertDispatch alerts = new AlertDispatch();
    /** Capture sources that fail raise a FAULT alert (checked once a second). */
    private final CaptureFaults captureFaults = new CaptureFaults(alerts, Clock.systemUTC());
    private final MetricsMBean mbean;
    private final ScheduledThreadPoolExecutor reloader;
    private final AtomicBoolean reloadPending = new AtomicBoolean();
    private final Object reloadLock = new Object();
    private volatile org.postern.api.CommandExecutor executor;
    private volatile ServerConfig config;
    private volatile Loaded current;
    private volatile ConfigWatch watch;
    private volatile PolicyState state;
    private HangupSignal hangup;

    /** A configuration read and validated, ready to be put in force. */
    record Loaded(PolicySet policy, DaemonSettings settings, Launch launch, List<String> sources, Set<Path> files,
            List<FwknopdImport.Target> imports) {
    }

    @Activate
    public FwknopDaemon(BundleContext context, ServerConfig config, @Reference ConfigurationAdmin cm,
            @Reference LiveGrants grants) {
        this.context = context;
        this.cm = cm;
        this.grants = grants;
        this.config = config;
        this.reloader = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "postern-reload");
            t.setDaemon(true);
            return t;
        });
        reloader.setRemoveOnCancelPolicy(true);
        try {
            ConfigWatch before = ConfigWatch.of(List.of());
            Loaded l = load(config, List.of());
            DaemonSettings settings = l.settings();
            Launch launch = l.launch();
            Path digestPath = settings.bool("ENABLE_DIGEST_PERSISTENCE") ? Paths.get(settings.value("DIGEST_FILE")) : null;
            this.replay = new DigestFile(digestPath,
                    Boolean.parseBoolean(context.getProperty("postern.rotate.digest.cache"))); // --rotate-digest-cache
            this.pipeline = new Pipeline(l.policy(), replay, new StanzaTrial(ciphers::get), grants,
                    new RefusalCounters(), Clock.systemUTC());
            pipeline.commands(commandMode(settings));
            pipeline.alerts(alerts);
            grants.events(alerts);
            PacketLimit.from(context.getProperty("postern.packet.limit")).applyTo(pipeline);
            writePid(launch.pidFile() != null ? launch.pidFile()
                    : launch.explicit() ? Paths.get(settings.value("FWKNOP_PID_FILE")) : null);
            applyImport(l);
            current = l;
            watch = before.plus(l.files());
            state = new PolicyState(Instant.now(), l.policy().stanzas().size(), l.sources(), 0, 0, null, null);
            this.mbean = new MetricsMBean(this::mbeanValues);
            mbean.register();
            watchFiles(config.watchInterval());
            reloader.scheduleWithFixedDelay(this::checkCaptures, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
            hangup = HangupSignal.install(() -> reloadSoon("SIGHUP"));
            LOG.info("Postern fwknopd ready{}", launch.testMode() ? " (test mode)" : "");
        } catch (ConfigException e) {
            LOG.error("Configuration error: {}", e.getMessage());
            stopThreads();
            exitIfLaunchedAsFwknopd(context);
            throw new IllegalStateException("configuration error: " + e.getMessage(), e);
        } catch (IOException e) {
            LOG.error("Cannot start: {}", e.toString());
            stopThreads();
            exitIfLaunchedAsFwknopd(context);
            throw new IllegalStateException(e);
        }
    }

    private void stopThreads() {
        reloader.shutdownNow();
        alerts.close();
    }

    /**
     * Reads fwknopd.conf, access.conf (with its includes) and the native stanzas into a policy; nothing is put in
     * force. Native stanzas are tried after access.conf's, in the order of their names.
     */
    private Loaded load(ServerConfig config, List<NativeStanza> nativeStanzas) throws ConfigException, IOException {
        Launch launch = Launch.from(context::getProperty, config);
        List<Path> overrideFiles = DaemonSettings.overrideFiles(context.getProperty("postern.override.config"));
        DaemonSettings settings = DaemonSettings.load(launch.fwknopdConf(), overrideFiles, launch.overrides());
        settings.logNotices();
        Set<Path> files = new LinkedHashSet<>();
        List<String> sources = new ArrayList<>();
        if (launch.fwknopdConf() != null) {
            files.add(launch.fwknopdConf().toAbsolutePath());
            sources.add(launch.fwknopdConf().toString());
        }
        overrideFiles.forEach(f -> files.add(f.toAbsolutePath()));
        Path accessFile = launch.accessConf() != null ? launch.accessConf() : Paths.get(settings.value("ACCESS_FILE"));
        files.add(accessFile.toAbsolutePath()); // watched also while missing: it may appear
        List<AccessStanza> stanzas = new ArrayList<>();
        AccessConfParser parser = new AccessConfParser().gpgHome(Paths.get(settings.value("GPG_HOME_DIR")))
                .natEnabled(NatPolicy.from(settings).any());
        if (Files.exists(accessFile) || (launch.explicit() && nativeStanzas.isEmpty())) {
            try {
                stanzas.addAll(parser.parse(accessFile));
            } finally {
                files.addAll(parser.filesRead());
            }
            sources.add(accessFile.toString());
            LOG.info("{} access stanza(s) from {}", stanzas.size(), accessFile);
        } else if (nativeStanzas.isEmpty()) {
            LOG.warn("No access.conf at {}: every packet will be refused until stanzas are configured", accessFile);
        }
        stanzas.addAll(NativeStanza.parseAll(parser, nativeStanzas, sources));
        if (!nativeStanzas.isEmpty()) {
            LOG.info("{} native access stanza(s) from {} configuration(s)", nativeStanzas.size(),
                    NativeStanza.FACTORY_PID);
        }
        parser.notices().forEach(LOG::warn);
        if (!settings.value("FIREWALL_TYPE").strip().equals("cmd-cycle")) {
            stanzas.stream().filter(st -> st.commandCycle() != null).forEach(st -> LOG.warn(
                    "CMD_CYCLE_OPEN of stanza {} runs only with FIREWALL_TYPE cmd-cycle; the backend in force "
                            + "opens its grants as usual", st.name()));
        }
        if (NatPolicy.from(settings).any()
                && !List.of("iptables", "nftables", "cmd-cycle").contains(settings.value("FIREWALL_TYPE").strip())) {
            LOG.warn("ENABLE_IPT_FORWARDING / ENABLE_IPT_LOCAL_NAT: FIREWALL_TYPE {} renders no NAT (fwknop has none "
                    + "for it either); NAT grants would open only the requested port on the gateway",
                    settings.value("FIREWALL_TYPE").strip());
        }
        if (!settings.packetAging() && settings.bool("ENABLE_SPA_PACKET_AGING")) {
            LOG.info("SPA packet aging is off: packets come from the pcap file {} (as fwknopd's --pcap-file)",
                    settings.value("PCAP_FILE"));
        }
        PolicySet policy = new PolicySet(List.copyOf(stanzas), settings.packetAging(),
                settings.intValue("MAX_SPA_PACKET_AGE", 1, 100000), launch.testMode(), NatPolicy.from(settings));
        List<FwknopdImport.Target> imports = config.applyFwknopdConf() && (launch.explicit() || launch.fwknopdConf() != null)
                ? FwknopdImport.targets(settings, launch.testMode()) : null;
        return new Loaded(policy, settings, launch, sources, files, imports);
    }

    private CommandMode commandMode(DaemonSettings settings) throws ConfigException {
        return new CommandMode(() -> executor, settings.value("SUDO_EXE").strip(),
                java.time.Duration.ofSeconds(settings.intValue("CMD_EXEC_TIMEOUT", 1, 86400)));
    }

    private void applyImport(Loaded l) throws IOException {
        if (l.imports() != null) {
            new FwknopdImport(cm).apply(l.imports());
        }
    }

    /** A change of {@code org.postern.server}: applied live, the component is not restarted. */
    @Modified
    void modified(ServerConfig changed) {
        long before = config.watchInterval();
        this.config = changed;
        if (changed.watchInterval() != before) {
            watchFiles(changed.watchInterval());
        }
        reloadSoon("configuration org.postern.server changed");
    }

    /** The file poll; guarded by this. */
    private java.util.concurrent.ScheduledFuture<?> watcher;

    private synchronized void watchFiles(long intervalMs) {
        if (watcher != null) {
            watcher.cancel(false);
            watcher = null;
        }
        if (intervalMs > 0) {
            long every = Math.max(100, intervalMs);
            watcher = reloader.scheduleWithFixedDelay(this::checkFiles, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void checkFiles() {
        ConfigWatch w = watch;
        if (w != null && w.changed()) {
            reload("a configuration file changed");
        }
    }

    /** Reloads after {@link #DEBOUNCE_MS}, once for all the changes arriving meanwhile. */
    private void reloadSoon(String why) {
        if (reloadPending.compareAndSet(false, true)) {
            try {
                reloader.schedule(() -> {
                    reloadPending.set(false);
                    reload(why);
                }, DEBOUNCE_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reloadPending.set(false); // stopping
            }
        }
    }

    @Override
    public PolicyState reload() {
        return reload("requested");
    }

    /** Re-reads every source and puts the result in force, or keeps the configuration in force on an error. */
    PolicyState reload(String why) {
        synchronized (reloadLock) {
            PolicyState was = state;
            ConfigWatch before = ConfigWatch.of(watch == null ? List.of() : watch.files());
            Loaded l;
            try {
                l = load(config, List.copyOf(natives.values()));
                pipeline.commands(commandMode(l.settings()));
            } catch (ConfigException | IOException e) {
                String error = e instanceof ConfigException ? e.getMessage() : e.toString();
                watch = before; // not again until the next change
                state = new PolicyState(was.loadedAt(), was.stanzas(), was.sources(), was.reloads(),
                        was.failures() + 1, error, Instant.now());
                LOG.error("Configuration reload refused ({}): {}; the last good configuration stays in force "
                        + "({} stanza(s) loaded at {})", why, error, was.stanzas(), was.loadedAt());
                alerts.accept(new Alert(Alert.Kind.CONFIG_ERROR, Instant.now(), null, "", "",
                        "Configuration reload refused: " + error));
                return state;
            }
            Loaded old = current;
            pipeline.policy(l.policy());
            current = l;
            watch = before.plus(l.files());
            startOnly(old, l);
            try {
                applyImport(l);
            } catch (IOException | RuntimeException e) {
                LOG.error("Reload: cannot apply fwknopd.conf to the capture and firewall configurations: {}",
                        e.toString());
            }
            state = new PolicyState(Instant.now(), l.policy().stanzas().size(), l.sources(), was.reloads() + 1,
                    was.failures(), null, null);
            LOG.info("Configuration reloaded ({}): {} access stanza(s) in force from {}; {} live grant(s) kept",
                    why, l.policy().stanzas().size(), String.join(", ", l.sources()), grants.liveCount());
            return state;
        }
    }

    /** Settings read only at start: a change is reported, not applied. */
    private static void startOnly(Loaded old, Loaded now) {
        for (String k : List.of("DIGEST_FILE", "ENABLE_DIGEST_PERSISTENCE", "FWKNOP_PID_FILE", "FWKNOP_RUN_DIR")) {
            String a = old.settings().value(k);
            String b = now.settings().value(k);
            if (!java.util.Objects.equals(a, b)) {
                LOG.warn("{} changed from {} to {}: it takes effect at the next start", k, a, b);
            }
        }
    }

    @Override
    public PolicyState state() {
        return state;
    }

    @Override
    public int size() {
        return replay.size();
    }

    @Override
    public String location() {
        return replay.file() == null ? "memory only (ENABLE_DIGEST_PERSISTENCE N)" : replay.file().toString();
    }

    @Override
    public java.util.Optional<org.postern.api.ReplayRecord> lookup(String digest) {
        return replay.lookup(digest.strip());
    }

    @Override
    public String digestOf(String wirePacket) {
        return org.postern.fko.SpaWire.replayDigest(wirePacket.strip());
    }

    @Override
    public String rotate() throws IOException {
        return replay.rotate().toString();
    }

    @Override
    public List<org.postern.api.PacketExplainer.ExplainStep> explain(String wirePacket, java.net.InetAddress source,
            java.net.InetAddress destination) {
        CapturedPacket p = new CapturedPacket(wirePacket.strip().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                source, 0, destination, 0, org.postern.api.Transport.UDP, Instant.now(), "spa:explain");
        return pipeline.explain(p);
    }

    @Override
    public MetricsSnapshot metrics() {
        RefusalCounters c = pipeline.counters();
        return new MetricsSnapshot(c.receivedCount(), c.grantedCount(), c.refusals(), grants.openedCount(),
                grants.closedCount(), grants.liveCount(), c.byCapture(), grants.revokedCount(), c.latency());
    }

    private Map<String, Object> mbeanValues() {
        MetricsSnapshot m = metrics();
        PolicyState s = state;
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("Received", m.received());
        v.put("Accepted", m.accepted());
        v.put("RefusedTotal", m.refusedTotal());
        v.put("GrantsOpened", m.grantsOpened());
        v.put("GrantsClosed", m.grantsClosed());
        v.put("GrantsLive", m.grantsLive());
        v.put("GrantsRevoked", m.grantsRevoked());
        v.put("LatencyCount", m.latency().count());
        v.put("LatencySumMicros", m.latency().sumMicros());
        v.put("Stanzas", (long) s.stanzas());
        v.put("Reloads", s.reloads());
        v.put("ReloadFailures", s.failures());
        v.put("LastReloadError", s.lastError() == null ? "" : s.lastError());
        v.put("AlertsDropped", alerts.droppedCount());
        for (RefusalReason r : RefusalReason.values()) {
            v.put("Refused." + r.step() + "." + r, m.refused().getOrDefault(r, 0L));
        }
        m.byCapture().forEach((k, n) -> v.put("Packets." + k, n));
        return v;
    }

    /** bin/fwknopd behaves as fwknopd: a daemon that cannot start exits with status 1. */
    private static void exitIfLaunchedAsFwknopd(BundleContext context) {
        if (Boolean.parseBoolean(context.getProperty("postern.exit.on.error"))) {
            Thread t = new Thread(() -> System.exit(1), "postern-exit");
            t.setDaemon(true);
            t.start();
        }
    }

    private static void writePid(Path pidFile) throws IOException {
        if (pidFile == null) {
            return;
        }
        Path dir = pidFile.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
    }

    /** The grants stay with {@link LiveGrants}: open until their expiry, also while this component is away. */
    @Deactivate
    void deactivate() {
        if (hangup != null) {
            hangup.close();
        }
        stopThreads();
        grants.events(null);
        mbean.unregister();
        replay.close();
        LOG.info("Postern fwknopd stopped");
    }

    /** The cluster bundle's shared replay check: optional, dynamic, greedy (no restart when it comes or goes). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSharedReplay(org.postern.api.SharedReplayGuard g) {
        pipeline.sharedReplay(g);
        LOG.info("Replay cache shared with the cluster");
    }

    void unbindSharedReplay(org.postern.api.SharedReplayGuard g) {
        pipeline.dropSharedReplay(g);
        LOG.info("Replay cache: a shared replay guard left");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindCipher(SpaCipher c) {
        ciphers.put(c.type(), c);
    }

    void unbindCipher(SpaCipher c) {
        ciphers.remove(c.type(), c);
    }

    /** Native access stanzas ({@code org.postern.stanza} configurations): each change reloads the policy. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindNativeStanza(NativeStanza s) {
        natives.put(s.pid(), s);
        reloadSoon("native stanza " + s.pid() + " configured");
    }

    void unbindNativeStanza(NativeStanza s) {
        if (natives.remove(s.pid(), s)) {
            reloadSoon("native stanza " + s.pid() + " removed");
        }
    }

    /** Alert sinks (bundle alerts: syslog, e-mail); every refusal, replay, grant and refused reload goes to each. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindAlertSink(AlertSink s) {
        alerts.add(s);
    }

    void unbindAlertSink(AlertSink s) {
        alerts.remove(s);
    }

    /** Once a second on the reload thread: the registered capture sources' states (a FAULT alert when one fails). */
    private void checkCaptures() {
        List<org.postern.api.CaptureSource> sources = new ArrayList<>();
        List<org.osgi.framework.ServiceReference<org.postern.api.CaptureSource>> refs = new ArrayList<>();
        try {
            refs.addAll(context.getServiceReferences(org.postern.api.CaptureSource.class, null));
            for (org.osgi.framework.ServiceReference<org.postern.api.CaptureSource> r : refs) {
                org.postern.api.CaptureSource s = context.getService(r);
                if (s != null) {
                    sources.add(s);
                }
            }
            captureFaults.check(sources);
        } catch (org.osgi.framework.InvalidSyntaxException | RuntimeException e) {
            LOG.debug("Checking the capture sources failed: {}", e.toString());
        } finally {
            for (org.osgi.framework.ServiceReference<org.postern.api.CaptureSource> r : refs) {
                try {
                    context.ungetService(r);
                } catch (RuntimeException e) {
                    LOG.debug("ungetService: {}", e.toString());
                }
            }
        }
    }

    /** Runs command-mode commands (the exec bundle); optional: without it command messages are refused. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindExecutor(org.postern.api.CommandExecutor e) {
        executor = e;
    }

    void unbindExecutor(org.postern.api.CommandExecutor e) {
        if (executor == e) {
            executor = null;
        }
    }

    @Override
    public void accept(CapturedPacket packet) {
        pipeline.accept(packet);
    }

    @Override
    public List<AccessStanzaView> stanzas() {
        List<AccessStanzaView> out = new ArrayList<>();
        Map<String, String> nativeOrigins = new HashMap<>();
        natives.values().forEach(n -> nativeOrigins.put(n.name(), n.origin()));
        for (AccessStanza s : pipeline.policy().stanzas()) {
            String origin = nativeOrigins.getOrDefault(s.name(), s.name());
            out.add(new AccessStanzaView(s.name(), origin, s.display(), s.origins()));
        }
        return out;
    }

    /** How the daemon was launched: paths and flags from bin/fwknopd's system properties, else the PID's config. */
    record Launch(Path fwknopdConf, Path accessConf, Path pidFile, boolean testMode, boolean explicit,
            Map<String, String> overrides) {

        static Launch from(java.util.function.Function<String, String> prop, ServerConfig config) {
            String conf = prop.apply("postern.fwknopd.conf");
            boolean explicit = conf != null;
            Path confPath = Paths.get(explicit ? conf : config.fwknopdConf());
            if (!explicit && !Files.exists(confPath)) {
                confPath = null; // fwknop's defaults
            }
            String access = Optional.ofNullable(prop.apply("postern.access.conf"))
                    .orElse(config.accessConf().isBlank() ? null : config.accessConf());
            Map<String, String> o = new HashMap<>();
            putIf(o, "PCAP_INTF", prop.apply("postern.interface"));
            putIf(o, "PCAP_FILTER", prop.apply("postern.pcap.filter"));
            putIf(o, "PCAP_FILE", prop.apply("postern.pcap.file"));
            putIf(o, "DIGEST_FILE", prop.apply("postern.digest.file"));
            putIf(o, "GPG_HOME_DIR", prop.apply("postern.gpg.home.dir")); // --gpg-home-dir
            putIf(o, "SUDO_EXE", prop.apply("postern.sudo.exe")); // --sudo-exe
            putIf(o, "FWKNOP_PID_FILE", prop.apply("postern.pid.file"));
            putIf(o, "FWKNOP_RUN_DIR", prop.apply("postern.run.dir"));
            if (Boolean.parseBoolean(prop.apply("postern.udp.server"))) {
                o.put("ENABLE_UDP_SERVER", "Y");
            }
            String pid = prop.apply("postern.pid.file");
            return new Launch(confPath, access == null ? null : Paths.get(access), pid == null ? null : Paths.get(pid),
                    Boolean.parseBoolean(prop.apply("postern.test")), explicit, o);
        }

        private static void putIf(Map<String, String> m, String k, String v) {
            if (v != null && !v.isBlank()) {
                m.put(k, v);
            }
        }
    }
}
