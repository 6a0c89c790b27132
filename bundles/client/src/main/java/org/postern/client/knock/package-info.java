/**
 * The fwknop client as a library: {@link org.postern.client.knock.KnockOptions} holds what one fwknop
 * invocation asks for (the same settings as the command line and {@code ~/.fwknoprc}),
 * {@link org.postern.client.knock.Knock#seal} turns them into one encrypted, authenticated SPA packet with
 * fwknop 2.6.10's rules, and {@link org.postern.client.knock.KnockSender} sends it over UDP, TCP or HTTP as
 * fwknop does. Plain Java: nothing here needs OSGi at run time.
 */
@Export
@Version("1.0.0")
package org.postern.client.knock;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
