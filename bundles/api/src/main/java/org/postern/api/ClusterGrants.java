package org.postern.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The live grants of every gateway of a cluster; provided by the cluster bundle, used by the shell. */
@ProviderType
public interface ClusterGrants {

    /** This gateway's name in the cluster. */
    String localGateway();

    /** The live grants of every gateway, as each last published them (within about a second), soonest expiry first. */
    List<GatewayGrant> grants();

    /**
     * Asks {@code gateway} to close its grant {@code id} now and waits (bounded) for its answer; empty when that
     * gateway has no such grant or does not answer in time.
     */
    Optional<GatewayGrant> revoke(String gateway, String id);
}
