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
import org.postern.api.PortSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native nftables backend: every opened (source, protocol, port) is an element of a set
 * ({@code postern_allow4} or {@code postern_allow6}) with a per-element timeout, so the kernel closes it on
 * time even if the daemon is gone; a {@code jump postern_access} at the top of the operator's input chain
 * (default {@code inet filter input}) makes the lookup count where the drop would happen (see
 * {@link NftLayout}). Every change goes through one long-lived {@code nft -i} session ({@link InteractiveNft}),
 * one transaction per grant or revoke.
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
            List<SetElement> elements = elementsOf(grant, l);
            long now = clock.millis();
            if (grant.expiresAt().toEpochMilli() <= now) {
                LOG.debug("Grant {} has already expired; nothing to open", grant.id());
                return;
            }
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
        }
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
