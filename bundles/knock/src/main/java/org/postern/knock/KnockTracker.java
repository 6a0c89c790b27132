package org.postern.knock;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postern.api.KnockEvent;
import org.postern.api.KnockSequence;
import org.postern.api.KnockStanza;
import org.postern.api.KnockVerdict;
import org.postern.api.PortSpec;
import org.postern.api.Protocol;
import org.postern.api.RefusalReason;
import org.postern.fko.KnockSequenceCipher;

/**
 * Per-source assembly of 1.9 knock sequences. Not thread-safe by itself: {@link KnockService} serialises calls.
 * Memory is bounded: at most {@code maxSources} sources are tracked (least recently knocking evicted first), each
 * with at most one state per stanza and at most {@code MAX_GUESSES} OS guesses.
 */
final class KnockTracker {

    static final int SEQUENCE_LENGTH = 32;
    static final int MAX_GUESSES = 16;

    private static final class Progress {
        KnockSequence sequence;
        long start;
        long last;
        int position;
        final byte[] bytes = new byte[SEQUENCE_LENGTH];
        int grants;
    }

    private static final class SourceState {
        final Map<String, Progress> progress = new HashMap<>();
        final Set<String> osGuesses = new LinkedHashSet<>();
    }

    private final PassiveOsFingerprint fingerprints;
    private final int maxSources;
    private final LinkedHashMap<InetAddress, SourceState> sources;
    private long evicted;

    KnockTracker(PassiveOsFingerprint fingerprints, int maxSources) {
        this.fingerprints = fingerprints;
        this.maxSources = maxSources;
        this.sources = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, SourceState> eldest) {
                if (size() > KnockTracker.this.maxSources) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
    }

    int trackedSources() {
        return sources.size();
    }

    long evictedSources() {
        return evicted;
    }

    void reset() {
        sources.clear();
    }

    Set<String> osGuesses(InetAddress source) {
        SourceState s = sources.get(source);
        return s == null ? Set.of() : Set.copyOf(s.osGuesses);
    }

    List<KnockVerdict> offer(KnockEvent e, List<KnockStanza> stanzas) {
        List<KnockStanza> mine = new ArrayList<>();
        for (KnockStanza st : stanzas) {
            if (st.source().test(e.source())) {
                mine.add(st);
            }
        }
        if (mine.isEmpty()) {
            return List.of();
        }
        SourceState state = sources.computeIfAbsent(e.source(), k -> new SourceState());
        if (e.syn() != null && fingerprints != null) {
            for (String os : fingerprints.guess(e.syn())) {
                if (state.osGuesses.size() < MAX_GUESSES) {
                    state.osGuesses.add(os);
                }
            }
        }
        List<KnockVerdict> out = new ArrayList<>();
        for (KnockStanza st : mine) {
            Progress p = state.progress.get(st.name());
            if (p == null || !p.sequence.equals(st.sequence())) {
                p = new Progress();
                p.sequence = st.sequence();
                state.progress.put(st.name(), p);
            }
            if (st.sequence() instanceof KnockSequence.Encrypted enc) {
                encrypted(e, st, enc, p, state, out);
            } else {
                shared(e, st, (KnockSequence.Shared) st.sequence(), p, state, out);
            }
        }
        return out;
    }

    private void expire(KnockEvent e, KnockStanza st, Progress p, List<KnockVerdict> out) {
        if (p.position > 0 && e.epochMillis() - p.start > st.knockInterval().toMillis()) {
            out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.KNOCK_EXPIRED,
                    "partial sequence of " + p.position + " knocks older than KNOCK_INTERVAL "
                            + st.knockInterval().toSeconds() + "s dropped"));
            p.position = 0;
        }
    }

    private void encrypted(KnockEvent e, KnockStanza st, KnockSequence.Encrypted enc, Progress p, SourceState state,
            List<KnockVerdict> out) {
        if (e.protocol() == Protocol.ICMP || e.port() < enc.portOffset() || e.port() > enc.portOffset() + 255) {
            return;
        }
        expire(e, st, p, out);
        if (p.position == 0) {
            p.start = e.epochMillis();
        }
        p.bytes[p.position++] = (byte) (e.port() - enc.portOffset());
        if (p.position < SEQUENCE_LENGTH) {
            return;
        }
        p.position = 0;
        byte[] key = enc.key();
        byte[] plain = KnockSequenceCipher.decrypt(p.bytes, key);
        java.util.Arrays.fill(key, (byte) 0);
        if (plain == null) {
            out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.KNOCK_BAD_CHECKSUM,
                    "32 knocks do not start with the Salted__ header (knocks out of order or not a sequence)"));
            return;
        }
        SequenceMessage m;
        try {
            m = SequenceMessage.parse(plain);
        } catch (SequenceMessage.Invalid ex) {
            out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.KNOCK_BAD_CHECKSUM,
                    "sequence decrypt failed: " + ex.getMessage()));
            return;
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
        InetAddress allow = m.allow();
        if (allow.isAnyLocalAddress()) {
            if (!st.allowZeroAddress()) {
                out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.SOURCE_ADDRESS_REQUIRED,
                        "allow address 0.0.0.0"));
                return;
            }
            allow = e.source();
        }
        if (!(allow instanceof Inet4Address) || allow.isMulticastAddress()
                || allow.getHostAddress().equals("255.255.255.255")) {
            out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.BAD_ALLOW_IP,
                    "allow address " + allow.getHostAddress()));
            return;
        }
        if (m.protocol() != Protocol.ICMP && m.port() == 0) {
            out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.BAD_MESSAGE,
                    m.protocol().wireName() + " port 0"));
            return;
        }
        PortSpec requested = new PortSpec(m.protocol(), m.protocol() == Protocol.ICMP ? 0 : m.port());
        if (!osAllowed(st, state, e, out)) {
            return;
        }
        if (st.requireUsername() != null && !st.requireUsername().equals(m.username())) {
            out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.USERNAME_MISMATCH,
                    "user '" + m.username() + "'"));
            return;
        }
        if (limitReached(st, p, e, out)) {
            return;
        }
        List<PortSpec> ports = new ArrayList<>(st.openPorts());
        if (!ports.contains(requested)) {
            ports.add(requested);
        }
        p.grants++;
        out.add(new KnockVerdict.Granted(st, e.source(), allow, ports, st.accessTimeout(), m.username()));
    }

    private void shared(KnockEvent e, KnockStanza st, KnockSequence.Shared seq, Progress p, SourceState state,
            List<KnockVerdict> out) {
        expire(e, st, p, out);
        PortSpec expected = seq.knocks().get(p.position);
        boolean match = expected.protocol() == e.protocol()
                && (expected.protocol() == Protocol.ICMP || expected.port() == e.port());
        if (!match) {
            if (p.position > 0) {
                out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.KNOCK_OUT_OF_ORDER,
                        e.protocol().wireName() + "/" + e.port() + " where knock " + (p.position + 1) + " ("
                                + expected + ") was expected"));
                p.position = 0;
            }
            return;
        }
        if (p.position > 0) {
            long gap = e.epochMillis() - p.last;
            if (gap <= st.minTimeDiff().toMillis()) {
                out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.KNOCK_TOO_FAST,
                        "knock " + (p.position + 1) + " " + gap + " ms after the previous one (MIN_TIME_DIFF "
                                + st.minTimeDiff().toSeconds() + "s)"));
                p.position = 0;
                return;
            }
            if (st.maxTimeDiff() != null && gap >= st.maxTimeDiff().toMillis()) {
                out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.KNOCK_TOO_SLOW,
                        "knock " + (p.position + 1) + " " + gap + " ms after the previous one (MAX_TIME_DIFF "
                                + st.maxTimeDiff().toSeconds() + "s)"));
                p.position = 0;
                return;
            }
        } else {
            p.start = e.epochMillis();
        }
        p.last = e.epochMillis();
        p.position++;
        if (p.position < seq.knocks().size()) {
            return;
        }
        p.position = 0;
        if (!osAllowed(st, state, e, out) || limitReached(st, p, e, out)) {
            return;
        }
        p.grants++;
        out.add(new KnockVerdict.Granted(st, e.source(), e.source(), st.openPorts(), st.accessTimeout(), ""));
    }

    private static boolean osAllowed(KnockStanza st, SourceState state, KnockEvent e, List<KnockVerdict> out) {
        if (!st.requiresOs()) {
            return true;
        }
        for (String os : state.osGuesses) {
            if ((st.requireOs() != null && st.requireOs().equals(os))
                    || (st.requireOsRegex() != null && st.requireOsRegex().matcher(os).find())) {
                return true;
            }
        }
        out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.OS_NOT_ALLOWED,
                state.osGuesses.isEmpty() ? "no OS fingerprint for the source"
                        : "fingerprinted as " + String.join(" | ", state.osGuesses)));
        return false;
    }

    private static boolean limitReached(KnockStanza st, Progress p, KnockEvent e, List<KnockVerdict> out) {
        if (st.knockLimit() > 0 && p.grants >= st.knockLimit()) {
            out.add(new KnockVerdict.Refused(st, e.source(), RefusalReason.KNOCK_LIMIT,
                    p.grants + " grants already (KNOCK_LIMIT " + st.knockLimit() + ")"));
            return true;
        }
        return false;
    }

}
