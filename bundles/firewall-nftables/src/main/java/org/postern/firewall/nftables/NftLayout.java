package org.postern.firewall.nftables;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Postern's nftables objects live and the nft commands that make, fill and remove them.
 *
 * <p>Sets and chains are local to their table in nftables, and an accept only counts in the chain that would
 * otherwise drop. So in the usual case ({@code hooked}) the sets {@code postern_allow4} / {@code postern_allow6}
 * and the chain {@code postern_access} go into the operator's table, and its chain (e.g. {@code inet filter
 * input}) gets {@code jump postern_access} at its top, as fwknop puts its jump at INPUT position 1. Without
 * such a chain, Postern makes its own inet table with the same objects and a base chain on the input hook.
 *
 * @param hook   the chain that holds the jump rule (the operator's, or the own base chain)
 * @param hooked true when the objects live in the operator's table; false for the own table
 */
record NftLayout(ChainRef hook, boolean hooked) {

    static final String SET4 = "postern_allow4";
    static final String SET6 = "postern_allow6";
    static final String ACCESS_CHAIN = "postern_access";
    static final String OWN_BASE_CHAIN = "input";
    static final String JUMP_COMMENT = "postern";

    private static final Pattern HANDLE = Pattern.compile("# handle (\\d+)\\s*$");

    static NftLayout hookedInto(ChainRef chain) {
        return new NftLayout(chain, true);
    }

    static NftLayout ownTable(String table) {
        return new NftLayout(new ChainRef("inet", table, OWN_BASE_CHAIN), false);
    }

    String table() {
        return hook.tableSpec();
    }

    boolean carriesIpv4() {
        return hook.carriesIpv4();
    }

    boolean carriesIpv6() {
        return hook.carriesIpv6();
    }

    /** The sets this layout has: IPv4, IPv6, or both. */
    List<String> sets() {
        List<String> sets = new ArrayList<>();
        if (carriesIpv4()) {
            sets.add(SET4);
        }
        if (carriesIpv6()) {
            sets.add(SET6);
        }
        return sets;
    }

    String setFor(SetElement e) {
        return e.ipv6() ? SET6 : SET4;
    }

    /** {@code inet filter postern_allow4}: a set as nft commands name it. */
    String setSpec(String set) {
        return table() + " " + set;
    }

    /**
     * One batch that makes everything but the jump rule: the table and base chain when they are Postern's,
     * the sets, and the access chain with exactly its lookup rules (flushed and refilled, so repeating it
     * changes nothing). Sets that exist keep their elements.
     */
    String setup() {
        List<String> c = new ArrayList<>();
        if (!hooked) {
            c.add("add table " + table());
            c.add("add chain " + table() + " " + OWN_BASE_CHAIN + " { type filter hook input priority 0; policy accept; }");
        }
        if (carriesIpv4()) {
            c.add("add set " + setSpec(SET4) + " { type ipv4_addr . inet_proto . inet_service; flags timeout; }");
        }
        if (carriesIpv6()) {
            c.add("add set " + setSpec(SET6) + " { type ipv6_addr . inet_proto . inet_service; flags timeout; }");
        }
        c.add("add chain " + table() + " " + ACCESS_CHAIN);
        c.add("flush chain " + table() + " " + ACCESS_CHAIN);
        if (carriesIpv4()) {
            c.add("add rule " + table() + " " + ACCESS_CHAIN + " ip saddr . meta l4proto . th dport @" + SET4 + " accept");
        }
        if (carriesIpv6()) {
            c.add("add rule " + table() + " " + ACCESS_CHAIN + " ip6 saddr . meta l4proto . th dport @" + SET6
                    + " accept");
        }
        return String.join("; ", c);
    }

    String listHookChain() {
        return "list chain " + hook;
    }

    String insertJump() {
        return "insert rule " + hook + " jump " + ACCESS_CHAIN + " comment \"" + JUMP_COMMENT + "\"";
    }

    /** The handles of the jump rules in an {@code nft -a list chain} output of the hook chain. */
    static List<Long> jumpHandles(String listing) {
        List<Long> handles = new ArrayList<>();
        for (String line : listing.split("\n")) {
            if (line.contains("jump " + ACCESS_CHAIN)) {
                Matcher m = HANDLE.matcher(line);
                if (m.find()) {
                    handles.add(Long.parseLong(m.group(1)));
                }
            }
        }
        return handles;
    }

    String deleteRule(long handle) {
        return "delete rule " + hook + " handle " + handle;
    }

    /**
     * The commands that remove Postern's objects, each on its own (any may fail because the object is
     * already gone): in the operator's table the access chain, then the sets; the own table as a whole.
     * The jump rules must be gone first ({@link #deleteRule}).
     */
    List<String> teardown() {
        if (!hooked) {
            return List.of("delete table " + table());
        }
        List<String> c = new ArrayList<>();
        c.add("delete chain " + table() + " " + ACCESS_CHAIN);
        for (String set : sets()) {
            c.add("delete set " + setSpec(set));
        }
        return c;
    }

    String listSet(String set) {
        return "list set " + setSpec(set);
    }

    /**
     * One batch that puts the elements in with their timeouts. An element already there is replaced
     * ({@code add} does not change an existing element's timeout, so: add, delete, add), which is how a
     * re-knock extends an opening instead of stacking a second one.
     */
    String addElements(List<SetElement> elements, long nowMillis) {
        List<String> c = new ArrayList<>();
        for (SetElement e : elements) {
            String set = setSpec(setFor(e));
            c.add("add element " + set + " { " + e.key() + " }");
            c.add("delete element " + set + " { " + e.key() + " }");
            c.add("add element " + set + " { " + e.withTimeout(nowMillis) + " }");
        }
        return String.join("; ", c);
    }

    /** One batch that removes the elements, whether or not they are still there (add, then delete). */
    String removeElements(List<SetElement> elements) {
        List<String> c = new ArrayList<>();
        for (SetElement e : elements) {
            String set = setSpec(setFor(e));
            c.add("add element " + set + " { " + e.key() + " }");
            c.add("delete element " + set + " { " + e.key() + " }");
        }
        return String.join("; ", c);
    }

    String flushSets() {
        List<String> c = new ArrayList<>();
        for (String set : sets()) {
            c.add("flush set " + setSpec(set));
        }
        return String.join("; ", c);
    }

    /** Where the objects live, for log lines: {@code inet filter} or {@code inet postern (own table)}. */
    String describe() {
        return hooked ? table() + " (jump from " + hook.chain() + ")" : table() + " (own table)";
    }
}
