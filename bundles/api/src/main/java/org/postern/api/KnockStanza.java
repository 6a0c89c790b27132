package org.postern.api;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A knock-mode access stanza as the server parsed it from a fwknop 1.9 {@code access.conf} SOURCE block.
 *
 * @param name                  the stanza's name or origin ({@code access.conf:12}), used in logs and verdicts
 * @param source                SOURCE: which packet sources the stanza applies to
 * @param sequence              SHARED_SEQUENCE or ENCRYPT_SEQUENCE with its KEY and PORT_OFFSET
 * @param knockInterval         KNOCK_INTERVAL: a partial sequence older than this is dropped (1.9 default 60 s)
 * @param knockLimit            KNOCK_LIMIT: the most grants per source and stanza, 0 for no limit
 * @param minTimeDiff           MIN_TIME_DIFF: shared sequences only; the gap between knocks must be longer
 * @param maxTimeDiff           MAX_TIME_DIFF: shared sequences only; the gap must be shorter (null: no bound)
 * @param requireOs             REQUIRE_OS: an exact pf.os OS string, or null
 * @param requireOsRegex        REQUIRE_OS_REGEX: a pattern (compile it case-insensitive), or null
 * @param requireUsername       REQUIRE_USERNAME: the exact user in an encrypted sequence, or null
 * @param allowZeroAddress      whether an encrypted sequence's allow address 0.0.0.0 (meaning the packet source)
 *                              is accepted (REQUIRE_SOURCE_ADDRESS absent or N)
 * @param openPorts             OPEN_PORTS: granted on completion (for encrypted sequences plus the decrypted pair)
 * @param accessTimeout         FW_ACCESS_TIMEOUT: the grant's lifetime; never zero in Postern (see the knock
 *                              bundle's README)
 */
public record KnockStanza(String name, Predicate<InetAddress> source, KnockSequence sequence, Duration knockInterval,
        int knockLimit, Duration minTimeDiff, Duration maxTimeDiff, String requireOs, Pattern requireOsRegex,
        String requireUsername, boolean allowZeroAddress, List<PortSpec> openPorts, Duration accessTimeout) {

    /** 1.9's KNOCK_INTERVAL default. */
    public static final Duration DEFAULT_KNOCK_INTERVAL = Duration.ofSeconds(60);

    public KnockStanza {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sequence, "sequence");
        knockInterval = knockInterval == null ? DEFAULT_KNOCK_INTERVAL : knockInterval;
        minTimeDiff = minTimeDiff == null ? Duration.ZERO : minTimeDiff;
        if (maxTimeDiff != null && maxTimeDiff.compareTo(minTimeDiff) < 0) {
            throw new IllegalArgumentException("MAX_TIME_DIFF is less than MIN_TIME_DIFF");
        }
        if (knockLimit < 0) {
            throw new IllegalArgumentException("KNOCK_LIMIT is negative");
        }
        openPorts = openPorts == null ? List.of() : List.copyOf(openPorts);
        if (sequence instanceof KnockSequence.Shared && openPorts.isEmpty()) {
            throw new IllegalArgumentException("a SHARED_SEQUENCE stanza needs OPEN_PORTS");
        }
        Objects.requireNonNull(accessTimeout, "accessTimeout");
        if (accessTimeout.isNegative() || accessTimeout.isZero()) {
            throw new IllegalArgumentException("accessTimeout must be positive");
        }
    }

    /** Whether REQUIRE_OS or REQUIRE_OS_REGEX is set. */
    public boolean requiresOs() {
        return requireOs != null || requireOsRegex != null;
    }
}
