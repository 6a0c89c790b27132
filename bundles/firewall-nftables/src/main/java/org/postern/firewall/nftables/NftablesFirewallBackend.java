package org.postern.firewall.nftables;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.AccessGrant;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.NatAccess;
import org.postern.api.PortSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native nftables backend: every opened (source, protocol, port) is an element of a set
 * ({@code postern_allow4} or {@code postern_allow6}) with a per-element timeout, so the kernel closes it on
 * time even if the daemon is gone; a {@code jump postern_access} at the top of the operator's input chain
 * (default {@code inet filter input}) makes the lookup count where the drop would happen (see
 * {@link NftLayout}). Every change goes through one long-lived {@code nft -i} session ({@link InteractiveNft}),
 * one transaction per grant or revoke, or per batch of them ({@link #grantAll}, {@link #revokeAll}).
 */
@Component(service = FirewallBackend.class, configurationPid = NftablesFirewallBackend.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        property = FirewallBackend.BACKEND_PROPERTY + "=" + NftablesFirewallBackend.NAME)
@Designate(ocd = NftablesConfig.class)
public class NftablesFirewallBackend implements FirewallBackend {

    static final String PID = "org.postern.firewall.nftables";
    static final String NAME = "nftables";

    private static final Logger LOG = LoggerFactory.getLogger(NftablesFirewallBackend.class);

    private final Function<NftSettings, NftSession> sessions;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();

    // guarded by lock
    private NftSettings settings;
    private NftSession session;
    private NftLayout layout;
    private NftNat natLayout;

    @Activate
    public NftablesFirewallBackend(NftablesConfig config) {
        this(settingsOrFail(config),
                s -> new InteractiveNft(InteractiveNft.commandFor(s.executable()), s.commandTimeout()),
                Clock.systemUTC());
    }

    NftablesFirewallBackend(NftSettings settings, Function<NftSettings, NftSession> sessions, Clock clock) {
        this.sessions = sessions;
        this.clock = clock;
        lock.lock();
        try {
            this.settings = settings;
            start(settings);
        } finally {
            lock.unlock();
        }
    }

    @Modified
    void modified(NftablesConfig config) {
        NftSettings next = settingsOrFail(config);
        lock.lock();
        try {
            if (next.sameLayout(settings)) {
                settings = next;
                return;
            }
            LOG.info("nftables backend: executable, hookChain or table changed; moving Postern's objects");
            stop();
            settings = next;
            start(next);
        } finally {
            lock.unlock();
        }
    }

    @Deactivate
    void deactivate() {
        close();
    }

    /** Stops the backend: with flushAtExit, removes the jump rule, the chain and the sets (or the own table). */
    void close() {
        lock.lock();
        try {
            stop();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void grant(AccessGrant grant) throws FirewallException {
        lock.lock();
        try {
            NftLayout l = requireRunning();
            long now = clock.millis();
            if (grant.expiresAt().toEpochMilli() <= now) {
                LOG.debug("Grant {} has already expired; nothing to open", grant.id());
                return;
            }
            if (grant.nat() != null) {
                grantNat(grant, l, now);
                return;
            }
            if (boundToDestination(grant, l)) {
                sendOrFail(destinationBatch(grant, l, true, now), "Could not add elements to " + l.table());
                LOG.info("Added access element to {} {} for {} -> {} {}, expires at {}", l.table(), destinationSet(grant),
                        SetElement.address(grant.source()), SetElement.address(grant.destination()), grant.ports(),
                        grant.expiresAt().getEpochSecond());
                return;
            }
            List<SetElement> elements = elementsOf(grant, l);
            String batch = l.addElements(elements, now);
            NftSession.Reply reply = session.send(batch);
            if (!reply.ok() && repairLayout()) {
                reply = session.send(layout.addElements(elements, clock.millis()));
            }
            if (!reply.ok()) {
                throw new FirewallException("Could not add elements to " + layout.table() + ": " + reply.error());
            }
            for (SetElement e : elements) {
                LOG.info("Added access element to {} {} for {} {}, expires at {}", layout.table(), layout.setFor(e),
                        SetElement.address(e.source()), e.port(), e.expiresAtSecond());
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void revoke(AccessGrant grant) throws FirewallException {
        lock.lock();
        try {
            NftLayout l = requireRunning();
            if (grant.nat() != null) {
                revokeNat(grant, l);
                return;
            }
            if (boundToDestination(grant, l)) {
                sendOrFail(destinationBatch(grant, l, false, 0), "Could not remove elements from " + l.table());
                LOG.info("Removed access element from {} {} for {} -> {} {} with expire time of {}", l.table(),
                        destinationSet(grant), SetElement.address(grant.source()),
                        SetElement.address(grant.destination()), grant.ports(), grant.expiresAt().getEpochSecond());
                return;
            }
            List<SetElement> elements = elementsOf(grant, l);
            NftSession.Reply reply = session.send(l.removeElements(elements));
            if (!reply.ok()) {
                throw new FirewallException("Could not remove elements from " + l.table() + ": " + reply.error());
            }
            for (SetElement e : elements) {
                LOG.info("Removed access element from {} {} for {} {} with expire time of {}", l.table(), l.setFor(e),
                        SetElement.address(e.source()), e.port(), e.expiresAtSecond());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Many grants in ONE nft transaction (one line to the session): every plain grant's elements are added
     * together. When that transaction fails (after the repair of a reloaded ruleset), no element of it is applied,
     * and the grants are tried one at a time so that only those that cannot be applied fail. NAT grants and
     * grants bound to their destination take their own transactions.
     */
    @Override
    public Map<AccessGrant, FirewallException> grantAll(List<AccessGrant> grants) {
        return batch(grants, true);
    }

    /** Many revocations in ONE nft transaction, falling back to one at a time as {@link #grantAll}. */
    @Override
    public Map<AccessGrant, FirewallException> revokeAll(List<AccessGrant> grants) {
        return batch(grants, false);
    }

    private Map<AccessGrant, FirewallException> batch(List<AccessGrant> grants, boolean add) {
        Map<AccessGrant, FirewallException> failed = new LinkedHashMap<>();
        lock.lock();
        try {
            NftLayout l;
            try {
                l = requireRunning();
            } catch (FirewallException e) {
                grants.forEach(g -> failed.put(g, e));
                return failed;
            }
            long now = clock.millis();
            List<AccessGrant> together = new ArrayList<>();
            List<AccessGrant> alone = new ArrayList<>();
            List<SetElement> elements = new ArrayList<>();
            for (AccessGrant g : grants) {
                if (g.nat() != null || boundToDestination(g, l) || (add && g.expiresAt().toEpochMilli() <= now)) {
                    alone.add(g);
                    continue;
                }
                try {
                    elements.addAll(elementsOf(g, l));
                    together.add(g);
                } catch (FirewallException e) {
                    failed.put(g, e);
                }
            }
            if (together.size() == 1) {
                alone.add(0, together.remove(0));
            }
            if (!together.isEmpty()) {
                NftSession.Reply reply = session.send(add ? l.addElements(elements, now) : l.removeElements(elements));
                if (!reply.ok() && add && repairLayout()) {
                    reply = session.send(layout.addElements(elements, clock.millis()));
                }
                if (reply.ok()) {
                    LOG.debug("{} {} access element(s) of {} grant(s) in one transaction", add ? "Added" : "Removed",
                            elements.size(), together.size());
                    for (SetElement e : elements) { // the same lines as one grant at a time
                        if (add) {
                            LOG.info("Added access element to {} {} for {} {}, expires at {}", layout.table(),
                                    layout.setFor(e), SetElement.address(e.source()), e.port(), e.expiresAtSecond());
                        } else {
                            LOG.info("Removed access element from {} {} for {} {} with expire time of {}", layout.table(),
                                    layout.setFor(e), SetElement.address(e.source()), e.port(), e.expiresAtSecond());
                        }
                    }
                } else {
                    LOG.warn("nft transaction of {} grant(s) failed ({}); applying them one at a time", together.size(),
                            reply.error());
                    alone.addAll(together);
                }
            }
            failed.putAll(add ? FirewallBackend.super.grantAll(alone) : FirewallBackend.super.revokeAll(alone));
            return failed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> list() throws FirewallException {
        lock.lock();
        try {
            NftLayout l = requireRunning();
            List<String> lines = new ArrayList<>();
            for (String set : l.sets()) {
                for (SetElement e : listed(l, set)) {
                    lines.add(l.setSpec(set) + ": " + e.text());
                }
            }
            List<String> more = new ArrayList<>();
            if (settings.destinationRule()) {
                for (String set : destinationSets(l)) {
                    more.add("list set " + l.setSpec(set));
                }
            }
            if (natLayout != null) {
                more.addAll(natLayout.listCommands());
            }
            for (String command : more) {
                NftSession.Reply reply = session.send(command);
                if (reply.ok()) {
                    String name = command.substring(command.indexOf(' ', 5) + 1);
                    for (String element : elementsText(reply.output())) {
                        lines.add(name + ": " + element);
                    }
                }
            }
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<AccessGrant> liveGrants() throws FirewallException {
        lock.lock();
        try {
            NftLayout l = requireRunning();
            long now = clock.millis();
            // the ports of one grant share source and expiry mark: put them back together
            Map<String, List<PortSpec>> ports = new LinkedHashMap<>();
            Map<String, SetElement> first = new LinkedHashMap<>();
            for (String set : l.sets()) {
                for (SetElement e : listed(l, set)) {
                    if (e.expiresAtMillis() <= now) {
                        continue; // no mark, or due: the kernel drops it
                    }
                    String key = SetElement.address(e.source()) + " " + e.expiresAtSecond();
                    ports.computeIfAbsent(key, k -> new ArrayList<>()).add(e.port());
                    first.putIfAbsent(key, e);
                }
            }
            List<AccessGrant> grants = new ArrayList<>();
            for (Map.Entry<String, SetElement> entry : first.entrySet()) {
                SetElement e = entry.getValue();
                grants.add(new AccessGrant("nft:" + entry.getKey().replace(' ', '@'), e.source(), null,
                        ports.get(entry.getKey()), Instant.ofEpochMilli(e.expiresAtMillis()), ""));
            }
            return List.copyOf(grants);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws FirewallException {
        lock.lock();
        try {
            NftLayout l = requireRunning();
            NftSession.Reply reply = session.send(l.flushSets());
            if (!reply.ok()) {
                throw new FirewallException("Could not flush the sets in " + l.table() + ": " + reply.error());
            }
            LOG.info("Flushed all elements from {}", String.join(", ", l.sets()));
        } finally {
            lock.unlock();
        }
    }

    private void start(NftSettings s) {
        session = sessions.apply(s);
        try {
            layout = chooseLayout(s);
            if (s.flushAtInit()) {
                teardown(layout, false);
            }
            ensure(layout);
            if (s.destinationRule()) {
                ensureDestination(layout);
            }
            if (s.nat()) {
                ensureNat(s);
            }
            if (!s.flushAtInit()) {
                int kept = 0;
                for (String set : layout.sets()) {
                    kept += listed(layout, set).size();
                }
                if (kept > 0) {
                    LOG.info("Kept {} element(s) of an earlier run in {}; the kernel expires them", kept, layout.table());
                }
            }
            LOG.info("nftables backend ready: sets {} in {}", String.join(", ", layout.sets()), layout.describe());
        } catch (FirewallException | RuntimeException e) {
            LOG.error("nftables backend cannot start: {}", e.getMessage());
            session.close();
            session = null;
            layout = null;
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void stop() {
        if (session == null) {
            return;
        }
        if (settings.flushAtExit() && layout != null) {
            teardown(layout, true);
            if (settings.destinationRule()) {
                for (String set : destinationSets(layout)) {
                    session.send("delete set " + layout.setSpec(set));
                }
            }
        }
        if (natLayout != null && settings.flushAtExit()) {
            teardownNat(natLayout);
        }
        natLayout = null;
        session.close();
        session = null;
        layout = null;
    }

    /** The operator's chain when it exists (the default, inet filter input), else a table of our own. */
    private NftLayout chooseLayout(NftSettings s) {
        ChainRef hook = s.hookChain();
        if (hook != null) {
            NftSession.Reply reply = session.send("list chain " + hook);
            if (reply.ok()) {
                return NftLayout.hookedInto(hook);
            }
            boolean asDefault = hook.toString().equals(NftSettings.DEFAULT_HOOK_CHAIN);
            String message = "nft chain " + hook + " does not exist; Postern hooks a base chain of its own (table inet "
                    + s.table() + ") into the input hook, which opens nothing that another base chain drops";
            if (asDefault) {
                LOG.info("{}", message);
            } else {
                LOG.warn("{}", message);
            }
        }
        return NftLayout.ownTable(s.table());
    }

    /** Makes the sets, the access chain and the jump rule, keeping elements that are there. */
    private void ensure(NftLayout l) throws FirewallException {
        NftSession.Reply made = session.send(l.setup());
        if (!made.ok()) {
            throw new FirewallException("Could not set up " + l.describe() + ": " + made.error());
        }
        NftSession.Reply chain = session.send(l.listHookChain());
        if (!chain.ok()) {
            throw new FirewallException("Could not list " + l.hook() + ": " + chain.error());
        }
        if (NftLayout.jumpHandles(chain.output()).isEmpty()) {
            NftSession.Reply jump = session.send(l.insertJump());
            if (!jump.ok()) {
                throw new FirewallException("Could not add the jump rule to " + l.hook() + ": " + jump.error());
            }
            LOG.info("Added jump rule from chain: {} to chain: {}", l.hook(), NftLayout.ACCESS_CHAIN);
        }
    }

    /**
     * After a failed batch: when the objects are gone (an operator reloaded the ruleset), makes them again
     * and says so; the caller retries once.
     */
    private boolean repairLayout() {
        NftSession.Reply chain = session.send(layout.listHookChain());
        boolean intact = chain.ok() && !NftLayout.jumpHandles(chain.output()).isEmpty();
        for (String set : layout.sets()) {
            intact &= session.send(layout.listSet(set)).ok();
        }
        if (intact) {
            return false;
        }
        LOG.warn("Postern's nftables objects in {} are gone (ruleset reloaded?); making them again", layout.describe());
        try {
            if (layout.hooked() && !chain.ok()) {
                layout = chooseLayout(settings);
            }
            ensure(layout);
            if (settings.destinationRule()) {
                ensureDestination(layout);
            }
            return true;
        } catch (FirewallException e) {
            LOG.error("{}", e.getMessage());
            return false;
        }
    }

    private void teardown(NftLayout l, boolean expectPresent) {
        NftSession.Reply chain = session.send(l.listHookChain());
        if (chain.ok()) {
            for (long handle : NftLayout.jumpHandles(chain.output())) {
                NftSession.Reply r = session.send(l.deleteRule(handle));
                if (!r.ok() && expectPresent) {
                    LOG.warn("Removing the jump rule from {}: {}", l.hook(), r.error());
                }
            }
        }
        for (String command : l.teardown()) {
            NftSession.Reply r = session.send(command);
            if (!r.ok() && expectPresent) {
                LOG.warn("{}: {}", command, r.error());
            }
        }
        if (expectPresent) {
            LOG.info("Removed Postern's sets and chain from {}", l.describe());
        }
    }

    private List<SetElement> listed(NftLayout l, String set) throws FirewallException {
        NftSession.Reply reply = session.send(l.listSet(set));
        if (!reply.ok()) {
            throw new FirewallException("Could not list " + l.setSpec(set) + ": " + reply.error());
        }
        return SetElement.parseListing(reply.output());
    }

    // ENABLE_DESTINATION_RULE: sets keyed source . destination . protocol . port, looked up from postern_access

    private static List<String> destinationSets(NftLayout l) {
        List<String> sets = new ArrayList<>();
        if (l.carriesIpv4()) {
            sets.add("postern_dst4");
        }
        if (l.carriesIpv6()) {
            sets.add("postern_dst6");
        }
        return sets;
    }

    private void ensureDestination(NftLayout l) throws FirewallException {
        List<String> c = new ArrayList<>();
        String chain = l.table() + " " + NftLayout.ACCESS_CHAIN;
        if (l.carriesIpv4()) {
            c.add("add set " + l.setSpec("postern_dst4")
                    + " { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags timeout; }");
            c.add("add rule " + chain + " ip saddr . ip daddr . meta l4proto . th dport @postern_dst4 accept");
        }
        if (l.carriesIpv6()) {
            c.add("add set " + l.setSpec("postern_dst6")
                    + " { type ipv6_addr . ipv6_addr . inet_proto . inet_service; flags timeout; }");
            c.add("add rule " + chain + " ip6 saddr . ip6 daddr . meta l4proto . th dport @postern_dst6 accept");
        }
        sendOrFail(String.join("; ", c), "Could not set up the destination sets in " + l.table());
    }

    private boolean boundToDestination(AccessGrant grant, NftLayout l) {
        return settings.destinationRule() && grant.destination() != null
                && (grant.destination() instanceof java.net.Inet6Address) == (grant.source() instanceof java.net.Inet6Address)
                && !grant.destination().isAnyLocalAddress();
    }

    private static String destinationSet(AccessGrant grant) {
        return grant.source() instanceof java.net.Inet6Address ? "postern_dst6" : "postern_dst4";
    }

    private String destinationBatch(AccessGrant grant, NftLayout l, boolean add, long now) throws FirewallException {
        String set = l.setSpec(destinationSet(grant));
        List<String> c = new ArrayList<>();
        for (SetElement e : elementsOf(grant, l)) {
            String key = SetElement.address(grant.source()) + " . " + SetElement.address(grant.destination()) + " . "
                    + e.port().protocol().number() + " . " + e.port().port();
            c.add("add element " + set + " { " + key + " }");
            c.add("delete element " + set + " { " + key + " }");
            if (add) {
                c.add("add element " + set + " { " + key + " timeout " + Math.max(1, e.expiresAtMillis() - now)
                        + "ms comment \"_exp_" + e.expiresAtSecond() + "\" }");
            }
        }
        return String.join("; ", c);
    }

    // NAT: maps and sets with element timeouts (NftNat)

    private void ensureNat(NftSettings s) throws FirewallException {
        if (natLayout != null) {
            return;
        }
        NftNat n = NftNat.own(s.natTable());
        ChainRef forward = s.forwardChain();
        if (forward != null && forward.carriesIpv4() && session.send("list chain " + forward).ok()) {
            n = NftNat.hookedInto(s.natTable(), forward);
        } else {
            LOG.info("nft chain {} does not exist; forwarded NAT access is accepted by a forward base chain in table ip {}",
                    forward, s.natTable());
        }
        sendOrFail(n.setup(), "Could not set up the NAT objects");
        if (n.hooked()) {
            NftSession.Reply chain = session.send("list chain " + n.forward());
            if (!chain.ok()) {
                throw new FirewallException("Could not list " + n.forward() + ": " + chain.error());
            }
            if (NftNat.jumpHandles(chain.output()).isEmpty()) {
                sendOrFail(n.insertJump(), "Could not add the jump rule to " + n.forward());
                LOG.info("Added jump rule from chain: {} to chain: {}", n.forward(), NftNat.FORWARD_CHAIN);
            }
        }
        natLayout = n;
        LOG.info("nftables NAT ready: maps in table {}, forward sets in {}", n.nat(), n.fwdTable());
    }

    private void teardownNat(NftNat n) {
        if (n.hooked()) {
            NftSession.Reply chain = session.send("list chain " + n.forward());
            if (chain.ok()) {
                for (long handle : NftNat.jumpHandles(chain.output())) {
                    session.send("delete rule " + n.forward() + " handle " + handle);
                }
            }
        }
        for (String command : n.teardown()) {
            NftSession.Reply r = session.send(command);
            if (!r.ok()) {
                LOG.warn("{}: {}", command, r.error());
            }
        }
        LOG.info("Removed Postern's NAT objects ({})", n.nat());
    }

    private String natBatch(AccessGrant grant, NftLayout l, boolean add, long now) throws FirewallException {
        return natBatch(grant, l, add, now, false);
    }

    /**
     * True when another live DNAT element of the same client leads to the same target: the two grants share the
     * forward element, which must then stay until the other grant closes it.
     */
    private boolean sharedForward(AccessGrant grant) {
        NatAccess nat = grant.nat();
        if (nat.kind() != NatAccess.Kind.FORWARD || nat.forwardAll() || !nat.dnat()) {
            return false;
        }
        NftSession.Reply reply = session.send("list map " + natLayout.nat() + " " + NftNat.DNAT);
        if (!reply.ok()) {
            return false;
        }
        String src = SetElement.address(grant.source());
        String own = src + " . " + grant.ports().get(0).protocol().number() + " . " + grant.ports().get(0).port() + " ";
        String target = ": " + SetElement.address(nat.address()) + " . " + nat.port();
        for (String e : elementsText(reply.output())) {
            if (e.startsWith(src + " . ") && !e.startsWith(own) && e.endsWith(target)) {
                return true;
            }
        }
        return false;
    }

    private String natBatch(AccessGrant grant, NftLayout l, boolean add, long now, boolean keepForward)
            throws FirewallException {
        List<NftNat.Element> elements;
        try {
            elements = new ArrayList<>(natLayout.elements(grant));
        } catch (IllegalArgumentException e) {
            throw new FirewallException("Grant " + grant.id() + ": " + e.getMessage());
        }
        if (keepForward) {
            elements.removeIf(e -> e.set().endsWith(" " + NftNat.FWD));
        }
        List<String> parts = new ArrayList<>();
        NatAccess nat = grant.nat();
        if (nat.kind() == NatAccess.Kind.LOCAL) {
            PortSpec first = grant.ports().get(0);
            List<SetElement> input = List.of(SetElement.of(grant.source(), new PortSpec(first.protocol(), nat.port()),
                    grant.expiresAt().toEpochMilli()));
            parts.add(add ? l.addElements(input, now) : l.removeElements(input));
        }
        if (!elements.isEmpty()) {
            parts.add(add ? NftNat.add(elements, grant.expiresAt().toEpochMilli() - now,
                    Math.floorDiv(grant.expiresAt().toEpochMilli() + 999, 1000)) : NftNat.remove(elements));
        }
        return String.join("; ", parts);
    }

    private void grantNat(AccessGrant grant, NftLayout l, long now) throws FirewallException {
        ensureNat(settings);
        sendOrFail(natBatch(grant, l, true, now), "Could not add NAT elements");
        LOG.info("Added {} NAT elements for {} {} -> {}:{}, expires at {}", grant.nat().kind(),
                SetElement.address(grant.source()), grant.ports().get(0), SetElement.address(grant.nat().address()),
                grant.nat().port(), grant.expiresAt().getEpochSecond());
    }

    private void revokeNat(AccessGrant grant, NftLayout l) throws FirewallException {
        if (natLayout == null) {
            return; // never made: nothing of it can be there
        }
        sendOrFail(natBatch(grant, l, false, 0, sharedForward(grant)), "Could not remove NAT elements");
        LOG.info("Removed {} NAT elements for {} {} with expire time of {}", grant.nat().kind(),
                SetElement.address(grant.source()), grant.ports().get(0), grant.expiresAt().getEpochSecond());
    }

    private void sendOrFail(String batch, String what) throws FirewallException {
        NftSession.Reply reply = session.send(batch);
        if (!reply.ok()) {
            throw new FirewallException(what + ": " + reply.error());
        }
    }

    /** The element texts of an {@code nft list set/map} output. */
    static List<String> elementsText(String listing) {
        List<String> out = new ArrayList<>();
        int start = listing.indexOf("elements = {");
        if (start < 0) {
            return out;
        }
        int end = listing.indexOf('}', start + 12);
        StringBuilder item = new StringBuilder();
        boolean quoted = false;
        for (int i = listing.indexOf('{', start) + 1; i < listing.length(); i++) {
            char ch = listing.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            }
            if (!quoted && (ch == ',' || ch == '}')) {
                if (!item.toString().isBlank()) {
                    out.add(item.toString().strip().replaceAll("\\s+", " "));
                }
                item.setLength(0);
                if (ch == '}') {
                    break;
                }
                continue;
            }
            item.append(ch);
        }
        return end < 0 ? out : out;
    }

    private NftLayout requireRunning() throws FirewallException {
        if (session == null || layout == null) {
            throw new FirewallException("the nftables backend is stopped");
        }
        return layout;
    }

    private static List<SetElement> elementsOf(AccessGrant grant, NftLayout l) throws FirewallException {
        InetAddress source = grant.source();
        Set<SetElement> elements = new LinkedHashSet<>();
        for (PortSpec port : grant.ports()) {
            SetElement e;
            try {
                e = SetElement.of(source, port, grant.expiresAt().toEpochMilli());
            } catch (IllegalArgumentException ex) {
                throw new FirewallException("Grant " + grant.id() + ": " + ex.getMessage());
            }
            if (e.ipv6() ? !l.carriesIpv6() : !l.carriesIpv4()) {
                throw new FirewallException("Grant " + grant.id() + ": " + l.hook().family() + " table "
                        + l.table() + " cannot hold " + (e.ipv6() ? "IPv6" : "IPv4") + " addresses");
            }
            elements.add(e);
        }
        return List.copyOf(elements);
    }

    private static NftSettings settingsOrFail(NftablesConfig config) {
        try {
            return NftSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("{}", e.getMessage());
            throw e;
        }
    }
}
