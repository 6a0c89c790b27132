package org.postern.firewall.nftables;

import java.time.Duration;
import java.util.Objects;

/**
 * The validated configuration the backend works with.
 *
 * @param executable     nft
 * @param hookChain      the operator's chain to hook into when it exists; null for always the own table
 * @param table          the own inet table's name
 * @param flushAtInit    remove and remake Postern's objects at start
 * @param flushAtExit    remove Postern's objects at stop
 * @param commandTimeout the longest nft may take to answer one batch
 */
record NftSettings(String executable, ChainRef hookChain, String table, boolean flushAtInit, boolean flushAtExit,
        Duration commandTimeout) {

    static final String DEFAULT_HOOK_CHAIN = "inet filter input";
    static final String DEFAULT_TABLE = "postern";

    NftSettings {
        if (executable == null || executable.isBlank()) {
            throw new IllegalArgumentException("executable is required");
        }
        ChainRef.requireName(table, "table");
        if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive");
        }
    }

    static NftSettings defaults(String executable) {
        return new NftSettings(executable, ChainRef.parse(DEFAULT_HOOK_CHAIN), DEFAULT_TABLE, false, true,
                Duration.ofSeconds(5));
    }

    /**
     * Validates a configuration.
     *
     * @throws IllegalArgumentException naming the PID and key that is wrong
     */
    static NftSettings from(NftablesConfig config) {
        String pid = NftablesFirewallBackend.PID;
        ChainRef hook;
        try {
            hook = ChainRef.parse(config.hookChain());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid configuration " + pid + ": hookChain '" + config.hookChain()
                    + "': " + e.getMessage(), e);
        }
        String table = config.table() == null ? "" : config.table().strip();
        try {
            ChainRef.requireName(table, "table");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid configuration " + pid + ": table: " + e.getMessage(), e);
        }
        String executable = config.executable() == null ? "" : config.executable().strip();
        if (executable.isEmpty()) {
            throw new IllegalArgumentException("Invalid configuration " + pid + ": executable is empty");
        }
        if (config.commandTimeoutSeconds() < 1) {
            throw new IllegalArgumentException("Invalid configuration " + pid
                    + ": commandTimeoutSeconds must be at least 1, not " + config.commandTimeoutSeconds());
        }
        return new NftSettings(executable, hook, table, config.flushAtInit(), config.flushAtExit(),
                Duration.ofSeconds(config.commandTimeoutSeconds()));
    }

    /** True when both put the same objects in the same places with the same program (only flags differ). */
    boolean sameLayout(NftSettings other) {
        return executable.equals(other.executable) && Objects.equals(hookChain, other.hookChain)
                && table.equals(other.table);
    }
}
