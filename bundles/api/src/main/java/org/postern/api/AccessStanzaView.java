package org.postern.api;

import java.util.Map;

/**
 * An access stanza as the daemon holds it, for display: its name, where it was defined, and its
 * settings with key values masked.
 *
 * @param name     the stanza's name ({@code access.conf:12} or the native configuration's name)
 * @param origin   where it was read from ({@code /etc/fwknop/access.conf:12})
 * @param settings keyword to value, in definition order, with KEY and HMAC_KEY values masked
 */
public record AccessStanzaView(String name, String origin, Map<String, String> settings) {
}
