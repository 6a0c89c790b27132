package org.postern.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.KnockDecoder;
import org.postern.api.KnockEvent;
import org.postern.api.KnockSink;
import org.postern.api.KnockStanza;
import org.postern.api.KnockVerdict;
import org.postern.api.SpaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's {@link KnockSink}: knocks from the knock feeds go through the {@link KnockDecoder} against the knock
 * stanzas of a 1.9 access.conf; a completed sequence opens the firewall through {@link LiveGrants}, as SPA does.
 * Log lines: {@code Knock sequence from ip accepted by stanza file:line: user u, open [tcp/22] for ip, timeout N s}
 * and {@code Refused knock sequence from ip (knock): STEP/REASON: detail [file:line]} (at most 200 a second).
 */
@Component(configurationPid = KnockGate.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = KnockSink.class)
@Designate(ocd = KnockGateConfig.class)
public final class KnockGate implements KnockSink {

    static final String PID = "org.postern.server.knock";

    private static final Logger LOG = LoggerFactory.getLogger(KnockGate.class);
    private static final int REFUSALS_PER_SECOND = 200;

    private final KnockDecoder decoder;
    private final LiveGrants grants;
    private final List<KnockStanza> stanzas;
    private final boolean testMode;
    private volatile boolean decoderMissingLogged;
    private long windowStart = System.nanoTime();
    private int logged;

    @Activate
    public KnockGate(KnockGateConfig config,
            // optional, so that postern-core resolves without the knock bundle (Karaf checks osgi.service)
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            KnockDecoder decoder, @Reference LiveGrants grants) {
        this(read(config.accessConf()), decoder, grants, config.testMode());
    }

    KnockGate(List<KnockStanza> stanzas, KnockDecoder decoder, LiveGrants grants, boolean testMode) {
        this.stanzas = List.copyOf(stanzas);
        this.decoder = decoder;
        this.grants = grants;
        this.testMode = testMode;
        LOG.info("Knock gate: {} knock stanzas{}{}", stanzas.size(), testMode ? " (test mode)" : "",
                decoder == null ? "; no KnockDecoder yet" : "");
    }

    private static List<KnockStanza> read(String file) {
        try {
            return KnockConfParser.parse(Files.readAllLines(Paths.get(file), StandardCharsets.ISO_8859_1), file);
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("Knock gate: no knock stanzas: {}: {}", file, e.getMessage());
            return List.of();
        }
    }

    @Override
    public void accept(KnockEvent event) {
        if (decoder == null) {
            if (!decoderMissingLogged) {
                decoderMissingLogged = true;
                LOG.warn("Knock gate: no KnockDecoder service (install the postern-knock feature); knocks ignored");
            }
            return;
        }
        List<KnockVerdict> verdicts;
        try {
            verdicts = decoder.offer(event, stanzas);
        } catch (RuntimeException e) {
            LOG.error("Knock decoder failed on a knock from {}: {}", event.source().getHostAddress(), e.toString());
            return;
        }
        for (KnockVerdict v : verdicts) {
            if (v instanceof KnockVerdict.Granted g) {
                LOG.info("Knock sequence from {} accepted by stanza {}: user {}, open {} for {}, timeout {} s{}",
                        g.source().getHostAddress(), g.stanza().name(), g.username().isEmpty() ? "-" : g.username(),
                        g.ports(), g.allow().getHostAddress(), g.timeout().toSeconds(),
                        testMode ? " (test mode: firewall untouched)" : "");
                if (!testMode) {
                    try {
                        grants.open(g.allow(), null, g.ports(), (int) Math.min(Integer.MAX_VALUE,
                                g.timeout().toSeconds()), g.stanza().name());
                    } catch (SpaException e) {
                        refused(g.source().getHostAddress(), e.reason() + "", e.reason().step() + "", e.getMessage(),
                                g.stanza().name());
                    }
                }
            } else if (v instanceof KnockVerdict.Refused r) {
                refused(r.source().getHostAddress(), r.reason().name(), r.reason().step().name(), r.detail(),
                        r.stanza().name());
            }
        }
    }

    private synchronized void refused(String from, String reason, String step, String detail, String stanza) {
        long now = System.nanoTime();
        if (now - windowStart > 1_000_000_000L) {
            windowStart = now;
            logged = 0;
        }
        if (logged++ < REFUSALS_PER_SECOND) {
            LOG.info("Refused knock sequence from {} (knock): {}/{}: {} [{}]", from, step, reason, detail, stanza);
        }
    }
}
