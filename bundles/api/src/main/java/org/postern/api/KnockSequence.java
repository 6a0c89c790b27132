package org.postern.api;

import java.util.List;

/** The sequence a knock stanza waits for: a shared list of knocks, or a sequence encrypted with a key. */
public sealed interface KnockSequence {

    /** 1.9's PORT_OFFSET default. */
    int DEFAULT_PORT_OFFSET = 61000;

    /**
     * SHARED_SEQUENCE: the knocks in order. An {@link Protocol#ICMP} element (port 0) matches any ICMP packet.
     */
    record Shared(List<PortSpec> knocks) implements KnockSequence {
        public Shared {
            knocks = List.copyOf(knocks);
            if (knocks.isEmpty()) {
                throw new IllegalArgumentException("empty SHARED_SEQUENCE");
            }
        }

        /**
         * Parses a SHARED_SEQUENCE value such as {@code tcp/1001, udp/1002, icmp}: {@code icmp} alone (or
         * {@code icmp/0}) is an ICMP knock, port 0.
         *
         * @throws IllegalArgumentException naming the element that is not {@code tcp/N}, {@code udp/N} or
         *                                  {@code icmp}
         */
        public static Shared parse(String text) {
            java.util.List<PortSpec> out = new java.util.ArrayList<>();
            for (String part : text.split(",")) {
                String t = part.trim();
                if (t.isEmpty()) {
                    continue;
                }
                if (t.equalsIgnoreCase("icmp") || t.equalsIgnoreCase("icmp/0")) {
                    out.add(new PortSpec(Protocol.ICMP, 0));
                } else {
                    PortSpec p = PortSpec.parse(t);
                    if (p.protocol() == Protocol.ICMP) {
                        throw new IllegalArgumentException("an ICMP knock has no port: '" + t + "'");
                    }
                    out.add(p);
                }
            }
            return new Shared(out);
        }
    }

    /**
     * ENCRYPT_SEQUENCE: 32 knocks on ports {@code portOffset + ciphertext byte}, the ciphertext being the
     * Crypt::CBC 2.29 encryption of allow address, port, protocol, checksum and user with the KEY passphrase.
     *
     * @param key        the KEY passphrase bytes as written (padding with '0' to 16 is the decoder's job)
     * @param portOffset PORT_OFFSET (1.9 default 61000); the window is offset..offset+255
     */
    record Encrypted(byte[] key, int portOffset) implements KnockSequence {
        public Encrypted {
            key = key.clone();
            if (key.length == 0) {
                throw new IllegalArgumentException("empty KEY");
            }
            if (portOffset <= 0 || portOffset + 255 > 65535) {
                throw new IllegalArgumentException("PORT_OFFSET out of range: " + portOffset);
            }
        }

        @Override
        public byte[] key() {
            return key.clone();
        }

        @Override
        public String toString() {
            return "Encrypted[portOffset=" + portOffset + "]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Encrypted e && e.portOffset == portOffset && java.util.Arrays.equals(e.key, key);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(key) + portOffset;
        }
    }
}
