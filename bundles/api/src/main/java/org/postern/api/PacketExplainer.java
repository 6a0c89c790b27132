package org.postern.api;

import java.net.InetAddress;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Decodes a packet against the access stanzas in force without acting on it ({@code spa:explain}): no digest is
 * recorded, no firewall rule added, no command run. Provided by the server. Threading: thread-safe.
 * @since 1.4
 */
@ProviderType
public interface PacketExplainer {

    /**
     * The verdict of each pipeline step on the packet, in the order the daemon takes them.
     *
     * @param wirePacket  the packet as sent (base64 text, as {@code fwknop --save-packet} or {@code -T -v} shows it)
     * @param source      the address it is supposed to come from
     * @param destination the address it is supposed to be sent to (the gateway), or null for any
     */
    List<ExplainStep> explain(String wirePacket, InetAddress source, InetAddress destination);

    /**
     * One step's verdict.
     *
     * @param step    the pipeline step
     * @param stanza  the stanza it concerns, or empty for the packet as a whole
     * @param passed  whether the packet got past this step
     * @param reason  the refusal reason when not passed, else null
     * @param detail  what was decided, for a human
     */
    record ExplainStep(RefusalReason.Step step, String stanza, boolean passed, RefusalReason reason, String detail) {
    }
}
