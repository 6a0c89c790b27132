package org.postern.fko;

import java.security.SecureRandom;
import java.util.List;
import java.util.StringJoiner;

/**
 * Builds a valid {@link SpaMessage} the way libfko does on the client: random value, type promotion for
 * client timeouts and NAT, and every field checked before anything is encrypted.
 */
public final class SpaMessageBuilder {

    private static final SecureRandom RANDOM = new SecureRandom();

    private String username = "NO_USER";
    private long timestamp = System.currentTimeMillis() / 1000;
    private String version = SpaMessage.PROTOCOL_VERSION;
    private MessageType type = MessageType.ACCESS;
    private String allowIp;
    private String access;
    private String command;
    private String natAccess;
    private String serverAuth;
    private int clientTimeout;
    private DigestType digestType = DigestType.SHA256;
    private String random;
    private boolean ipv6;

    public SpaMessageBuilder username(String u) {
        this.username = u;
        return this;
    }

    public SpaMessageBuilder timestamp(long epochSeconds) {
        this.timestamp = epochSeconds;
        return this;
    }

    public SpaMessageBuilder version(String v) {
        this.version = v;
        return this;
    }

    public SpaMessageBuilder allowIp(String ip) {
        this.allowIp = ip;
        return this;
    }

    /**
     * Permits an IPv6 literal as the allow address (Postern extension, off by default). Only a Postern
     * daemon understands such a message: fwknop 2.6.10 refuses it, so never enable this for a fwknop peer.
     */
    public SpaMessageBuilder allowIpv6(boolean permit) {
        this.ipv6 = permit;
        return this;
    }

    /** The access list, {@code tcp/22} or {@code tcp/22,udp/53}. */
    public SpaMessageBuilder access(String protoPorts) {
        this.access = protoPorts;
        return this;
    }

    public SpaMessageBuilder access(List<String> protoPorts) {
        StringJoiner j = new StringJoiner(",");
        protoPorts.forEach(j::add);
        this.access = j.toString();
        return this;
    }

    /** Makes this a command message. */
    public SpaMessageBuilder command(String cmd) {
        this.command = cmd;
        return this;
    }

    /** NAT access {@code host,port} (the client's {@code -N host:port}). */
    public SpaMessageBuilder natAccess(String hostCommaPort) {
        this.natAccess = hostCommaPort;
        return this;
    }

    /** Local NAT (the client's {@code --nat-local}). */
    public SpaMessageBuilder localNat(String hostCommaPort) {
        this.natAccess = hostCommaPort;
        this.type = MessageType.LOCAL_NAT_ACCESS;
        return this;
    }

    public SpaMessageBuilder serverAuth(String auth) {
        this.serverAuth = auth;
        return this;
    }

    public SpaMessageBuilder clientTimeout(int seconds) {
        this.clientTimeout = seconds;
        return this;
    }

    public SpaMessageBuilder digestType(DigestType t) {
        this.digestType = t;
        return this;
    }

    /** Fixes the random value (tests and vectors); otherwise 16 random digits. */
    public SpaMessageBuilder random(String sixteenDigits) {
        this.random = sixteenDigits;
        return this;
    }

    /**
     * @throws IllegalArgumentException naming the field that libfko would refuse
     */
    public SpaMessage build() {
        if (allowIp == null) {
            throw new IllegalArgumentException("an allow IP is required (-a, -s or -R)");
        }
        if (!ipv6 && allowIp.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an IPv6 allow address needs allowIpv6(true): fwknop peers refuse it");
        }
        if (clientTimeout < 0 || clientTimeout > 131072) {
            throw new IllegalArgumentException("client timeout must be 0..131072");
        }
        String err = MessageRules.checkUsername(username);
        if (err != null) {
            throw new IllegalArgumentException(err);
        }
        MessageType t;
        String message;
        if (command != null) {
            t = MessageType.COMMAND;
            message = allowIp + "," + command;
            err = MessageRules.checkCommandMessage(message, ipv6);
        } else {
            if (access == null || access.isEmpty()) {
                throw new IllegalArgumentException("an access list (-A proto/port) is required");
            }
            t = type.promote(clientTimeout, natAccess != null);
            message = allowIp + "," + access;
            err = MessageRules.checkAccessMessage(message, ipv6);
        }
        if (err != null) {
            throw new IllegalArgumentException(err);
        }
        if (t.hasNatAccess()) {
            err = MessageRules.checkNatAccess(natAccess);
            if (err != null) {
                throw new IllegalArgumentException(err);
            }
        }
        String rand = random != null ? random : randomValue();
        if (rand.length() != 16 || !rand.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("random value must be 16 digits");
        }
        return new SpaMessage(rand, username, timestamp, version, t, message, t.hasNatAccess() ? natAccess : null,
                serverAuth, t.hasClientTimeout() ? clientTimeout : 0, digestType);
    }

    /** 16 random decimal digits, as libfko makes them. */
    public static String randomValue() {
        StringBuilder sb = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            sb.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return sb.toString();
    }
}
