package org.postern.firewall.cmdcycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A command template of a command cycle, turned into an argument vector the way fwknopd 2.6.10 runs external
 * commands without a shell: split on blanks into at most 30 words; then (Postern) each word's variables are
 * expanded, so a value can never add or split arguments.
 */
final class CycleCommand {

    /** fwknopd's MAX_CMDLINE_ARGS. */
    static final int MAX_WORDS = 30;

    /** The variables, longest first so that no name is mistaken for the start of a longer one. */
    static final List<String> NAMES = List.of("CLIENT_TIMEOUT", "NAT_PORT", "PKT_SRC", "TIMEOUT", "NAT_IP", "PROTO",
            "PORT", "SRC", "DST", "IP");

    private final List<String> words;

    private CycleCommand(List<String> words) {
        this.words = words;
    }

    /**
     * Splits a template.
     *
     * @throws IllegalArgumentException when it is empty or has more than {@value #MAX_WORDS} words
     */
    static CycleCommand parse(String template) {
        String t = template == null ? "" : template.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        List<String> words = List.of(t.split("\\s+"));
        if (words.size() > MAX_WORDS) {
            throw new IllegalArgumentException("more than " + MAX_WORDS + " words: " + template);
        }
        return new CycleCommand(words);
    }

    /** The argument vector with {@code $NAME} replaced by its value; unknown {@code $...} stays as written. */
    List<String> argv(Map<String, String> values) {
        List<String> out = new ArrayList<>(words.size());
        for (String w : words) {
            out.add(expand(w, values));
        }
        return out;
    }

    static String expand(String word, Map<String, String> values) {
        StringBuilder out = new StringBuilder(word.length());
        int i = 0;
        while (i < word.length()) {
            char c = word.charAt(i);
            if (c == '$') {
                String name = nameAt(word, i + 1);
                if (name != null && values.containsKey(name)) {
                    out.append(values.get(name));
                    i += 1 + name.length();
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static String nameAt(String word, int from) {
        for (String name : NAMES) {
            if (word.startsWith(name, from)) {
                return name;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return String.join(" ", words);
    }
}
