package org.postern.api;

import java.util.Map;

/**
 * An access stanza as the daemon holds it, for display: its name, where it was defined, and its
 * settings with key values masked.
 *
 * @param name     the stanza's name ({@code access.conf:12} or the native configuration's name)
 * @param origin   where it was read from ({@code /etc/fwknop/access.conf:12}, or {@code org.postern.stanza~web})
 * @param settings keyword to value, in definition order, with KEY and HMAC_KEY values masked
 * @param sources  keyword to where its value came from ({@code file:line}, or the configuration PID and its
 *                 {@code .cfg} file:line); empty when not known (since 1.3)
 */
public record AccessStanzaView(String name, String origin, Map<String, String> settings, Map<String, String> sources) {

    public AccessStanzaView {
        sources = sources == null ? Map.of() : sources;
    }

    /** A view without per-setting origins. */
    public AccessStanzaView(String name, String origin, Map<String, String> settings) {
        this(name, origin, settings, Map.of());
    }
}
