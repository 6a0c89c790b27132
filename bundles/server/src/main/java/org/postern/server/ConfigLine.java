package org.postern.server;

/**
 * One {@code KEYWORD value} line of an fwknop configuration file, with where it came from.
 */
record ConfigLine(String file, int line, String keyword, String value) {

    ConfigException error(String problem) {
        return new ConfigException(file, line, keyword, problem);
    }

    String where() {
        return file + ":" + line;
    }

    /** fwknop's booleans: only the first character counts, y or Y is true. */
    boolean bool() {
        return !value.isEmpty() && (value.charAt(0) == 'y' || value.charAt(0) == 'Y');
    }

    int intInRange(int min, int max) throws ConfigException {
        try {
            int v = Integer.parseInt(value.trim());
            if (v < min || v > max) {
                throw error("must be " + min + ".." + max + ", got " + value);
            }
            return v;
        } catch (NumberFormatException e) {
            throw error("not a number: '" + value + "'");
        }
    }
}
