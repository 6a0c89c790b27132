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
 * @param destinationRule ENABLE_DESTINATION_RULE: a grant with a known destination is bound to it
 * @param nat            NAT objects (ENABLE_IPT_FORWARDING / ENABLE_IPT_LOCAL_NAT); also made on the first NAT grant
 * @param forwardChain   the operator's forward chain that gets the jump to postern_forward, or null
 * @param natTable       the own ip table for the NAT maps
 */
record NftSettings(String executable, ChainRef hookChain, String table, boolean flushAtInit, boolean flushAtExit,
        Duration commandTimeout, boolean destinationRule, boolean nat, ChainRef forwardChain, String natTable) {

    static final String DEFAULT_HOOK_CHAIN = "inet filter input";
    static final String DEFAULT_TABLE = "postern";
    static final String DEFAULT_FORWARD_CHAIN = "inet filter forward";
    static final String DEFAULT_NAT_TABLE = "postern_nat";

    /** Settings without destination binding and NAT objects. */
    NftSettings(String executable, ChainRef hookChain, String table, boolean flushAtInit, boolean flushAtExit,
            Duration commandTimeout) {
        this(executable, hookChain, table, flushAtInit, flushAtExit, commandTimeout, false, false,
                ChainRef.parse(DEFAULT_FORWARD_CHAIN), DEFAULT_NAT_TABLE);
    }

    NftSettings {
        ChainRef.requireName(natTable, "natTable");
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
        ChainRef forward = null;
        if (config.forwardChain() != null && !config.forwardChain().isBlank()) {
            try {
                forward = ChainRef.parse(config.forwardChain());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid configuration " + pid + ": forwardChain '"
                        + config.forwardChain() + "': " + e.getMessage(), e);
            }
        }
        String natTable = config.natTable() == null ? "" : config.natTable().strip();
        try {
            ChainRef.requireName(natTable, "natTable");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid configuration " + pid + ": natTable: " + e.getMessage(), e);
        }
        return new NftSettings(executable, hook, table, config.flushAtInit(), config.flushAtExit(),
                Duration.ofSeconds(config.commandTimeoutSeconds()), config.destinationRule(), config.nat(), forward,
                natTable);
    }

    /** True when both put the same objects in the same places with the same program (only flags differ). */
    boolean sameLayout(NftSettings other) {
        return executable.equals(other.executable) && Objects.equals(hookChain, other.hookChain)
                && table.equals(other.table) && destinationRule == other.destinationRule && nat == other.nat
                && Objects.equals(forwardChain, other.forwardChain) && natTable.equals(other.natTable);
    }
}
