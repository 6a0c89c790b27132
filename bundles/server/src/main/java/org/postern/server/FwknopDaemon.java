package org.postern.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.AccessGrant;
import org.postern.api.AccessStanzaView;
import org.postern.api.CapturedPacket;
import org.postern.api.GrantRegistry;
import org.postern.api.PacketSink;
import org.postern.api.SpaCipher;
import org.postern.api.StanzaCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPA daemon: reads fwknopd.conf and access.conf, runs the pipeline behind the {@link PacketSink}
 * service that capture sources feed, and keeps the live grants.
 */
@Component(configurationPid = "org.postern.server", immediate = true, service = {PacketSink.class, GrantRegistry.class,
        StanzaCatalog.class})
@Designate(ocd = ServerConfig.class)
public final class FwknopDaemon implements PacketSink, GrantRegistry, StanzaCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(FwknopDaemon.class);

    private final Map<String, SpaCipher> ciphers = new ConcurrentHashMap<>();

    private final DigestFile replay;
    private final LiveGrants grants;
    private final Pipeline pipeline;
    private volatile org.postern.api.CommandExecutor executor;

    @Activate
    public FwknopDaemon(BundleContext context, ServerConfig config, @Reference ConfigurationAdmin cm,
            @Reference FirewallSlot firewall) {
        try {
            Launch launch = Launch.from(context::getProperty, config);
            DaemonSettings settings = DaemonSettings.load(launch.fwknopdConf(),
                    DaemonSettings.overrideFiles(context.getProperty("postern.override.config")), launch.overrides());
            settings.logNotices();
            Path accessFile = launch.accessConf() != null ? launch.accessConf() : Paths.get(settings.value("ACCESS_FILE"));
            List<AccessStanza> stanzas = List.of();
            if (Files.exists(accessFile) || launch.explicit()) {
                AccessConfParser parser = new AccessConfParser().gpgHome(Paths.get(settings.value("GPG_HOME_DIR")))
                        .natEnabled(NatPolicy.from(settings).any());
                stanzas = parser.parse(accessFile);
                parser.notices().forEach(LOG::warn);
                LOG.info("{} access stanza(s) from {}", stanzas.size(), accessFile);
                if (!settings.value("FIREWALL_TYPE").strip().equals("cmd-cycle")) {
                    stanzas.stream().filter(st -> st.commandCycle() != null).forEach(st -> LOG.warn(
                            "CMD_CYCLE_OPEN of stanza {} runs only with FIREWALL_TYPE cmd-cycle; the backend in force "
                                    + "opens its grants as usual", st.name()));
                }
            } else {
                LOG.warn("No access.conf at {}: every packet will be refused until stanzas are configured", accessFile);
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
            PolicySet policy = new PolicySet(stanzas, settings.packetAging(),
                    settings.intValue("MAX_SPA_PACKET_AGE", 1, 100000), launch.testMode(), NatPolicy.from(settings));
            Path digestPath = settings.bool("ENABLE_DIGEST_PERSISTENCE") ? Paths.get(settings.value("DIGEST_FILE")) : null;
            this.replay = new DigestFile(digestPath,
                    Boolean.parseBoolean(context.getProperty("postern.rotate.digest.cache"))); // --rotate-digest-cache
            this.grants = new LiveGrants(firewall, Clock.systemUTC());
            this.pipeline = new Pipeline(policy, replay, new StanzaTrial(ciphers::get), grants, new RefusalCounters(),
                    Clock.systemUTC());
            pipeline.commands(new CommandMode(() -> executor, settings.value("SUDO_EXE").strip(),
                    java.time.Duration.ofSeconds(settings.intValue("CMD_EXEC_TIMEOUT", 1, 86400))));
            PacketLimit.from(context.getProperty("postern.packet.limit")).applyTo(pipeline);
            writePid(launch.pidFile() != null ? launch.pidFile()
                    : launch.explicit() ? Paths.get(settings.value("FWKNOP_PID_FILE")) : null);
            if (config.applyFwknopdConf() && (launch.explicit() || launch.fwknopdConf() != null)) {
                new FwknopdImport(cm).apply(FwknopdImport.targets(settings, launch.testMode()));
            }
            LOG.info("Postern fwknopd ready{}", launch.testMode() ? " (test mode)" : "");
        } catch (ConfigException e) {
            LOG.error("Configuration error: {}", e.getMessage());
            exitIfLaunchedAsFwknopd(context);
            throw new IllegalStateException("configuration error: " + e.getMessage(), e);
        } catch (IOException e) {
            LOG.error("Cannot start: {}", e.toString());
            exitIfLaunchedAsFwknopd(context);
            throw new IllegalStateException(e);
        }
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

    @Deactivate
    void deactivate() {
        grants.close();
        replay.close();
        LOG.info("Postern fwknopd stopped");
    }

    /** The cluster bundle's shared replay check: optional, dynamic, greedy (no restart when it comes or goes). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
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

    /** Runs command-mode commands (the exec bundle); optional: without it command messages are refused. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = org.osgi.service.component.annotations.ReferencePolicyOption.GREEDY)
    void bindExecutor(org.postern.api.CommandExecutor e) {
        executor = e;
    }

    void unbindExecutor(org.postern.api.CommandExecutor e) {
        if (executor == e) {
            executor = null;
        }
    }

    void unbindCipher(SpaCipher c) {
        ciphers.remove(c.type(), c);
    }

    @Override
    public void accept(CapturedPacket packet) {
        pipeline.accept(packet);
    }

    @Override
    public List<AccessGrant> grants() {
        return grants.grants();
    }

    @Override
    public Optional<AccessGrant> revoke(String id) {
        return grants.revoke(id);
    }

    @Override
    public List<AccessStanzaView> stanzas() {
        List<AccessStanzaView> out = new ArrayList<>();
        for (AccessStanza s : pipeline.policy().stanzas()) {
            out.add(new AccessStanzaView(s.name(), s.name(), s.display()));
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
