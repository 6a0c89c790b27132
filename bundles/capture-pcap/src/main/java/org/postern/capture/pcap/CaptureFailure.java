package org.postern.capture.pcap;

/** Opening or reading a capture handle failed; the capture loop logs it, goes FAILED and reopens later. */
final class CaptureFailure extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean interfaceMissing;

    CaptureFailure(String message, Throwable cause) {
        super(message, cause);
        this.interfaceMissing = false;
    }

    private CaptureFailure(String message, boolean interfaceMissing) {
        super(message);
        this.interfaceMissing = interfaceMissing;
    }

    static CaptureFailure interfaceMissing(String interfaceName) {
        return new CaptureFailure("interface " + interfaceName + " does not exist", true);
    }

    /** The interface is absent (for now): cheap to retry often, as it leaks nothing. */
    boolean isInterfaceMissing() {
        return interfaceMissing;
    }
}
