package org.postern.server;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.postern.api.KnockSequence;
import org.postern.api.KnockStanza;
import org.postern.api.PortSpec;

/**
 * The knock stanzas of a fwknop 1.9 access.conf: SOURCE blocks with SHARED_SEQUENCE, or with
 * {@code DATA_COLLECT_MODE ENCRYPT_SEQUENCE} (and KEY). Other blocks (SPA) are skipped; they belong to
 * {@link AccessConfParser}. A missing FW_ACCESS_TIMEOUT becomes 300 s (1.9's code made it 0 = permanent).
 */
final class KnockConfParser {

    static final Duration DEFAULT_ACCESS_TIMEOUT = Duration.ofSeconds(300);

    private KnockConfParser() {
    }

    static List<KnockStanza> parse(List<String> lines, String file) {
        List<KnockStanza> out = new ArrayList<>();
        Block b = null;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int semi = line.lastIndexOf(';');
            String body = semi < 0 ? line : line.substring(0, semi);
            String kw = body.split("[\\s:]", 2)[0].toUpperCase(Locale.ROOT);
            String value = body.substring(Math.min(body.length(), kw.length())).replaceFirst("^\\s*:?\\s*", "").strip();
            String where = file + ":" + (n + 1);
            if (kw.equals("SOURCE")) {
                if (b != null) {
                    b.build().ifPresent(out::add);
                }
                b = new Block(where, value);
            } else if (b != null) {
                b.set(kw, value, where);
            }
        }
        if (b != null) {
            b.build().ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    private static final class Block {
        final String where;
        final Predicate<InetAddress> source;
        boolean encrypt;
        KnockSequence.Shared shared;
        byte[] key;
        int offset = KnockSequence.DEFAULT_PORT_OFFSET;
        Duration interval;
        int limit;
        Duration min;
        Duration max;
        String os;
        Pattern osRegex;
        String user;
        boolean allowZero = true;
        List<PortSpec> open = List.of();
        Duration timeout = DEFAULT_ACCESS_TIMEOUT;

        Block(String where, String sourceText) {
            this.where = where;
            this.source = source(sourceText);
        }

        void set(String kw, String v, String where) {
            try {
                switch (kw) {
                    case "DATA_COLLECT_MODE" -> encrypt = v.toUpperCase(Locale.ROOT).contains("ENCRYPT_SEQUENCE");
                    case "ENCRYPT_SEQUENCE" -> encrypt = true;
                    case "SHARED_SEQUENCE" -> shared = KnockSequence.Shared.parse(v);
                    case "KEY" -> key = v.getBytes(StandardCharsets.ISO_8859_1);
                    case "PORT_OFFSET" -> offset = Integer.parseInt(v);
                    case "KNOCK_INTERVAL" -> interval = Duration.ofSeconds(Long.parseLong(v));
                    case "KNOCK_LIMIT" -> limit = Integer.parseInt(v);
                    case "MIN_TIME_DIFF" -> min = Duration.ofSeconds(Long.parseLong(v));
                    case "MAX_TIME_DIFF" -> max = Duration.ofSeconds(Long.parseLong(v));
                    case "REQUIRE_OS" -> os = v;
                    case "REQUIRE_OS_REGEX" -> osRegex = Pattern.compile(v, Pattern.CASE_INSENSITIVE);
                    case "REQUIRE_USERNAME" -> user = v;
                    case "REQUIRE_SOURCE_ADDRESS" -> allowZero = !v.isEmpty() && !v.toLowerCase(Locale.ROOT).contains("y")
                            && (v.toLowerCase(Locale.ROOT).contains("n") || v.contains("0.0.0.0"));
                    case "OPEN_PORTS" -> open = KnockSequence.Shared.parse(v).knocks();
                    case "FW_ACCESS_TIMEOUT", "MAX_ACCESS_TIMEOUT" -> {
                        long s = Long.parseLong(v);
                        timeout = s > 0 ? Duration.ofSeconds(s) : DEFAULT_ACCESS_TIMEOUT;
                    }
                    default -> {
                        // SPA keywords: not ours
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid " + kw + " at " + where + ": " + e.getMessage(), e);
            }
        }

        java.util.Optional<KnockStanza> build() {
            if (shared == null && !encrypt) {
                return java.util.Optional.empty();
            }
            if (encrypt && (key == null || key.length == 0)) {
                throw new IllegalArgumentException("ENCRYPT_SEQUENCE stanza at " + where + " has no KEY");
            }
            KnockSequence seq = shared != null ? shared : new KnockSequence.Encrypted(key, offset);
            return java.util.Optional.of(new KnockStanza(where, source, seq, interval, limit, min, max, os, osRegex,
                    user, allowZero, open, timeout));
        }

        private static Predicate<InetAddress> source(String text) {
            String t = text.strip();
            if (t.equalsIgnoreCase("ANY")) {
                return a -> true;
            }
            if (t.equalsIgnoreCase("NONE")) {
                return a -> false;
            }
            List<AddressRange> include = new ArrayList<>();
            List<AddressRange> exclude = new ArrayList<>();
            for (String part : t.split(",")) {
                String p = part.strip();
                if (p.isEmpty()) {
                    continue;
                }
                if (p.startsWith("!")) {
                    exclude.add(AddressRange.parse(p.substring(1).strip()));
                } else {
                    include.add(AddressRange.parse(p));
                }
            }
            return a -> exclude.stream().noneMatch(r -> r.matches(a)) && include.stream().anyMatch(r -> r.matches(a));
        }
    }
}
