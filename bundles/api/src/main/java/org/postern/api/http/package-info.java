/**
 * fwknop's SPA over HTTP ({@code fwknop -P http}, fwknopd {@code ENABLE_SPA_OVER_HTTP}): the rule that finds the
 * SPA data in an HTTP request, shared by every capture source that may see one (sniffed packets, a TCP
 * listener, an HTTP listener) so they all read requests alike. Plain Java, no OSGi import at run time.
 */
@Export
@Version("1.0.0")
package org.postern.api.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
