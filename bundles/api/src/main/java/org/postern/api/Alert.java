package org.postern.api;

import java.time.Instant;
import java.util.Objects;

/**
 * Something an operator may want to hear of at once.
 *
 * @param kind    what happened
 * @param at      when
 * @param reason  the refusal reason for {@link Kind#REPLAY}, {@link Kind#REFUSAL} and a {@link Kind#FAULT} that
 *                refused a packet, else null
 * @param source  the packet's source address (or the grant's), or empty
 * @param stanza  the access stanza concerned, or empty
 * @param message one line, as the daemon logs it (never key material)
 * @since 1.3
 */
public record Alert(Kind kind, Instant at, RefusalReason reason, String source, String stanza, String message) {

    /** Kinds of alert; a sink rate-limits each {@link #alertClass()} on its own. */
    public enum Kind {
        /** A packet seen before: someone replays captured SPA data. */
        REPLAY,
        /** A packet refused for another reason. */
        REFUSAL,
        /** Access granted (a firewall opening, or a command run). */
        GRANT_OPENED,
        /** A grant closed (expired or revoked). */
        GRANT_CLOSED,
        /** A configuration reload was refused; the last good configuration stays in force. */
        CONFIG_ERROR,
        /**
         * Something the daemon depends on failed: the firewall (a command missing or failing, its chain gone, the
         * backend gone in the middle of a grant), the replay cache's disk, a capture source. The packet concerned
         * is refused; {@link #message()} names what failed. @since 1.5
         */
        FAULT
    }

    public Alert {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        source = source == null ? "" : source;
        stanza = stanza == null ? "" : stanza;
        message = message == null ? "" : message;
    }

    /**
     * The class a sink rate-limits on: the kind, and for a refusal its step ({@code REFUSAL/STANZA_TRIAL}), so
     * that a flood of garbage does not silence the alert for a signature refused by the policy.
     */
    public String alertClass() {
        return kind == Kind.REFUSAL && reason != null ? kind + "/" + reason.step() : kind.name();
    }
}
