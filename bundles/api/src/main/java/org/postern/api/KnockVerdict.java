package org.postern.api;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What a {@link KnockDecoder} decided about a sequence: access to grant, or a refusal with its reason. */
public sealed interface KnockVerdict {

    /** The stanza the verdict is about. */
    KnockStanza stanza();

    /** The knocking source. */
    InetAddress source();

    /**
     * A completed, valid sequence: open {@code ports} for {@code allow} during {@code timeout}.
     *
     * @param username the user from an encrypted sequence, empty for a shared one
     */
    record Granted(KnockStanza stanza, InetAddress source, InetAddress allow, List<PortSpec> ports, Duration timeout,
            String username) implements KnockVerdict {
        public Granted {
            Objects.requireNonNull(allow, "allow");
            ports = List.copyOf(ports);
        }
    }

    /** A refused sequence (or knock) with its reason and a human-readable detail without key material. */
    record Refused(KnockStanza stanza, InetAddress source, RefusalReason reason, String detail)
            implements KnockVerdict {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
