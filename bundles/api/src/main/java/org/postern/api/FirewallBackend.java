package org.postern.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens and closes holes in one kind of firewall. Registered as a service with the property
 * {@code backend=<name>} (and optionally {@code service.ranking}); the server uses the best-ranked one
 * its configuration selects and swaps to a better one live.
 *
 * <p>Contract: a backend keeps no state that the firewall itself does not hold, so a restarted daemon
 * can reconcile from {@link #list()}. Calls may come from several threads; implementations serialize
 * their access to the firewall. {@link #grant} and {@link #revoke} are idempotent.
 */
@ConsumerType
public interface FirewallBackend {

    /** The service property naming the backend kind. */
    String BACKEND_PROPERTY = "backend";

    /** The backend kind: {@code iptables}, {@code nftables}, ... */
    String name();

    /** Opens what the grant describes; on failure nothing of it stays applied. */
    void grant(AccessGrant grant) throws FirewallException;

    /** Closes what the grant opened; a rule already gone is not an error. */
    void revoke(AccessGrant grant) throws FirewallException;

    /** The backend's live rules as it renders them, one line each (for operators). */
    List<String> list() throws FirewallException;

    /** Removes every rule this backend manages. */
    void flush() throws FirewallException;

    /**
     * The openings this backend finds in the firewall with their expiry, as grants: rules or elements an
     * earlier run left behind (after a crash, or kept because the backend does not flush at start). The
     * server adopts them when the backend comes into force, so it closes each when it is due and moves
     * them along on a backend swap. A grant's {@code id} here is the backend's own; the server assigns its
     * own ids. Openings without a recorded expiry are not reported. The default reports none.
     */
    default List<AccessGrant> liveGrants() throws FirewallException {
        return List.of();
    }
}
