package org.postern.api;

/** A live grant held by one gateway of a cluster, named by the gateway's cluster name. */
public record GatewayGrant(String gateway, AccessGrant grant) {

    /** The id the shell shows and {@code spa:revoke} takes for it: {@code <gateway>/<grant id>}. */
    public String qualifiedId() {
        return gateway + "/" + grant.id();
    }
}
