package org.postern.server;

/** A configuration error, always naming the file, the line and the keyword. */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfigException(String file, int line, String keyword, String problem) {
        super(file + ":" + line + ": " + keyword + ": " + problem);
    }

    public ConfigException(String message) {
        super(message);
    }
}
