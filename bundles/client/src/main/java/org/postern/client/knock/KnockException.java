package org.postern.client.knock;

/**
 * Why a knock could not be built or sent, in one line fit for {@code fwknop: <reason>}. The text never
 * contains key material.
 */
public class KnockException extends Exception {

    private static final long serialVersionUID = 1L;

    public KnockException(String reason) {
        super(reason);
    }

    public KnockException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
