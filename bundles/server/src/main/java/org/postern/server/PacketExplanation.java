package org.postern.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.postern.api.CapturedPacket;
import org.postern.api.PacketExplainer.ExplainStep;
import org.postern.api.RefusalReason;
import org.postern.api.RefusalReason.Step;
import org.postern.api.ReplayCache;
import org.postern.api.SpaException;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaWire;

/**
 * {@code spa:explain}: the steps {@link Pipeline#process} takes for a packet, each with its verdict, and none of its
 * effects (no digest recorded, no grant, no command, no counter). Every stanza that serves the source is tried and
 * reported, also after one accepted it, so an operator sees why the others would not have.
 */
final class PacketExplanation {

    private PacketExplanation() {
    }

    static List<ExplainStep> of(PolicySet policy, ReplayCache replay, StanzaTrial trial, CapturedPacket packet,
            Instant now) {
        List<ExplainStep> out = new ArrayList<>();
        String wire;
        try {
            wire = PreCheck.wire(packet, policy);
            out.add(pass(Step.PRE_CHECK, "", packet.payload().length + " bytes of base64; a stanza serves source "
                    + packet.source().getHostAddress()));
        } catch (SpaException e) {
            out.add(fail("", e));
            return out;
        }
        String digest = SpaWire.replayDigest(wire);
        if (replay.contains(digest)) {
            out.add(fail("", new SpaException(RefusalReason.REPLAY, "digest " + digest + " is in the replay cache")));
            return out;
        }
        out.add(pass(Step.REPLAY, "", "digest " + digest + " not seen before"));
        boolean accepted = false;
        for (AccessStanza s : policy.stanzas()) {
            if (!StanzaTrial.serves(s, packet)) {
                out.add(new ExplainStep(Step.PRE_CHECK, s.name(), false, null,
                        "skipped: SOURCE/DESTINATION do not serve " + packet.source().getHostAddress()
                                + (packet.destination() == null ? "" : " -> " + packet.destination().getHostAddress())));
                continue;
            }
            if (s.expiredAt(now)) {
                boolean itsKeys = Pipeline.expired(trial, s, wire).reason() == RefusalReason.STANZA_EXPIRED;
                out.add(fail(s.name(), new SpaException(RefusalReason.STANZA_EXPIRED, "access stanza has expired"
                        + (itsKeys ? " (the packet was made with its keys)" : " (and its keys do not open the packet)"))));
                continue;
            }
            SpaMessage m;
            try {
                m = trial.open(s, wire);
            } catch (SpaException e) {
                out.add(fail(s.name(), e));
                continue;
            }
            out.add(pass(Step.STANZA_TRIAL, s.name(), "opened: user " + m.username() + ", type " + m.type()
                    + ", message " + m.message() + ", timestamp " + m.timestamp()));
            try {
                PolicyCheck.Decision d = PolicyCheck.decide(s, m, packet, policy, now);
                out.add(pass(Step.POLICY, s.name(), (accepted ? "would also allow " : "allows ")
                        + d.allow().getHostAddress() + " " + d.ports() + " for " + d.timeout() + " s"
                        + (d.nat() == null ? "" : " with NAT " + d.nat())
                        + (accepted ? " (not reached: an earlier stanza accepts)" : "")));
                accepted = true;
            } catch (SpaException e) {
                out.add(fail(s.name(), e));
            }
        }
        if (!accepted && out.stream().noneMatch(x -> x.step() != Step.PRE_CHECK && x.step() != Step.REPLAY
                && !x.passed() && x.reason() != null)) {
            out.add(fail("", new SpaException(RefusalReason.NO_STANZA_MATCHED, "no stanza serves "
                    + packet.source().getHostAddress())));
        }
        return out;
    }

    private static ExplainStep pass(Step step, String stanza, String detail) {
        return new ExplainStep(step, stanza, true, null, detail);
    }

    private static ExplainStep fail(String stanza, SpaException e) {
        return new ExplainStep(e.reason().step(), stanza, false, e.reason(), e.getMessage());
    }
}
