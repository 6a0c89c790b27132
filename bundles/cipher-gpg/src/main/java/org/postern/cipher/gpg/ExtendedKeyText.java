package org.postern.cipher.gpg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites what Bouncy Castle's S-expression reader gets wrong in gpg-agent's extended key format before it
 * reads it. GnuPG prints a byte string in the most readable form that holds it: {@code #hex#}, a token, a
 * quoted string with C escapes ({@code "8\t\xb3..."}) or {@code |base64|}. The salt (8 random bytes) and the
 * nonce (12 or 16) of an {@code openpgp-s2k3-*} protection sometimes come out as quoted strings or tokens
 * (about one key in six); Bouncy Castle 1.83 keeps those as strings, escapes not decoded, and fails with a
 * ClassCastException when it asks for their bytes. This class turns the salt, the nonce and the protected
 * data of {@code (protected openpgp-s2k3-... ((HASH SALT COUNT) NONCE) DATA)} back into {@code #hex#} with
 * GnuPG's escapes decoded; everything else is left as is. The file is handled as ISO-8859-1 text so that every
 * byte maps to one char and back unchanged.
 */
final class ExtendedKeyText {

    private static final Pattern PROTECTED = Pattern.compile("\\(protected\\s+openpgp-s2k3-[A-Za-z0-9-]+");

    private final String text;
    private final StringBuilder out = new StringBuilder();
    private int pos;

    private ExtendedKeyText(String text, int pos) {
        this.text = text;
        this.pos = pos;
        out.append(text, 0, pos);
    }

    /** The file with the protection's byte strings as hex; the same bytes when there is nothing to rewrite. */
    static byte[] saltAsHex(byte[] file) {
        String text = new String(file, StandardCharsets.ISO_8859_1);
        Matcher m = PROTECTED.matcher(text);
        if (!m.find()) {
            return file;
        }
        ExtendedKeyText t = new ExtendedKeyText(text, m.end());
        try {
            t.expect('(');
            t.expect('(');
            t.copyValue(); // the hash name
            t.hexValue(); // salt
            t.copyValue(); // count
            t.expect(')');
            t.hexValue(); // nonce
            t.expect(')');
            t.hexValue(); // the protected data
        } catch (IllegalArgumentException e) {
            return file; // not the shape expected: leave it to the parser to report
        }
        t.out.append(text, t.pos, text.length());
        return t.out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            out.append(text.charAt(pos++));
        }
    }

    private void expect(char c) {
        skipSpace();
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw new IllegalArgumentException("expected " + c);
        }
        out.append(text.charAt(pos++));
    }

    /** Reads one value and returns its bytes; {@code raw[0]} gets the text it was written as. */
    private byte[] value(String[] raw) {
        skipSpace();
        if (pos >= text.length()) {
            throw new IllegalArgumentException("end of text");
        }
        int from = pos;
        char c = text.charAt(pos);
        byte[] bytes;
        if (c == '#' || c == '|') {
            int close = text.indexOf(c, pos + 1);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated " + c);
            }
            String body = text.substring(pos + 1, close).replaceAll("\\s", "");
            bytes = c == '#' ? HexFormat.of().parseHex(body) : Base64.getDecoder().decode(body);
            pos = close + 1;
        } else if (c == '"') {
            int i = pos + 1;
            while (i < text.length() && text.charAt(i) != '"') {
                i += text.charAt(i) == '\\' ? 2 : 1;
            }
            if (i >= text.length()) {
                throw new IllegalArgumentException("unterminated string");
            }
            bytes = unescape(text.substring(pos + 1, i));
            pos = i + 1;
        } else if (c == '(' || c == ')') {
            throw new IllegalArgumentException("expected a value");
        } else {
            while (pos < text.length() && !Character.isWhitespace(text.charAt(pos))
                    && "()#|\"".indexOf(text.charAt(pos)) < 0) {
                pos++;
            }
            bytes = text.substring(from, pos).getBytes(StandardCharsets.ISO_8859_1);
        }
        raw[0] = text.substring(from, pos);
        return bytes;
    }

    private void copyValue() {
        String[] raw = new String[1];
        value(raw);
        out.append(raw[0]);
    }

    private void hexValue() {
        String[] raw = new String[1];
        byte[] bytes = value(raw);
        out.append('#').append(HexFormat.of().withUpperCase().formatHex(bytes)).append('#');
    }

    /** The bytes of a quoted string's body with GnuPG's (libgcrypt's) escapes decoded. */
    static byte[] unescape(String body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length());
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i++);
            if (c != '\\' || i >= body.length()) {
                out.write(c);
                continue;
            }
            char e = body.charAt(i++);
            switch (e) {
                case 'b' -> out.write('\b');
                case 't' -> out.write('\t');
                case 'v' -> out.write(0x0b);
                case 'n' -> out.write('\n');
                case 'f' -> out.write('\f');
                case 'r' -> out.write('\r');
                case '"', '\'', '\\' -> out.write(e);
                case '\r' -> { // a line continuation: backslash, CR, optional LF
                    if (i < body.length() && body.charAt(i) == '\n') {
                        i++;
                    }
                }
                case '\n' -> { // backslash, LF, optional CR
                    if (i < body.length() && body.charAt(i) == '\r') {
                        i++;
                    }
                }
                case 'x' -> {
                    int end = Math.min(i + 2, body.length());
                    out.write(Integer.parseInt(body.substring(i, end), 16));
                    i = end;
                }
                default -> {
                    if (e >= '0' && e <= '7' && i + 1 < body.length()) {
                        out.write(Integer.parseInt(body.substring(i - 1, i + 2), 8) & 0xff);
                        i += 2;
                    } else {
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }
}
