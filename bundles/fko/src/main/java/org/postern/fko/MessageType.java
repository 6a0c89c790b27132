package org.postern.fko;

/** libfko's message types, with their numbers on the wire. */
public enum MessageType {
    COMMAND(0, false, false),
    ACCESS(1, false, false),
    NAT_ACCESS(2, true, false),
    CLIENT_TIMEOUT_ACCESS(3, false, true),
    CLIENT_TIMEOUT_NAT_ACCESS(4, true, true),
    LOCAL_NAT_ACCESS(5, true, false),
    CLIENT_TIMEOUT_LOCAL_NAT_ACCESS(6, true, true);

    private final int code;
    private final boolean nat;
    private final boolean timeout;

    MessageType(int code, boolean nat, boolean timeout) {
        this.code = code;
        this.nat = nat;
        this.timeout = timeout;
    }

    public int code() {
        return code;
    }

    /** Whether a nat_access field follows the message. */
    public boolean hasNatAccess() {
        return nat;
    }

    /** Whether a client_timeout field ends the message. */
    public boolean hasClientTimeout() {
        return timeout;
    }

    /** Whether this is a local NAT type (5 or 6). */
    public boolean isLocalNat() {
        return this == LOCAL_NAT_ACCESS || this == CLIENT_TIMEOUT_LOCAL_NAT_ACCESS;
    }

    /** The maximum number of ':' separators from the type field on (digest removed), as libfko checks. */
    int maxFieldSeparators() {
        return switch (this) {
            case COMMAND, ACCESS -> 2;
            case NAT_ACCESS, CLIENT_TIMEOUT_ACCESS, LOCAL_NAT_ACCESS -> 3;
            case CLIENT_TIMEOUT_NAT_ACCESS, CLIENT_TIMEOUT_LOCAL_NAT_ACCESS -> 4;
        };
    }

    /** The type libfko settles on for this base type, given a client timeout and NAT access. */
    public MessageType promote(int clientTimeout, boolean withNat) {
        boolean t = clientTimeout > 0;
        return switch (this) {
            case COMMAND -> COMMAND;
            case LOCAL_NAT_ACCESS, CLIENT_TIMEOUT_LOCAL_NAT_ACCESS -> t ? CLIENT_TIMEOUT_LOCAL_NAT_ACCESS : LOCAL_NAT_ACCESS;
            default -> withNat || nat
                    ? (t ? CLIENT_TIMEOUT_NAT_ACCESS : NAT_ACCESS)
                    : (t ? CLIENT_TIMEOUT_ACCESS : ACCESS);
        };
    }

    private static final MessageType[] BY_CODE = values();

    /** The type with this wire number, or null. */
    public static MessageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
