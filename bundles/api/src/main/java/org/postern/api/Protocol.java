package org.postern.api;

import java.util.Locale;

/** An IP protocol as fwknop names it in {@code proto/port} specifications. */
public enum Protocol {
    TCP(6), UDP(17), ICMP(1);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** The IANA protocol number (6, 17, 1), which fwknop puts into its iptables rules. */
    public int number() {
        return number;
    }

    /** The lower-case name used on the wire and in configuration ({@code tcp}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code tcp}, {@code udp} or {@code icmp}, case-insensitively; null when unknown. */
    public static Protocol fromName(String name) {
        for (Protocol p : values()) {
            if (p.name().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        return null;
    }
}
