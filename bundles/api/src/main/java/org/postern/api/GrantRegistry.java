package org.postern.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The live grants of this daemon and their expiry; provided by the server, used by the shell. */
@ProviderType
public interface GrantRegistry {

    /** The live grants, soonest expiry first. */
    List<AccessGrant> grants();

    /** Closes a live grant now; empty when no grant has that id. */
    Optional<AccessGrant> revoke(String id);
}
