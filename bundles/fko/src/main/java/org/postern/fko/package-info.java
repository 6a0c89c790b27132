/**
 * The SPA message codec (libfko's job): the plaintext message format of fwknop 2.6.10 and 1.9.x, its
 * digests, the HMAC layer and the wire assembly around a {@link org.postern.api.SpaCipher}. Plain Java,
 * stateless, no OSGi at run time.
 */
@Export
@Version("1.4.0")
package org.postern.fko;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
