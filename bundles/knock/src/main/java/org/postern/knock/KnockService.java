package org.postern.knock;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.KnockDecoder;
import org.postern.api.KnockEvent;
import org.postern.api.KnockStanza;
import org.postern.api.KnockVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link KnockDecoder} service: a {@link KnockTracker} behind one lock. */
@Component(configurationPid = KnockService.PID, service = KnockDecoder.class, property = "kind=fwknop-1.9")
@Designate(ocd = KnockDecoderConfig.class)
public final class KnockService implements KnockDecoder {

    static final String PID = "org.postern.knock.decoder";

    private static final Logger LOG = LoggerFactory.getLogger(KnockService.class);

    private final KnockTracker tracker;

    @Activate
    public KnockService(KnockDecoderConfig config) {
        this(load(config.pfOsFile(), config.maxHops()), config.maxSources());
    }

    KnockService(PassiveOsFingerprint fingerprints, int maxSources) {
        this.tracker = new KnockTracker(fingerprints, Math.max(1, maxSources));
    }

    /** A decoder with the bundled signatures, MAX_HOPS 20 and 4096 tracked sources. */
    public KnockService() {
        this(PassiveOsFingerprint.bundled(PassiveOsFingerprint.DEFAULT_MAX_HOPS), 4096);
    }

    private static PassiveOsFingerprint load(String file, int maxHops) {
        if (file == null || file.isBlank()) {
            return PassiveOsFingerprint.bundled(maxHops);
        }
        try (Reader r = Files.newBufferedReader(Paths.get(file.trim()), StandardCharsets.ISO_8859_1)) {
            PassiveOsFingerprint f = new PassiveOsFingerprint(PassiveOsFingerprint.parse(r), maxHops);
            LOG.info("Knock decoder: {} OS signatures from {}", f.size(), file);
            return f;
        } catch (IOException e) {
            LOG.error("Knock decoder: cannot read P0F_FILE {} ({}); using the bundled signatures", file,
                    e.toString());
            return PassiveOsFingerprint.bundled(maxHops);
        }
    }

    @Override
    public List<KnockVerdict> offer(KnockEvent event, List<KnockStanza> stanzas) {
        synchronized (tracker) {
            return tracker.offer(event, stanzas);
        }
    }

    @Override
    public void reset() {
        synchronized (tracker) {
            tracker.reset();
        }
    }

    /** The OS strings guessed for a source so far (for diagnostics). */
    public Set<String> osGuesses(InetAddress source) {
        synchronized (tracker) {
            return tracker.osGuesses(source);
        }
    }

    int trackedSources() {
        synchronized (tracker) {
            return tracker.trackedSources();
        }
    }
}
