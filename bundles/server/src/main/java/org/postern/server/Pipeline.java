package org.postern.server;

import java.time.Clock;
import java.time.Instant;

import org.postern.api.AccessGrant;
import org.postern.api.CapturedPacket;
import org.postern.api.GrantRequest;
import org.postern.api.PacketSink;
import org.postern.api.RefusalReason;
import org.postern.api.ReplayCache;
import org.postern.api.ReplayRecord;
import org.postern.api.SpaException;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaWire;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way a packet travels: pre-checks, replay cache, stanza trial (HMAC before decryption), policy,
 * action. Each refusal is counted and logged once with its step and reason; nothing a packet holds can
 * make it throw.
 */
final class Pipeline implements PacketSink {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private volatile PolicySet policy;
    private final ReplayCache replay;
    private final StanzaTrial trial;
    private final LiveGrants grants;
    private final RefusalCounters counters;
    private final Clock clock;

    Pipeline(PolicySet policy, ReplayCache replay, StanzaTrial trial, LiveGrants grants, RefusalCounters counters,
            Clock clock) {
        this.policy = policy;
        this.replay = replay;
        this.trial = trial;
        this.grants = grants;
        this.counters = counters;
        this.clock = clock;
    }

    void policy(PolicySet p) {
        this.policy = p;
    }

    PolicySet policy() {
        return policy;
    }

    @Override
    public void accept(CapturedPacket packet) {
        counters.received();
        try {
            process(packet);
        } catch (SpaException e) {
            counters.refused(e.reason());
            LOG.info("Refused SPA packet from {}:{} ({}): {}/{}: {}", packet.source().getHostAddress(),
                    packet.sourcePort(), packet.captureName(), e.reason().step(), e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            counters.refused(RefusalReason.MALFORMED);
            LOG.error("Refused SPA packet from {} ({}): internal error {}", packet.source().getHostAddress(),
                    packet.captureName(), e.toString());
        }
    }

    /** Returns the grant, or null in test mode; throws the refusal. */
    AccessGrant process(CapturedPacket packet) throws SpaException {
        PolicySet p = policy;
        String wire = PreCheck.wire(packet, p);
        String digest = SpaWire.replayDigest(wire);
        if (replay.contains(digest)) {
            throw replayed(packet);
        }
        Instant now = clock.instant();
        SpaException best = null;
        boolean recorded = false;
        for (AccessStanza s : p.stanzas()) {
            if (!StanzaTrial.serves(s, packet)) {
                continue;
            }
            if (s.expiredAt(now)) {
                best = better(best, new SpaException(RefusalReason.STANZA_EXPIRED, "Access stanza has expired [" + s.name() + "]"));
                continue;
            }
            SpaMessage m;
            try {
                m = trial.open(s, wire);
            } catch (SpaException e) {
                if (e.reason().step() == RefusalReason.Step.POLICY && !recorded) {
                    // decrypted, then refused for its GnuPG signature: fwknopd has stored the digest by then
                    recorded = true;
                    if (!p.testMode() && !replay.addIfAbsent(digest, record(packet, now))) {
                        throw replayed(packet);
                    }
                }
                best = better(best, new SpaException(e.reason(), e.getMessage() + " [" + s.name() + "]"));
                continue;
            }
            if (!recorded) {
                recorded = true;
                if (!p.testMode() && !replay.addIfAbsent(digest, record(packet, now))) {
                    throw replayed(packet);
                }
            }
            PolicyCheck.Decision d;
            try {
                d = PolicyCheck.decide(s, m, packet, p, now);
            } catch (SpaException e) {
                best = better(best, new SpaException(e.reason(), e.getMessage() + " [" + s.name() + "]"));
                continue;
            }
            LOG.info("SPA packet from {} accepted by stanza {}: user {}, message {}, timeout {} s{}",
                    packet.source().getHostAddress(), s.name(), m.username(), m.message(), d.timeout(),
                    p.testMode() ? " (test mode: firewall untouched)" : "");
            if (p.testMode()) {
                counters.granted();
                return null;
            }
            AccessGrant g = grants.open(d.allow(), packet.destination(), d.ports(), d.timeout(), s.name(),
                    new GrantRequest(packet.source(), m.timestamp(), m.clientTimeout(), d.timeout(), null, 0,
                            s.commandCycle()));
            counters.granted();
            return g;
        }
        throw best != null ? best : new SpaException(RefusalReason.NO_STANZA_MATCHED,
                "no stanza serves " + packet.source().getHostAddress() + " -> " + packet.destination());
    }

    private static SpaException replayed(CapturedPacket packet) {
        return new SpaException(RefusalReason.REPLAY,
                "Replay detected from source IP: " + packet.source().getHostAddress());
    }

    /** Keeps the refusal from the furthest step: the most precise account of why nothing opened. */
    private static SpaException better(SpaException best, SpaException candidate) {
        if (best == null || candidate.reason().step().compareTo(best.reason().step()) > 0) {
            return candidate;
        }
        return best;
    }

    private static ReplayRecord record(CapturedPacket p, Instant now) {
        int proto = switch (p.transport()) {
            case UDP -> 17;
            case ICMP -> 1;
            default -> 6;
        };
        return new ReplayRecord(proto, p.source().getHostAddress(), p.sourcePort(),
                p.destination() == null ? "0.0.0.0" : p.destination().getHostAddress(), p.destinationPort(),
                now.getEpochSecond());
    }
}
