package org.postern.firewall.nftables;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An nftables chain named by family, table and chain, as in {@code inet filter input}.
 *
 * @param family {@code inet}, {@code ip} or {@code ip6}
 * @param table  the table name
 * @param chain  the chain name
 */
record ChainRef(String family, String table, String chain) {

    /** nft 1.0 takes table and chain names unquoted only, so only plain identifiers are accepted. */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");

    ChainRef {
        if (!family.equals("inet") && !family.equals("ip") && !family.equals("ip6")) {
            throw new IllegalArgumentException("family must be inet, ip or ip6, not '" + family + "'");
        }
        requireName(table, "table");
        requireName(chain, "chain");
    }

    /** Parses {@code <family> <table> <chain>}; blank text gives null (no hook chain). */
    static ChainRef parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String[] parts = text.strip().split("\\s+");
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected '<family> <table> <chain>', e.g. 'inet filter input'");
        }
        return new ChainRef(parts[0].toLowerCase(Locale.ROOT), parts[1], parts[2]);
    }

    static String requireName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name must match " + NAME.pattern() + ", not '" + name + "'");
        }
        return name;
    }

    /** {@code inet filter}: the table as nft commands name it. */
    String tableSpec() {
        return family + " " + table;
    }

    boolean carriesIpv4() {
        return !family.equals("ip6");
    }

    boolean carriesIpv6() {
        return !family.equals("ip");
    }

    @Override
    public String toString() {
        return family + " " + table + " " + chain;
    }
}
