package org.postern.capture.pcapfile;

/** Decides which recorded frames are looked at: a BPF program, or everything. */
interface RecordFilter extends AutoCloseable {

    /** Lets every frame through: no libpcap needed. */
    RecordFilter ALL = new RecordFilter() {
        @Override
        public boolean accepts(byte[] frame, int originalLength) {
            return true;
        }

        @Override
        public void close() {
        }
    };

    /** Whether the frame (its captured bytes, and its length on the wire) passes. */
    boolean accepts(byte[] frame, int originalLength);

    /** Releases the program; never throws. */
    @Override
    void close();

    /** Compiles a filter for frames of one link type. */
    @FunctionalInterface
    interface Compiler {
        /**
         * @throws FilterException the expression does not compile, or libpcap is unusable
         */
        RecordFilter compile(String expression, int linkType, int snapLength) throws FilterException;
    }

    /** A filter that cannot be used: a configuration problem, not a passing one. */
    final class FilterException extends Exception {
        private static final long serialVersionUID = 1L;

        FilterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
