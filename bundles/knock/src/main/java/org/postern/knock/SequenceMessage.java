package org.postern.knock;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.postern.api.Protocol;

/**
 * The plaintext of a 1.9 encrypted knock sequence: allow address (4 bytes), port (2, big-endian), protocol number,
 * checksum (sum of bytes 0..6 mod 256), then the username up to a NUL or the end.
 */
record SequenceMessage(InetAddress allow, int port, Protocol protocol, String username) {

    /** Why a plaintext is not a sequence message. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    static SequenceMessage parse(byte[] plain) throws Invalid {
        if (plain.length < 8) {
            throw new Invalid("plaintext shorter than 8 bytes");
        }
        Protocol proto = switch (plain[6] & 0xff) {
            case 6 -> Protocol.TCP;
            case 17 -> Protocol.UDP;
            case 1 -> Protocol.ICMP;
            default -> throw new Invalid("protocol byte is not 6, 17 or 1");
        };
        int sum = 0;
        for (int i = 0; i < 7; i++) {
            sum += plain[i] & 0xff;
        }
        if ((sum & 0xff) != (plain[7] & 0xff)) {
            throw new Invalid("checksum mismatch");
        }
        int end = 8;
        while (end < plain.length && plain[end] != 0) {
            end++;
        }
        try {
            return new SequenceMessage(InetAddress.getByAddress(Arrays.copyOf(plain, 4)),
                    ((plain[4] & 0xff) << 8) | (plain[5] & 0xff), proto,
                    new String(plain, 8, end - 8, StandardCharsets.ISO_8859_1));
        } catch (UnknownHostException e) {
            throw new Invalid("bad address");
        }
    }

    /** The client's plaintext (1.9 {@code encrypt_sequence}): username cut to 23 characters. */
    static byte[] encode(InetAddress allow, int port, Protocol protocol, String username) {
        byte[] user = username.getBytes(StandardCharsets.ISO_8859_1);
        int userLen = Math.min(user.length, 23);
        byte[] out = new byte[8 + userLen];
        System.arraycopy(allow.getAddress(), 0, out, 0, 4);
        out[4] = (byte) (port >> 8);
        out[5] = (byte) port;
        out[6] = (byte) protocol.number();
        int sum = 0;
        for (int i = 0; i < 7; i++) {
            sum += out[i] & 0xff;
        }
        out[7] = (byte) sum;
        System.arraycopy(user, 0, out, 8, userLen);
        return out;
    }
}
