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
    private volatile org.postern.api.SharedReplayGuard sharedReplay;
    private volatile CommandMode commands;
    private volatile Runnable afterPacket = () -> { };
    private final RefusalLog refusalLog = new RefusalLog(LOG);
    /** {@link #durable} as the grant thread's prerequisite: one object, so a batch establishes it once. */
    private final LiveGrants.Prerequisite durable = this::durable;
    /** Which stanza took each source's last packet, tried first for its next one. */
    private final StanzaHints hints = new StanzaHints();
    /** Where refusals go as alerts (the daemon's {@link AlertDispatch}); never null. */
    private volatile java.util.function.Consumer<org.postern.api.Alert> alerts = a -> { };

    Pipeline(PolicySet policy, ReplayCache replay, StanzaTrial trial, LiveGrants grants, RefusalCounters counters,
            Clock clock) {
        this.policy = policy;
        this.replay = replay;
        this.trial = trial;
        this.grants = grants;
        this.counters = counters;
        this.clock = clock;
    }

    /** Runs after each packet, whatever its outcome (fwknopd -C: the packet limit). */
    void afterPacket(Runnable r) {
        this.afterPacket = r;
    }

    /** Command mode (type 0 messages); without it such messages are refused as unsupported. */
    void commands(CommandMode c) {
        this.commands = c;
    }

    /** Where refusals are reported as alerts; null for nowhere. */
    void alerts(java.util.function.Consumer<org.postern.api.Alert> a) {
        this.alerts = a == null ? x -> { } : a;
    }

    /** {@code spa:explain}: what {@link #process} would decide, step by step, without doing anything. */
    java.util.List<org.postern.api.PacketExplainer.ExplainStep> explain(CapturedPacket packet) {
        return PacketExplanation.of(policy, replay, trial, packet, clock.instant());
    }

    RefusalCounters counters() {
        return counters;
    }

    void policy(PolicySet p) {
        this.policy = p;
    }

    PolicySet policy() {
        return policy;
    }

    @Override
    public void accept(CapturedPacket packet) {
        long start = System.nanoTime();
        counters.received(packet.captureName());
        boolean handedOver = false;
        try {
            LiveGrants.Ask ask = admit(packet);
            if (ask != null) {
                // the grant thread applies it, with the grants of the packets that come meanwhile (one batch);
                // this thread goes on with the next packet
                grants.submit(ask, durable, o -> granted(packet, start, o.refusal()));
                handedOver = true;
            }
        } catch (SpaException e) {
            refused(packet, e);
        } catch (RuntimeException e) {
            counters.refused(RefusalReason.MALFORMED);
            LOG.error("Refused SPA packet from {} ({}): internal error {}", packet.source().getHostAddress(),
                    packet.captureName(), e.toString());
        } finally {
            if (!handedOver) {
                counters.decided(System.nanoTime() - start);
                afterPacket.run();
            }
        }
    }

    /** On the grant thread: the packet's grant is applied (refusal null), or refused (FIREWALL_FAILED). */
    private void granted(CapturedPacket packet, long start, SpaException refusal) {
        try {
            if (refusal == null) {
                counters.granted();
            } else {
                refused(packet, refusal);
            }
        } finally {
            counters.decided(System.nanoTime() - start);
            afterPacket.run();
        }
    }

    private void refused(CapturedPacket packet, SpaException e) {
        counters.refused(e.reason());
        refusalLog.refused(packet, e); // one line each up to 200 a second, then a summary a second
        alert(packet, e);
    }

    private void alert(CapturedPacket packet, SpaException e) {
        try {
            alerts.accept(new org.postern.api.Alert(kindOf(e.reason()), clock.instant(),
                    e.reason(), packet.source().getHostAddress(), "",
                    "Refused SPA packet from " + packet.source().getHostAddress() + ":" + packet.sourcePort() + " ("
                            + packet.captureName() + "): " + e.reason().step() + "/" + e.reason() + ": "
                            + e.getMessage()));
        } catch (RuntimeException ex) {
            LOG.debug("alert: {}", ex.toString());
        }
    }

    /**
     * The alert a refusal raises: REPLAY, FAULT when something the daemon depends on failed (the firewall backend
     * failed or is missing, the replay cache cannot record the digest: the packet was valid), else REFUSAL.
     */
    static org.postern.api.Alert.Kind kindOf(RefusalReason r) {
        return switch (r) {
            case REPLAY -> org.postern.api.Alert.Kind.REPLAY;
            case FIREWALL_FAILED, NO_FIREWALL, REPLAY_CACHE_UNAVAILABLE -> org.postern.api.Alert.Kind.FAULT;
            default -> org.postern.api.Alert.Kind.REFUSAL;
        };
    }

    /** Returns the grant, or null in test mode; throws the refusal. Applies the grant on the caller's thread. */
    AccessGrant process(CapturedPacket packet) throws SpaException {
        LiveGrants.Ask ask = admit(packet);
        if (ask == null) {
            return null;
        }
        durable();
        AccessGrant g = grants.open(ask.source(), ask.destination(), ask.ports(), ask.timeoutSeconds(), ask.stanza(),
                ask.request());
        counters.granted();
        return g;
    }

    /**
     * Every step but the firewall: the grant the packet asks for, or null when nothing is left to do (test mode,
     * a command message: both done and counted here); throws the refusal. The packet's digest is written before
     * this returns an ask, its fsync left to {@link #durable} (run before the grant is applied, once per batch), and
     * the accept line is logged.
     */
    private LiveGrants.Ask admit(CapturedPacket packet) throws SpaException {
        PolicySet p = policy;
        String wire = PreCheck.wire(packet, p);
        String digest = SpaWire.replayDigest(wire);
        if (replay.contains(digest)) {
            throw replayed(packet);
        }
        Instant now = clock.instant();
        Attempt a = new Attempt(packet, wire, digest, p, now);
        java.util.List<AccessStanza> stanzas = p.stanzas();
        int hint = hints.lookup(p, packet.source());
        if (hint >= 0 && hint < stanzas.size()) {
            // the stanza that took this source's last packet, tried first: safe because every stanza before it has
            // an HMAC key of its own, so none of them can verify this packet if that one does (StanzaHints)
            BestRefusal inOrder = a.best;
            a.best = new BestRefusal(); // its refusal, if any, is offered again in order below
            Taken t = tryStanza(stanzas.get(hint), a);
            a.best = inOrder;
            if (t != null) {
                return t.ask();
            }
        }
        for (int i = 0; i < stanzas.size(); i++) {
            Taken t = tryStanza(stanzas.get(i), a);
            if (t != null) {
                hints.remember(p, packet.source(), i);
                return t.ask();
            }
        }
        throw a.best.get() != null ? a.best.get() : new SpaException(RefusalReason.NO_STANZA_MATCHED,
                "no stanza serves " + packet.source().getHostAddress() + " -> " + packet.destination());
    }

    /** One packet's way through the stanzas: the best refusal so far, and whether its digest is recorded. */
    private static final class Attempt {
        final CapturedPacket packet;
        final String wire;
        final String digest;
        final PolicySet policy;
        final Instant now;
        final boolean debug = LOG.isDebugEnabled();
        BestRefusal best = new BestRefusal();
        boolean recorded;

        Attempt(CapturedPacket packet, String wire, String digest, PolicySet policy, Instant now) {
            this.packet = packet;
            this.wire = wire;
            this.digest = digest;
            this.policy = policy;
            this.now = now;
        }
    }

    /** A stanza took the packet: the grant it asks for, or null when nothing is left to do. */
    private record Taken(LiveGrants.Ask ask) {
    }

    /** Tries one stanza: null when it does not take the packet (its refusal offered to the attempt's best). */
    private Taken tryStanza(AccessStanza s, Attempt a) throws SpaException {
        CapturedPacket packet = a.packet;
        PolicySet p = a.policy;
        Instant now = a.now;
        if (!StanzaTrial.serves(s, packet)) {
            return null;
        }
        if (s.expiredAt(now)) {
            a.best.offer(expired(trial, s, a.wire), s);
            return null;
        }
        // most stanzas fail at their HMAC: found without a throw (a throw costs microseconds per stanza to unwind)
        SpaException quick = trial.hmacRefusal(s, a.wire);
        if (quick != null) {
            if (a.debug || a.best.wouldKeep(quick.reason(), s)) {
                a.best.offer(new SpaException(quick.reason(), quick.getMessage() + " [" + s.name() + "]"), s);
            }
            return null;
        }
        SpaMessage m;
        try {
            m = trial.open(s, a.wire);
        } catch (SpaException e) {
            if (e.reason().step() == RefusalReason.Step.POLICY && !a.recorded) {
                // decrypted, then refused for its GnuPG signature: fwknopd has stored the digest by then
                a.recorded = true;
                if (!p.testMode() && !claim(a.digest, record(packet, now))) {
                    throw replayed(packet);
                }
            }
            a.best.offer(new SpaException(e.reason(), e.getMessage() + " [" + s.name() + "]"), s);
            return null;
        }
        if (!a.recorded) {
            a.recorded = true;
            if (!p.testMode() && !claim(a.digest, record(packet, now))) {
                throw replayed(packet);
            }
        }
        PolicyCheck.Decision d;
        try {
            d = PolicyCheck.decide(s, m, packet, p, now);
        } catch (SpaException e) {
            a.best.offer(new SpaException(e.reason(), e.getMessage() + " [" + s.name() + "]"), s);
            return null;
        }
        if (m.type() == org.postern.fko.MessageType.COMMAND) {
            durable();
            runCommand(s, m, packet, p);
            return new Taken(null);
        }
        LOG.info("SPA packet from {} accepted by stanza {}: user {}, message {}, timeout {} s{}",
                packet.source().getHostAddress(), s.name(), m.username(), m.message(), d.timeout(),
                p.testMode() ? " (test mode: firewall untouched)" : "");
        if (p.testMode()) {
            counters.granted();
            return new Taken(null);
        }
        return new Taken(new LiveGrants.Ask(d.allow(), packet.destination(), d.ports(), d.timeout(), s.name(),
                new GrantRequest(packet.source(), m.timestamp(), m.clientTimeout(), d.timeout(),
                        d.nat() == null ? null : d.nat().address().getHostAddress(),
                        d.nat() == null ? 0 : d.nat().port(), s.commandCycle(), d.nat())));
    }

    /**
     * The refusal an expired stanza gives: STANZA_EXPIRED when the packet was made with its keys (fwknopd says so
     * for every packet, before any key is tried, which blames the expired stanza for packets meant for no one),
     * else the trial's own refusal. Nothing of the packet is acted on either way.
     */
    static SpaException expired(StanzaTrial trial, AccessStanza s, String wire) {
        try {
            trial.open(s, wire);
        } catch (SpaException e) {
            if (e.reason().step() != RefusalReason.Step.POLICY) {
                return new SpaException(e.reason(), e.getMessage() + " [" + s.name() + "]");
            }
        }
        return new SpaException(RefusalReason.STANZA_EXPIRED, "Access stanza has expired [" + s.name() + "]");
    }

    /**
     * A command message that passed the policy: run it as fwknopd does (not in test mode). Its outcome is logged
     * with the command's output (bounded); a failure is the refusal ACTION/COMMAND_FAILED.
     */
    private void runCommand(AccessStanza s, SpaMessage m, CapturedPacket packet, PolicySet p) throws SpaException {
        String from = packet.source().getHostAddress();
        String cmd = CommandMode.printable(m.body());
        CommandMode c = commands;
        if (c == null) {
            throw new SpaException(RefusalReason.UNSUPPORTED_MESSAGE, "command mode is not available [" + s.name() + "]");
        }
        if (p.testMode()) {
            LOG.info("SPA packet from {} accepted by stanza {}: user {}, command '{}' (test mode: not run)", from,
                    s.name(), m.username(), cmd);
            counters.granted();
            return;
        }
        java.util.List<String> words = CommandMode.check(s, m.body());
        LOG.info("SPA packet from {} accepted by stanza {}: user {}, running command '{}'{}", from, s.name(),
                m.username(), cmd, s.commandSettings().user() == null ? "" : " as " + s.commandSettings().user());
        org.postern.api.CommandResult r;
        try {
            r = c.run(s, words);
        } catch (SpaException e) {
            throw new SpaException(e.reason(), e.getMessage() + " [" + s.name() + "]");
        }
        LOG.info("Command from {} (stanza {}) exited 0{}", from, s.name(), CommandMode.output(r));
        counters.granted();
    }

    /** The cluster's shared replay check (the cluster bundle), or null when this gateway runs alone. */
    synchronized void sharedReplay(org.postern.api.SharedReplayGuard g) {
        this.sharedReplay = g;
    }

    /** Forgets {@code g} unless another guard replaced it already (DS binds the new one before unbinding the old). */
    synchronized void dropSharedReplay(org.postern.api.SharedReplayGuard g) {
        if (sharedReplay == g) {
            sharedReplay = null;
        }
    }

    /**
     * Records a digest in the local durable cache, then (with a cluster) cluster-wide: false when either had it.
     * The local record comes first, so this gateway never accepts a packet twice whatever the cluster says.
     */
    private boolean claim(String digest, ReplayRecord r) throws SpaException {
        // the digest file's fsync waits for durable(): once per batch of grants, before they are applied
        if (!(replay instanceof DigestFile d ? d.addIfAbsent(digest, r, false) : replay.addIfAbsent(digest, r))) {
            return false;
        }
        org.postern.api.SharedReplayGuard g = sharedReplay;
        return g == null || g.claim(digest, r);
    }

    /** Makes the digests recorded so far durable (one fsync), before anything they admitted is acted on. */
    private void durable() throws SpaException {
        if (replay instanceof DigestFile d) {
            d.force();
        }
    }

    private static SpaException replayed(CapturedPacket packet) {
        return new SpaException(RefusalReason.REPLAY,
                "Replay detected from source IP: " + packet.source().getHostAddress());
    }

    /** Keeps the refusal from the furthest step: the most precise account of why nothing opened. */
    /**
     * The refusal that explains a packet best, of its stanzas' refusals: the later pipeline step wins (the packet got
     * further with that stanza); within the stanza trial, a failure after the stanza's HMAC verified (the packet was
     * made with that stanza's HMAC key: wrong cipher mode, bad field) beats an HMAC mismatch of another stanza. A tie
     * keeps the first stanza's. One per packet, on the packet's thread.
     */
    static final class BestRefusal {
        private SpaException best;
        private int rank = -1;

        void offer(SpaException candidate, AccessStanza s) {
            RefusalReason r = candidate.reason();
            if (LOG.isDebugEnabled()) {
                LOG.debug("Stanza {} does not take the packet: {}/{}: {}", s.name(), r.step(), r,
                        candidate.getMessage());
            }
            int k = rank(r, s);
            if (k > rank) {
                rank = k;
                best = candidate;
            }
        }

        /** Whether a refusal for {@code r} from {@code s} would replace the best so far (else it need not be made). */
        boolean wouldKeep(RefusalReason r, AccessStanza s) {
            return rank(r, s) > rank;
        }

        private static int rank(RefusalReason r, AccessStanza s) {
            // a server_auth refusal comes from a stanza whose key opened the packet: rank it with the policy ones
            int k = (r == RefusalReason.BAD_SERVER_AUTH ? RefusalReason.Step.POLICY : r.step()).ordinal() * 2;
            if (r.step() == RefusalReason.Step.STANZA_TRIAL && s.hmacKey() != null && r != RefusalReason.HMAC_MISMATCH
                    && r != RefusalReason.HMAC_MISSING && r != RefusalReason.CIPHER_UNAVAILABLE) {
                k++;
            }
            return k;
        }

        SpaException get() {
            return best;
        }
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
