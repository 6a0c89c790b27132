package org.postern.server;

import java.util.ArrayList;
import java.util.List;

import org.postern.api.RefusalReason;
import org.postern.api.SpaException;

/**
 * Splits a command-mode command ({@code fwknop --server-cmd}) into an argument vector the way a user reading
 * it expects, without ever handing it to a shell: words are separated by blanks; {@code '...'} is taken
 * literally; inside {@code "..."} a backslash escapes only {@code "} and {@code \}; outside quotes a backslash
 * takes the next character literally. What a shell would interpret and we cannot honour is refused instead of
 * being passed on in a way the sender did not mean: an unquoted {@code ; & | < > ( ) ` $ * ? [ ] { }}, a
 * leading {@code ~} or {@code #}, control characters (newlines included) anywhere, unbalanced quotes, a
 * trailing backslash and an empty command. The refusal is {@link RefusalReason#COMMAND_NOT_SPLITTABLE}.
 */
final class CommandWords {

    /** Characters a shell would interpret outside quotes. */
    private static final String OPERATORS = ";&|<>()`$*?[]{}";

    private CommandWords() {
    }

    static List<String> split(String command) throws SpaException {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = command.length();
        while (i < n) {
            char c = command.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw refuse(String.format("control character 0x%02x at position %d", (int) c, i));
            }
            if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
                i++;
                continue;
            }
            if (!inWord && (c == '~' || c == '#')) {
                throw refuse("unquoted '" + c + "' at the start of a word at position " + i);
            }
            inWord = true;
            switch (c) {
                case '\'' -> {
                    int end = command.indexOf('\'', i + 1);
                    if (end < 0) {
                        throw refuse("unbalanced single quote at position " + i);
                    }
                    w.append(command, i + 1, end);
                    i = end + 1;
                }
                case '"' -> {
                    int j = i + 1;
                    while (true) {
                        if (j >= n) {
                            throw refuse("unbalanced double quote at position " + i);
                        }
                        char d = command.charAt(j);
                        if (d == '"') {
                            break;
                        }
                        if (d == '\\' && j + 1 < n && (command.charAt(j + 1) == '"' || command.charAt(j + 1) == '\\')) {
                            w.append(command.charAt(j + 1));
                            j += 2;
                        } else {
                            w.append(d);
                            j++;
                        }
                    }
                    i = j + 1;
                }
                case '\\' -> {
                    if (i + 1 >= n) {
                        throw refuse("trailing backslash");
                    }
                    w.append(command.charAt(i + 1));
                    i += 2;
                }
                default -> {
                    if (OPERATORS.indexOf(c) >= 0) {
                        throw refuse("unquoted shell character '" + c + "' at position " + i
                                + " (no shell runs the command: quote it to pass it literally)");
                    }
                    w.append(c);
                    i++;
                }
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        if (words.isEmpty()) {
            throw refuse("empty command");
        }
        return List.copyOf(words);
    }

    private static SpaException refuse(String why) {
        return new SpaException(RefusalReason.COMMAND_NOT_SPLITTABLE, "command cannot be split safely: " + why);
    }
}
