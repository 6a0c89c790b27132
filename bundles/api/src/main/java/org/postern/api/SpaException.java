package org.postern.api;

import java.util.Objects;

/**
 * Why an SPA packet (or a message being built) was refused. Carries exactly one {@link RefusalReason};
 * the detail text never contains key material. Stack traces are not recorded: these are expected
 * outcomes of hostile input, not bugs.
 */
public class SpaException extends Exception {

    private static final long serialVersionUID = 1L;

    private final RefusalReason reason;

    public SpaException(RefusalReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RefusalReason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return reason + ": " + getMessage();
    }
}
