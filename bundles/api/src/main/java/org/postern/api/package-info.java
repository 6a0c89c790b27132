/**
 * Postern's extension points and the value types that cross them.
 *
 * <p>Capture sources push {@link org.postern.api.CapturedPacket}s into a {@link org.postern.api.PacketSink};
 * the server's pipeline decrypts them with a {@link org.postern.api.SpaCipher}, checks them against its
 * access stanzas and opens the firewall through a {@link org.postern.api.FirewallBackend}. Every packet
 * that is refused is refused for one {@link org.postern.api.RefusalReason}.
 *
 * <p>This package is plain Java: it imports nothing from OSGi at run time, so the codec and the client
 * can use it outside a framework.
 */
@Export
@Version("1.5.0")
package org.postern.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
