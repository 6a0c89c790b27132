package org.postern.firewall.nftables;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the nftables backend, PID {@value NftablesFirewallBackend#PID}. The server writes it when
 * fwknopd.conf says {@code FIREWALL_TYPE nftables}, or an operator ships
 * {@code etc/org.postern.firewall.nftables.cfg}.
 */
@ObjectClassDefinition(name = "Postern nftables firewall backend",
        description = "Opens SPA grants as elements with timeouts in nftables sets (IPv4 and IPv6), looked up from "
                + "the operator's input chain; the kernel expires them.")
@interface NftablesConfig {

    @AttributeDefinition(name = "nft executable",
            description = "Path of nft. One long-lived 'nft -i' session applies every change.")
    String executable() default "/usr/sbin/nft";

    @AttributeDefinition(name = "Hook chain",
            description = "'<family> <table> <chain>' of the operator's existing chain that gets the jump to "
                    + "Postern's access chain (at its top), with Postern's sets and chain beside it in that table: "
                    + "an accept only counts in the chain that would drop. Family inet, ip or ip6. When the chain "
                    + "does not exist, or this is empty, Postern hooks a base chain of its own (table below) into "
                    + "the input hook.")
    String hookChain() default NftSettings.DEFAULT_HOOK_CHAIN;

    @AttributeDefinition(name = "Own table",
            description = "Name of the inet table Postern creates when the hook chain does not exist: it holds "
                    + "the sets, the access chain and a base chain on the input hook (priority filter).")
    String table() default NftSettings.DEFAULT_TABLE;

    @AttributeDefinition(name = "Flush at start",
            description = "Remove Postern's sets, chain and jump at start and make them anew. When false (the "
                    + "default) elements an earlier run left keep their kernel timeouts and are reported as live "
                    + "grants, so the server closes them when due.")
    boolean flushAtInit() default false;

    @AttributeDefinition(name = "Flush at stop",
            description = "Remove Postern's sets, chain and jump (or its own table) when the backend stops.")
    boolean flushAtExit() default true;

    @AttributeDefinition(name = "Command timeout (seconds)",
            description = "How long nft may take to answer one batch before its session is restarted and the "
                    + "batch counted as failed.", min = "1")
    int commandTimeoutSeconds() default 5;

    @AttributeDefinition(name = "Bind to the destination",
            description = "fwknopd.conf ENABLE_DESTINATION_RULE: open a grant only towards the SPA packet's destination "
                    + "address (elements of postern_dst4/postern_dst6, keyed source . destination . protocol . port).")
    boolean destinationRule() default false;

    @AttributeDefinition(name = "NAT",
            description = "fwknopd.conf ENABLE_IPT_FORWARDING or ENABLE_IPT_LOCAL_NAT: make the NAT objects at start "
                    + "(they are also made on the first NAT grant).")
    boolean nat() default false;

    @AttributeDefinition(name = "Forward chain",
            description = "'<family> <table> <chain>' of the operator's forward chain that gets the jump to "
                    + "postern_forward (NAT access). When it does not exist, or this is empty, the NAT table gets a base "
                    + "chain of its own on the forward hook.")
    String forwardChain() default NftSettings.DEFAULT_FORWARD_CHAIN;

    @AttributeDefinition(name = "NAT table",
            description = "Name of the ip table Postern creates for its DNAT/SNAT maps and MASQUERADE sets.")
    String natTable() default NftSettings.DEFAULT_NAT_TABLE;
}
