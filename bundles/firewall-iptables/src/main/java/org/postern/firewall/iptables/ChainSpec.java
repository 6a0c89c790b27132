package org.postern.firewall.iptables;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One fwknop chain specification, {@code <Target>, <Table>, <From_chain>, <Jump_pos>, <To_chain>, <Rule_pos>}
 * (fwknopd.conf {@code IPT_INPUT_ACCESS} and friends), and the iptables argument lists that manage the
 * chain it names. Argument lists exclude the program and its {@code -w}.
 *
 * @param target       the rule target, {@code ACCEPT}
 * @param table        the table, {@code filter}
 * @param fromChain    the built-in chain that jumps to ours, {@code INPUT}
 * @param jumpPosition where the jump rule is inserted in {@code fromChain} (1 = first)
 * @param toChain      our chain, {@code FWKNOP_INPUT}
 * @param rulePosition parsed for compatibility; fwknop 2.6.10 does not use it either
 */
record ChainSpec(String target, String table, String fromChain, int jumpPosition, String toChain, int rulePosition) {

    /** fwknop's default {@code IPT_INPUT_ACCESS}. */
    static final String DEFAULT_INPUT_ACCESS = "ACCEPT, filter, INPUT, 1, FWKNOP_INPUT, 1";

    /** The comment and source fwknop uses for its comment-match probe rule. */
    static final String PROBE_COMMENT = "__TMPCOMMENT__";
    static final String PROBE_SOURCE = "127.0.0.2";

    /** fwknop's RCHK_MAX_IPT_RULE_NUM. */
    private static final int MAX_RULE_NUMBER = 2 << 15;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_ ,]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,28}");

    ChainSpec {
        requireName("Target", target);
        requireName("Table", table);
        requireName("From_chain", fromChain);
        requireName("To_chain", toChain);
        if (jumpPosition < 1 || jumpPosition > MAX_RULE_NUMBER) {
            throw new IllegalArgumentException("Jump_pos must be 1.." + MAX_RULE_NUMBER + ", not " + jumpPosition);
        }
        if (rulePosition < 0 || rulePosition > MAX_RULE_NUMBER) {
            throw new IllegalArgumentException("Rule_pos must be 0.." + MAX_RULE_NUMBER + ", not " + rulePosition);
        }
    }

    /**
     * Parses a specification the way fwknopd does: blanks are ignored, the characters allowed are
     * {@code [A-Za-z0-9_ ,]}, and there are exactly six comma-separated fields.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    static ChainSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty chain specification");
        }
        if (!ALLOWED.matcher(text).matches()) {
            throw new IllegalArgumentException("only the characters [A-Za-z0-9_ ,] are allowed");
        }
        String[] f = text.replace(" ", "").split(",", -1);
        if (f.length != 6) {
            throw new IllegalArgumentException("expected 6 comma-separated fields "
                    + "<Target>, <Table>, <From_chain>, <Jump_pos>, <To_chain>, <Rule_pos>, found " + f.length);
        }
        return new ChainSpec(f[0], f[1], f[2], number("Jump_pos", f[3]), f[4], number("Rule_pos", f[5]));
    }

    /** {@code -t T -L CH -n}: succeeds when our chain exists. */
    List<String> chainExists() {
        return List.of("-t", table, "-L", toChain, "-n");
    }

    /** {@code -t T -N CH}. */
    List<String> newChain() {
        return List.of("-t", table, "-N", toChain);
    }

    /** {@code -t T -F CH}. */
    List<String> flushChain() {
        return List.of("-t", table, "-F", toChain);
    }

    /** {@code -t T -X CH}. */
    List<String> deleteChain() {
        return List.of("-t", table, "-X", toChain);
    }

    /** {@code -t T -S CH}: our chain's rules in iptables-save syntax. */
    List<String> listRules() {
        return List.of("-t", table, "-S", toChain);
    }

    /** {@code -t T -C FROM -j CH}: succeeds when the jump rule exists. */
    List<String> checkJump() {
        return List.of("-t", table, "-C", fromChain, "-j", toChain);
    }

    /** {@code -t T -I FROM POS -j CH}. */
    List<String> insertJump() {
        return List.of("-t", table, "-I", fromChain, Integer.toString(jumpPosition), "-j", toChain);
    }

    /** {@code -t T -D FROM -j CH} (iptables finds the rule number). */
    List<String> deleteJump() {
        return List.of("-t", table, "-D", fromChain, "-j", toChain);
    }

    /** fwknop's comment-match probe: {@code -t T -I FROM 1 -s 127.0.0.2 -m comment --comment __TMPCOMMENT__ -j TARGET}. */
    List<String> insertCommentProbe() {
        return List.of("-t", table, "-I", fromChain, "1", "-s", PROBE_SOURCE,
                "-m", "comment", "--comment", PROBE_COMMENT, "-j", target);
    }

    /** Removes the probe by its specification (fwknop removes rule number 1, which may race other tools). */
    List<String> deleteCommentProbe() {
        return List.of("-t", table, "-D", fromChain, "-s", PROBE_SOURCE,
                "-m", "comment", "--comment", PROBE_COMMENT, "-j", target);
    }

    private static void requireName(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be 1 to 28 characters of [A-Za-z0-9_], not '"
                    + value + "'");
        }
    }

    private static int number(String field, String digits) {
        if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(field + " must be a number, not '" + digits + "'");
        }
        return Integer.parseInt(digits);
    }
}
