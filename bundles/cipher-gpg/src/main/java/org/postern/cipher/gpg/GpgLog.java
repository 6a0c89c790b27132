package org.postern.cipher.gpg;

/**
 * slf4j when it is there (the daemon, inside Karaf), nothing otherwise: the fwknop client runs this cipher on a
 * plain class path without a logging library, and reports its failures as exceptions anyway.
 */
final class GpgLog {

    private static final boolean SLF4J = available();

    private GpgLog() {
    }

    private static boolean available() {
        try {
            Class.forName("org.slf4j.LoggerFactory", false, GpgLog.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static void info(String format, Object... args) {
        if (SLF4J) {
            Slf4j.LOG.info(format, args);
        }
    }

    static void warn(String format, Object... args) {
        if (SLF4J) {
            Slf4j.LOG.warn(format, args);
        }
    }

    static void debug(String format, Object... args) {
        if (SLF4J) {
            Slf4j.LOG.debug(format, args);
        }
    }

    /** Loaded only when slf4j is there. */
    private static final class Slf4j {
        static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GpgCipher.class);
    }
}
