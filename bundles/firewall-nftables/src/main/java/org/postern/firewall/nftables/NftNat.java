package org.postern.firewall.nftables;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.postern.api.AccessGrant;
import org.postern.api.NatAccess;
import org.postern.api.PortSpec;
import org.postern.api.Protocol;

/**
 * Postern's nftables NAT: fwknop's FWKNOP_FORWARD, FWKNOP_PREROUTING (DNAT), FWKNOP_POSTROUTING (SNAT) and
 * FWKNOP_MASQUERADE as sets and maps whose elements carry kernel timeouts (so the kernel closes them on time) and
 * the {@code _exp_<epoch>} comment.
 *
 * <p>The NAT maps live in a table of Postern's own, {@code ip <natTable>}, with base chains on the prerouting
 * (priority dstnat - 1) and postrouting (srcnat - 1) hooks: NAT is decided by the first NAT rule that matches, not
 * undone by another table. The forward accept must be in the chain that would drop, so the forward sets and the
 * {@code postern_forward} chain go into the operator's forward chain's table with a jump at its top
 * ({@code forwardChain}, default {@code inet filter forward}); without such a chain, into the NAT table with a
 * base chain of its own on the forward hook. IPv4 only, as fwknop's NAT.
 *
 * @param natTable the own NAT table's name
 * @param forward  the chain that gets the jump to {@code postern_forward}
 * @param hooked   true when {@code forward} is the operator's chain; false for the own base chain
 */
record NftNat(String natTable, ChainRef forward, boolean hooked) {

    static final String FORWARD_CHAIN = "postern_forward";
    static final String FWD = "postern_fwd4";
    static final String FWD_ALL = "postern_fwdall4";
    static final String DNAT = "dnat4";
    static final String DNAT_ALL = "dnatall4";
    static final String SNAT = "snat4";
    static final String SNAT_ALL = "snatall4";
    static final String MASQ = "masq4";
    static final String MASQ_ALL = "masqall4";

    static NftNat hookedInto(String natTable, ChainRef forward) {
        return new NftNat(natTable, forward, true);
    }

    static NftNat own(String natTable) {
        return new NftNat(natTable, new ChainRef("ip", natTable, "forward"), false);
    }

    String nat() {
        return "ip " + natTable;
    }

    String fwdTable() {
        return forward.tableSpec();
    }

    /** One batch that makes every NAT object (sets and maps keep their elements; chains are refilled). */
    String setup() {
        String t = nat();
        String f = fwdTable();
        List<String> c = new ArrayList<>();
        c.add("add table " + t);
        c.add("add map " + t + " " + DNAT + " { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; flags timeout; }");
        c.add("add map " + t + " " + DNAT_ALL + " { type ipv4_addr : ipv4_addr; flags timeout; }");
        c.add("add map " + t + " " + SNAT + " { type ipv4_addr . inet_proto . inet_service : ipv4_addr; flags timeout; }");
        c.add("add map " + t + " " + SNAT_ALL + " { type ipv4_addr : ipv4_addr; flags timeout; }");
        c.add("add set " + t + " " + MASQ + " { type ipv4_addr . inet_proto . inet_service; flags timeout; }");
        c.add("add set " + t + " " + MASQ_ALL + " { type ipv4_addr; flags timeout; }");
        c.add("add chain " + t + " prerouting { type nat hook prerouting priority dstnat - 1; policy accept; }");
        c.add("flush chain " + t + " prerouting");
        c.add("add rule " + t + " prerouting dnat ip to ip saddr . meta l4proto . th dport map @" + DNAT);
        c.add("add rule " + t + " prerouting dnat ip to ip saddr map @" + DNAT_ALL);
        c.add("add chain " + t + " postrouting { type nat hook postrouting priority srcnat - 1; policy accept; }");
        c.add("flush chain " + t + " postrouting");
        c.add("add rule " + t + " postrouting snat ip to ip daddr . meta l4proto . th dport map @" + SNAT);
        c.add("add rule " + t + " postrouting ip daddr . meta l4proto . th dport @" + MASQ + " masquerade");
        c.add("add rule " + t + " postrouting snat ip to ip saddr map @" + SNAT_ALL);
        c.add("add rule " + t + " postrouting ip saddr @" + MASQ_ALL + " masquerade");
        if (!hooked) {
            c.add("add chain " + f + " forward { type filter hook forward priority 0; policy accept; }");
        }
        c.add("add set " + f + " " + FWD + " { type ipv4_addr . inet_proto . inet_service; flags timeout; }");
        c.add("add set " + f + " " + FWD_ALL + " { type ipv4_addr; flags timeout; }");
        c.add("add chain " + f + " " + FORWARD_CHAIN);
        c.add("flush chain " + f + " " + FORWARD_CHAIN);
        c.add("add rule " + f + " " + FORWARD_CHAIN + " ip saddr . meta l4proto . th dport @" + FWD + " accept");
        c.add("add rule " + f + " " + FORWARD_CHAIN + " ip saddr @" + FWD_ALL + " accept");
        return String.join("; ", c);
    }

    String insertJump() {
        return "insert rule " + forward + " jump " + FORWARD_CHAIN + " comment \"" + NftLayout.JUMP_COMMENT + "\"";
    }

    /** The jump rules to {@code postern_forward} in an {@code nft -a list chain} output. */
    static List<Long> jumpHandles(String listing) {
        List<Long> handles = new ArrayList<>();
        for (String line : listing.split("\n")) {
            if (line.contains("jump " + FORWARD_CHAIN)) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("# handle (\\d+)\\s*$").matcher(line);
                if (m.find()) {
                    handles.add(Long.parseLong(m.group(1)));
                }
            }
        }
        return handles;
    }

    /** What stop removes, each on its own (jump rules first, by handle). */
    List<String> teardown() {
        List<String> c = new ArrayList<>();
        if (hooked) {
            c.add("delete chain " + fwdTable() + " " + FORWARD_CHAIN);
            c.add("delete set " + fwdTable() + " " + FWD);
            c.add("delete set " + fwdTable() + " " + FWD_ALL);
        }
        c.add("delete table " + nat());
        return c;
    }

    /** Every set and map, as {@code list set/map} names them, for {@link NftablesFirewallBackend#list()}. */
    List<String> listCommands() {
        String t = nat();
        return List.of("list set " + fwdTable() + " " + FWD, "list set " + fwdTable() + " " + FWD_ALL,
                "list map " + t + " " + DNAT, "list map " + t + " " + DNAT_ALL, "list map " + t + " " + SNAT,
                "list map " + t + " " + SNAT_ALL, "list set " + t + " " + MASQ, "list set " + t + " " + MASQ_ALL);
    }

    /**
     * One NAT element: set (or map) spec, key, and map value (null for a set).
     */
    record Element(String set, String key, String value) {

        String plain() {
            return "{ " + key + (value == null ? "" : " : " + value) + " }";
        }

        String keyOnly() {
            return "{ " + key + " }";
        }

        String timed(long timeoutMillis, long expSecond) {
            return "{ " + key + " timeout " + Math.max(1, timeoutMillis) + "ms comment \"_exp_" + expSecond + "\""
                    + (value == null ? "" : " : " + value) + " }";
        }
    }

    /**
     * The NAT elements of a grant, as fwknop's NAT branch picks its rules (first proto/port only). The INPUT
     * element of a local NAT grant (the NAT port) is not among them: it goes into the access set.
     */
    List<Element> elements(AccessGrant grant) {
        NatAccess nat = grant.nat();
        if (!(grant.source() instanceof Inet4Address) || !(nat.address() instanceof Inet4Address)) {
            throw new IllegalArgumentException("nftables NAT is IPv4 only");
        }
        PortSpec first = grant.ports().get(0);
        if (first.protocol() == Protocol.ICMP) {
            throw new IllegalArgumentException("icmp cannot be forwarded by port");
        }
        String src = a(grant.source());
        String proto = Integer.toString(first.protocol().number());
        String natIp = a(nat.address());
        String t = nat();
        String f = fwdTable();
        List<Element> out = new ArrayList<>();
        if (nat.kind() == NatAccess.Kind.FORWARD) {
            out.add(nat.forwardAll() ? new Element(f + " " + FWD_ALL, src, null)
                    : new Element(f + " " + FWD, src + " . " + proto + " . " + nat.port(), null));
        }
        if (nat.dnat()) {
            out.add(nat.forwardAll() ? new Element(t + " " + DNAT_ALL, src, natIp)
                    : new Element(t + " " + DNAT, src + " . " + proto + " . " + first.port(), natIp + " . " + nat.port()));
        }
        if (nat.snatAddress() != null) {
            out.add(nat.forwardAll() ? new Element(t + " " + SNAT_ALL, src, a(nat.snatAddress()))
                    : new Element(t + " " + SNAT, natIp + " . " + proto + " . " + nat.port(), a(nat.snatAddress())));
        } else if (nat.masquerade()) {
            out.add(nat.forwardAll() ? new Element(t + " " + MASQ_ALL, src, null)
                    : new Element(t + " " + MASQ, natIp + " . " + proto + " . " + nat.port(), null));
        }
        return out;
    }

    /** One batch putting the elements in with their timeouts (add, delete, add: a re-knock replaces). */
    static String add(List<Element> elements, long timeoutMillis, long expSecond) {
        List<String> c = new ArrayList<>();
        for (Element e : elements) {
            c.add("add element " + e.set() + " " + e.plain());
            c.add("delete element " + e.set() + " " + e.keyOnly());
            c.add("add element " + e.set() + " " + e.timed(timeoutMillis, expSecond));
        }
        return String.join("; ", c);
    }

    /** One batch removing the elements whether or not the kernel has expired them already. */
    static String remove(List<Element> elements) {
        List<String> c = new ArrayList<>();
        for (Element e : elements) {
            c.add("add element " + e.set() + " " + e.plain());
            c.add("delete element " + e.set() + " " + e.keyOnly());
        }
        return String.join("; ", c);
    }

    private static String a(InetAddress address) {
        return address.getHostAddress();
    }
}
