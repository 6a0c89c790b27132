package org.postern.knock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.postern.api.SynSignature;

/**
 * fwknop 1.9's passive OS fingerprinting: pf.os (p0f v1) signatures {@code WSS:TTL:DF:LEN:OPTS:} followed by the
 * OS string (the rest of the line), matched against a SYN as {@code fwknopd}'s {@code p0f} sub does.
 */
final class PassiveOsFingerprint {

    /** 1.9's MAX_HOPS default. */
    static final int DEFAULT_MAX_HOPS = 20;

    record Signature(String wss, int ttl, String df, String len, List<String> options, String os) {
    }

    private final List<Signature> signatures;
    private final int maxHops;

    PassiveOsFingerprint(List<Signature> signatures, int maxHops) {
        this.signatures = List.copyOf(signatures);
        this.maxHops = maxHops;
    }

    /** The signatures shipped in the bundle ({@code pf.os} resource). */
    static PassiveOsFingerprint bundled(int maxHops) {
        try (InputStream in = PassiveOsFingerprint.class.getResourceAsStream("pf.os")) {
            if (in == null) {
                throw new IllegalStateException("pf.os resource missing");
            }
            return new PassiveOsFingerprint(parse(new InputStreamReader(in, StandardCharsets.US_ASCII)), maxHops);
        } catch (IOException e) {
            throw new IllegalStateException("pf.os resource unreadable", e);
        }
    }

    /** Parses pf.os lines; comments, blank lines, malformed lines and WSS containing T are skipped. */
    static List<Signature> parse(Reader reader) throws IOException {
        List<Signature> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(reader);
        String line;
        for (int n = 0; n < 100_000 && (line = r.readLine()) != null; n++) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] f = t.split(":", 6);
            if (f.length < 6 || f[0].contains("T") || f[0].contains("t")) {
                continue;
            }
            int ttl;
            try {
                ttl = Integer.parseInt(f[1].trim());
            } catch (NumberFormatException e) {
                continue;
            }
            List<String> opts = new ArrayList<>();
            for (String o : f[4].split(",")) {
                if (!o.isBlank() && !o.equals(".")) {
                    opts.add(o.trim());
                }
            }
            String os = f[5].strip();
            if (!os.isEmpty()) {
                out.add(new Signature(f[0].trim(), ttl, f[2].trim(), f[3].trim(), opts, os));
            }
        }
        return out;
    }

    /** The OS strings whose signatures match the SYN, in file order. */
    Set<String> guess(SynSignature syn) {
        Set<String> out = new LinkedHashSet<>();
        for (Signature s : signatures) {
            if (matches(s, syn)) {
                out.add(s.os());
            }
        }
        return out;
    }

    int size() {
        return signatures.size();
    }

    private boolean matches(Signature s, SynSignature syn) {
        if (!numberMatches(s.len(), syn.totalLength())) {
            return false;
        }
        if (!s.df().equals("*") && !s.df().equals(syn.dontFragment() ? "1" : "0")) {
            return false;
        }
        if (!(s.ttl() - maxHops < syn.ttl() && syn.ttl() <= s.ttl())) {
            return false;
        }
        if (!wssMatches(s.wss(), syn)) {
            return false;
        }
        List<String> opts = syn.options();
        if (opts.size() < s.options().size()) {
            return false;
        }
        for (int i = 0; i < s.options().size(); i++) {
            if (!optionMatches(s.options().get(i), opts.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean wssMatches(String wss, SynSignature syn) {
        if (wss.startsWith("S")) {
            if (syn.options().isEmpty() || !syn.options().get(0).startsWith("M")) {
                return false;
            }
            try {
                long mss = Long.parseLong(syn.options().get(0).substring(1));
                return mss * Long.parseLong(wss.substring(1)) == syn.window();
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return numberMatches(wss, syn.window());
    }

    private static boolean numberMatches(String spec, long value) {
        if (spec.equals("*")) {
            return true;
        }
        try {
            if (spec.startsWith("%")) {
                long m = Long.parseLong(spec.substring(1));
                return m != 0 && value % m == 0;
            }
            return Long.parseLong(spec) == value;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean optionMatches(String sig, String pkt) {
        char kind = sig.charAt(0);
        if (pkt.isEmpty() || pkt.charAt(0) != kind) {
            return false;
        }
        switch (kind) {
            case 'N', 'S':
                return true;
            case 'T':
                return !sig.equals("T0") || pkt.equals("T0");
            case 'M', 'W':
                String v = sig.substring(1);
                if (v.equals("*")) {
                    return true;
                }
                try {
                    return numberMatches(v, Long.parseLong(pkt.substring(1)));
                } catch (NumberFormatException e) {
                    return false;
                }
            default:
                return false;
        }
    }

    /**
     * Decodes TCP option bytes into p0f notation as 1.9's {@code parse_tcp_options} does: NOP, MSS, window scale,
     * SACK-permitted and timestamp are kept, other options skipped, EOL stops, a length of 0 or 1 aborts.
     */
    static List<String> decodeOptions(byte[] b, int from, int to) {
        List<String> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            int kind = b[i] & 0xff;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                out.add("N");
                i++;
                continue;
            }
            if (i + 1 >= to) {
                break;
            }
            int len = b[i + 1] & 0xff;
            if (len < 2 || i + len > to) {
                break;
            }
            switch (kind) {
                case 2 -> out.add("M" + (len >= 4 ? ((b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff)) : 0));
                case 3 -> out.add("W" + (len >= 3 ? (b[i + 2] & 0xff) : 0));
                case 4 -> out.add("S");
                case 8 -> {
                    long tsval = 0;
                    for (int k = 0; k < 4 && i + 2 + k < i + len; k++) {
                        tsval = tsval << 8 | (b[i + 2 + k] & 0xff);
                    }
                    out.add(tsval == 0 ? "T0" : "T");
                }
                default -> {
                }
            }
            i += len;
        }
        return out;
    }
}
