package org.postern.api;

/** A firewall backend could not apply or remove a rule; the message names the command and its output. */
public class FirewallException extends Exception {

    private static final long serialVersionUID = 1L;

    public FirewallException(String message) {
        super(message);
    }

    public FirewallException(String message, Throwable cause) {
        super(message, cause);
    }
}
