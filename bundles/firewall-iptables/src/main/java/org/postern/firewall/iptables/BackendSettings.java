package org.postern.firewall.iptables;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The validated configuration the backend works with.
 *
 * @param executable     iptables
 * @param ip6Executable  ip6tables, or null when IPv6 is not available
 * @param inputAccess    the INPUT access chain
 * @param flushAtInit    FLUSH_IPT_AT_INIT
 * @param flushAtExit    FLUSH_IPT_AT_EXIT
 * @param rulePrepend    ENABLE_RULE_PREPEND
 * @param destinationRule ENABLE_DESTINATION_RULE
 * @param commentCheck   ENABLE_IPT_COMMENT_CHECK
 * @param commandTimeout the longest one iptables call may take
 * @param nat            the OUTPUT, FORWARD and NAT chains and their switches
 */
record BackendSettings(String executable, String ip6Executable, ChainSpec inputAccess, boolean flushAtInit,
        boolean flushAtExit, boolean rulePrepend, boolean destinationRule, boolean commentCheck,
        Duration commandTimeout, NatChains nat) {

    /** Settings without OUTPUT, FORWARD or NAT chains (fwknop's defaults for them). */
    BackendSettings(String executable, String ip6Executable, ChainSpec inputAccess, boolean flushAtInit,
            boolean flushAtExit, boolean rulePrepend, boolean destinationRule, boolean commentCheck,
            Duration commandTimeout) {
        this(executable, ip6Executable, inputAccess, flushAtInit, flushAtExit, rulePrepend, destinationRule,
                commentCheck, commandTimeout, NatChains.OFF);
    }

    /** The same settings with these extra chains. */
    BackendSettings withNat(NatChains chains) {
        return new BackendSettings(executable, ip6Executable, inputAccess, flushAtInit, flushAtExit, rulePrepend,
                destinationRule, commentCheck, commandTimeout, chains);
    }

    BackendSettings {
        nat = nat == null ? NatChains.OFF : nat;
        if (executable == null || executable.isBlank()) {
            throw new IllegalArgumentException("executable is required");
        }
        Objects.requireNonNull(inputAccess, "inputAccess");
        if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive");
        }
    }

    /** fwknop's defaults with the given programs. */
    static BackendSettings defaults(String executable, String ip6Executable) {
        return new BackendSettings(executable, ip6Executable, ChainSpec.parse(ChainSpec.DEFAULT_INPUT_ACCESS),
                true, true, false, false, true, Duration.ofSeconds(5));
    }

    /**
     * Validates a configuration.
     *
     * @throws IllegalArgumentException naming the PID and key that is wrong
     */
    static BackendSettings from(IptablesConfig config) {
        ChainSpec input;
        try {
            input = ChainSpec.parse(config.inputAccess());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid configuration " + IptablesFirewallBackend.PID
                    + ": inputAccess (fwknopd.conf IPT_INPUT_ACCESS) '" + config.inputAccess() + "': " + e.getMessage(), e);
        }
        String executable = config.executable() == null ? "" : config.executable().strip();
        if (executable.isEmpty()) {
            throw new IllegalArgumentException("Invalid configuration " + IptablesFirewallBackend.PID
                    + ": executable (fwknopd.conf FIREWALL_EXE) is empty");
        }
        if (config.commandTimeoutSeconds() < 1) {
            throw new IllegalArgumentException("Invalid configuration " + IptablesFirewallBackend.PID
                    + ": commandTimeoutSeconds must be at least 1, not " + config.commandTimeoutSeconds());
        }
        String ip6 = ip6ExecutableFor(executable);
        if (ip6 != null && !Files.isExecutable(Path.of(ip6))) {
            ip6 = null;
        }
        NatChains nat = new NatChains(config.output(), config.forwarding(), config.localNat(), config.snat(),
                chain("outputAccess", "IPT_OUTPUT_ACCESS", config.outputAccess()),
                chain("forwardAccess", "IPT_FORWARD_ACCESS", config.forwardAccess()),
                chain("dnatAccess", "IPT_DNAT_ACCESS", config.dnatAccess()),
                chain("snatAccess", "IPT_SNAT_ACCESS", config.snatAccess()),
                chain("masqueradeAccess", "IPT_MASQUERADE_ACCESS", config.masqueradeAccess()));
        return new BackendSettings(executable, ip6, input, config.flushAtInit(), config.flushAtExit(),
                config.rulePrepend(), config.destinationRule(), config.commentCheck(),
                Duration.ofSeconds(config.commandTimeoutSeconds()), nat);
    }

    private static ChainSpec chain(String key, String keyword, String text) {
        try {
            return ChainSpec.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid configuration " + IptablesFirewallBackend.PID + ": " + key
                    + " (fwknopd.conf " + keyword + ") '" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * The ip6tables beside an iptables: {@code /usr/sbin/iptables} gives {@code /usr/sbin/ip6tables},
     * {@code iptables-legacy} gives {@code ip6tables-legacy}; null when the name has no {@code iptables}.
     */
    static String ip6ExecutableFor(String executable) {
        Path path = Path.of(executable);
        Path name = path.getFileName();
        if (name == null || !name.toString().contains("iptables")) {
            return null;
        }
        String ip6Name = name.toString().replaceFirst("iptables", "ip6tables");
        Path parent = path.getParent();
        return parent == null ? ip6Name : parent.resolve(ip6Name).toString();
    }

    /** True when both manage the same chains with the same programs (only flags differ). */
    boolean sameLayout(BackendSettings other) {
        return executable.equals(other.executable) && Objects.equals(ip6Executable, other.ip6Executable)
                && inputAccess.equals(other.inputAccess) && nat.equals(other.nat);
    }
}
