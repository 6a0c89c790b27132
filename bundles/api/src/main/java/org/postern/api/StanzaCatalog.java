package org.postern.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The access stanzas in force, in trial order; provided by the server, used by the shell. */
@ProviderType
public interface StanzaCatalog {

    List<AccessStanzaView> stanzas();
}
