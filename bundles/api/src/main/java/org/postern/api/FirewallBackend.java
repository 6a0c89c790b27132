package org.postern.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * Opens several grants, as {@link #grant} would one after the other, and says which could not be opened.
     * Per-grant semantics: every grant not in the returned map is applied; every grant in it failed and nothing
     * of it stays applied; one grant's failure does not undo another's opening. A backend that can apply many
     * grants in one firewall change (one transaction) overrides this and, when that change fails as a whole,
     * falls back to one grant at a time so that only the grants that cannot be applied fail. The default calls
     * {@link #grant} for each (a RuntimeException counts as that grant's failure). Since 1.5.
     *
     * @param grants the grants, in the order they were requested (distinct ids)
     * @return the grants that failed, each with why, in request order; empty when all were applied
     */
    default Map<AccessGrant, FirewallException> grantAll(List<AccessGrant> grants) {
        return oneByOne(grants, true);
    }

    /**
     * Closes several grants, as {@link #revoke} would one after the other, with the same per-grant semantics as
     * {@link #grantAll}: the grants in the returned map could not be closed (they may still be open), all others
     * are closed. The default calls {@link #revoke} for each. Since 1.5.
     *
     * @return the grants that could not be closed, each with why; empty when all were closed
     */
    default Map<AccessGrant, FirewallException> revokeAll(List<AccessGrant> grants) {
        return oneByOne(grants, false);
    }

    /** {@link #grant} (open) or {@link #revoke} each grant, collecting the failures in request order. */
    private Map<AccessGrant, FirewallException> oneByOne(List<AccessGrant> grants, boolean open) {
        Map<AccessGrant, FirewallException> failed = new LinkedHashMap<>();
        for (AccessGrant g : grants) {
            try {
                if (open) {
                    grant(g);
                } else {
                    revoke(g);
                }
            } catch (FirewallException e) {
                failed.put(g, e);
            } catch (RuntimeException e) {
                failed.put(g, new FirewallException(String.valueOf(e.getMessage()), e));
            }
        }
        return failed;
    }

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
