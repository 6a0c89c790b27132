/**
 * The fwknop client as a library: {@link org.postern.client.knock.KnockOptions} holds what one fwknop
 * invocation asks for (the same settings as the command line and {@code ~/.fwknoprc}),
 * {@link org.postern.client.knock.Knock#seal} turns them into one encrypted, authenticated SPA packet with
 * fwknop 2.6.10's rules, {@link org.postern.client.knock.KnockSender} sends it as fwknop does (UDP, TCP, HTTP
 * directly or through a proxy, and hand-made raw IPv4 packets from {@link org.postern.client.knock.RawPacket}),
 * {@link org.postern.client.knock.ExternalIp} answers {@code -R}, and
 * {@link org.postern.client.knock.FwknopCommandLine} runs the whole fwknop command line (for {@code spa:send}),
 * and {@link org.postern.client.knock.KnockSequence} builds and sends fwknop 1.9's port-knock sequences
 * (encrypted and shared).
 * Plain Java: nothing here needs OSGi at run time.
 */
@Export
@Version("1.2.0")
package org.postern.client.knock;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
