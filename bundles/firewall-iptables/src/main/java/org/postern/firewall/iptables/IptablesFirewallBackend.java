package org.postern.firewall.iptables;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.AccessGrant;
import org.postern.api.CommandExecutor;
import org.postern.api.CommandResult;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.PortSpec;
import org.postern.api.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The iptables backend, with fwknopd 2.6.10's chain handling and rule shapes: a {@code FWKNOP_INPUT} chain
 * reached by a jump from {@code INPUT}, one {@code -m comment --comment _exp_<epoch>} rule per opened port.
 * IPv6 grants go to ip6tables in the same way (its chain is made on the first IPv6 grant).
 *
 * <p>Every iptables call runs with {@code -w} through the {@link CommandExecutor}, one at a time.
 */
@Component(service = FirewallBackend.class, configurationPid = IptablesFirewallBackend.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        property = FirewallBackend.BACKEND_PROPERTY + "=" + IptablesFirewallBackend.NAME)
@Designate(ocd = IptablesConfig.class)
public class IptablesFirewallBackend implements FirewallBackend {

    static final String PID = "org.postern.firewall.iptables";
    static final String NAME = "iptables";

    /** fwknop's CMD_LOOP_TRIES: the most copies of one rule (or jump rule) removed in a row. */
    private static final int MAX_REPEATED_DELETES = 10;

    private static final Logger LOG = LoggerFactory.getLogger(IptablesFirewallBackend.class);

    private final CommandExecutor executor;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();

    // guarded by lock
    private BackendSettings settings;
    private boolean ip6Ready;
    private boolean stopped;
    /** OUTPUT/FORWARD/NAT chains made (family + chain), in the order they were made. */
    private final Set<String> readyChains = new LinkedHashSet<>();
    /** Rules of those chains an earlier run left, closed by this backend when due. */
    private ScheduledExecutorService adoptedExpiry;

    @Activate
    public IptablesFirewallBackend(@Reference(name = "executor") CommandExecutor executor, IptablesConfig config) {
        this(executor, settingsOrFail(config), Clock.systemUTC());
    }

    IptablesFirewallBackend(CommandExecutor executor, BackendSettings settings) {
        this(executor, settings, Clock.systemUTC());
    }

    IptablesFirewallBackend(CommandExecutor executor, BackendSettings settings, Clock clock) {
        this.executor = executor;
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
    void modified(IptablesConfig config) {
        BackendSettings next = settingsOrFail(config);
        lock.lock();
        try {
            if (next.sameLayout(settings)) {
                settings = next;
                return;
            }
            LOG.info("iptables backend: executable or inputAccess changed; rebuilding the chains");
            stop(settings);
            settings = next;
            stopped = true;
            start(next);
            stopped = false;
        } finally {
            lock.unlock();
        }
    }

    @Deactivate
    void deactivate() {
        close();
    }

    /** Stops the backend: with flushAtExit, removes the jump rule and the chain. */
    void close() {
        lock.lock();
        try {
            if (!stopped) {
                stop(settings);
                stopped = true;
            }
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
            BackendSettings s = requireRunning();
            if (grant.nat() != null) {
                IpFamily family = IpFamily.of(grant.source());
                requireFamily(family, s);
                applyExtra(family, extraRules(grant, s), s);
                return;
            }
            List<IptablesRule> rules = rulesOf(grant, s);
            IpFamily family = IpFamily.of(grant.source());
            requireFamily(family, s);
            List<ListedRule> present;
            try {
                present = listed(family, s);
            } catch (FirewallException missing) {
                present = healChain(family, s, missing);
            }

            List<IptablesRule> added = new ArrayList<>();
            for (IptablesRule rule : rules) {
                if (present.stream().anyMatch(l -> l.sameRule(rule))) {
                    LOG.debug("Rule for {} -> {} {} expiring at {} is already in {}", rule.sourceText(),
                            rule.destinationText(), rule.portText(), rule.expiresAt(), s.inputAccess().toChain());
                    continue;
                }
                CommandResult result = run(family, s.rulePrepend() ? rule.insert() : rule.append(), s);
                if (!result.succeeded()) {
                    if (result.exitCode() == -2) {
                        added.add(rule); // killed: it may have gone in all the same
                    }
                    rollBack(family, added, s);
                    throw new FirewallException("Could not add access rule to " + s.inputAccess().toChain() + ": "
                            + result.summary());
                }
                added.add(rule);
                LOG.info("Added access rule to {} for {} -> {} {}, expires at {}", s.inputAccess().toChain(),
                        rule.sourceText(), rule.destinationText(), rule.portText(), rule.expiresAt());
            }

            // A re-knock replaces the opening's older rule instead of stacking a second one.
            for (IptablesRule rule : rules) {
                for (ListedRule old : present) {
                    if (old.hasExpiry() && old.sameOpening(rule) && old.expiresAt() != rule.expiresAt()) {
                        CommandResult result = run(family, old.delete(s.inputAccess()), s);
                        if (result.succeeded()) {
                            logRemoved(s, old.describe(), old.expiresAt());
                        } else {
                            LOG.warn("Could not remove the replaced rule '{}': {}", old.line(), result.summary());
                        }
                    }
                }
            }
            List<ChainRule> extra = extraRules(grant, s);
            if (!extra.isEmpty()) {
                try {
                    applyExtra(family, extra, s);
                } catch (FirewallException e) {
                    rollBack(family, added, s);
                    throw e;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void revoke(AccessGrant grant) throws FirewallException {
        lock.lock();
        try {
            BackendSettings s = requireRunning();
            IpFamily family = IpFamily.of(grant.source());
            if (family == IpFamily.IPV6 && !ip6Ready) {
                return; // no IPv6 chain was made, so no rule of this grant can exist
            }
            List<String> failures = new ArrayList<>();
            removeExtra(family, extraRules(grant, s), s, failures);
            List<IptablesRule> rules = grant.nat() != null ? List.of() : rulesOf(grant, s);
            for (IptablesRule rule : rules) {
                int removed = 0;
                CommandResult result = run(family, rule.delete(), s);
                while (result.succeeded()) { // duplicates (from an older run or another tool) go too
                    removed++;
                    if (removed == MAX_REPEATED_DELETES) {
                        break;
                    }
                    result = run(family, rule.delete(), s);
                }
                if (removed > 0) {
                    logRemoved(s, rule.sourceText() + " " + rule.portText(), rule.expiresAt());
                } else if (run(family, rule.check(), s).succeeded()) {
                    failures.add(result.summary());
                } else {
                    LOG.debug("No rule in {} for {} {} with expire time of {} (already gone)",
                            s.inputAccess().toChain(), rule.sourceText(), rule.portText(), rule.expiresAt());
                }
            }
            if (!failures.isEmpty()) {
                throw new FirewallException("Could not remove rule(s) from " + s.inputAccess().toChain() + ": "
                        + String.join("; ", failures));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> list() throws FirewallException {
        lock.lock();
        try {
            BackendSettings s = requireRunning();
            List<String> lines = new ArrayList<>(ruleLines(IpFamily.IPV4, s));
            if (ip6Ready) {
                lines.addAll(ruleLines(IpFamily.IPV6, s));
            }
            for (String key : readyChains) {
                lines.addAll(ruleLines(familyOf(key), chainOf(key, s), s));
            }
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The rules of our chain(s) that carry an {@code _exp_} mark still in the future, as grants (the ports of
     * one grant share source, destination and mark), so the server closes rules an earlier run left when due.
     */
    @Override
    public List<AccessGrant> liveGrants() throws FirewallException {
        lock.lock();
        try {
            BackendSettings s = requireRunning();
            long now = clock.instant().getEpochSecond();
            Map<String, List<PortSpec>> ports = new LinkedHashMap<>();
            Map<String, ListedRule> first = new LinkedHashMap<>();
            List<IpFamily> families = ip6Ready ? List.of(IpFamily.IPV4, IpFamily.IPV6) : List.of(IpFamily.IPV4);
            for (IpFamily family : families) {
                for (ListedRule rule : listed(family, s)) {
                    if (rule.source() == null || !rule.hasExpiry() || rule.expiresAt() <= now || rule.port() < 1
                            || !rule.target().equals(s.inputAccess().target())
                            || (rule.protocol() != Protocol.TCP.number() && rule.protocol() != Protocol.UDP.number())) {
                        continue;
                    }
                    String key = IpFamily.literal(rule.source()) + " " + rule.destination() + " " + rule.expiresAt();
                    ports.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(new PortSpec(rule.protocol() == Protocol.TCP.number() ? Protocol.TCP : Protocol.UDP,
                                    rule.port()));
                    first.putIfAbsent(key, rule);
                }
            }
            List<AccessGrant> grants = new ArrayList<>();
            for (Map.Entry<String, ListedRule> e : first.entrySet()) {
                ListedRule r = e.getValue();
                grants.add(new AccessGrant("ipt:" + r.expiresAt(), r.source(), r.destination(),
                        List.copyOf(new LinkedHashSet<>(ports.get(e.getKey()))), Instant.ofEpochSecond(r.expiresAt()), ""));
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
            BackendSettings s = requireRunning();
            List<IpFamily> families = ip6Ready ? List.of(IpFamily.IPV4, IpFamily.IPV6) : List.of(IpFamily.IPV4);
            for (IpFamily family : families) {
                CommandResult result = run(family, s.inputAccess().flushChain(), s);
                if (!result.succeeded()) {
                    throw new FirewallException("Could not flush " + s.inputAccess().toChain() + ": " + result.summary());
                }
            }
            for (String key : readyChains) {
                CommandResult result = run(familyOf(key), chainOf(key, s).flushChain(), s);
                if (!result.succeeded()) {
                    throw new FirewallException("Could not flush " + chainOf(key, s).toChain() + ": " + result.summary());
                }
            }
            LOG.info("Flushed all rules from {}", s.inputAccess().toChain());
        } finally {
            lock.unlock();
        }
    }

    private void start(BackendSettings s) {
        ChainSpec chain = s.inputAccess();
        try {
            if (s.flushAtInit()) {
                removeChain(IpFamily.IPV4, s, false);
            }
            ensureChainAndJump(IpFamily.IPV4, s);
            if (s.commentCheck()) {
                checkCommentMatch(s);
            }
            if (!s.flushAtInit()) {
                adopt(IpFamily.IPV4, s);
            }
            if (s.ip6Executable() != null) {
                if (s.flushAtInit()) {
                    removeChain(IpFamily.IPV6, s, false);
                } else if (run(IpFamily.IPV6, chain.chainExists(), s).succeeded()) {
                    ip6Ready = true;
                    adopt(IpFamily.IPV6, s);
                }
            }
            for (ChainSpec extra : s.nat().configured()) {
                if (s.flushAtInit()) {
                    removeChain(IpFamily.IPV4, extra, s, false);
                }
                readyChain(IpFamily.IPV4, extra, s);
                if (!s.flushAtInit()) {
                    adoptExtra(IpFamily.IPV4, extra, s);
                }
            }
        } catch (IllegalStateException | FirewallException e) {
            LOG.error("iptables backend cannot start: {}", e.getMessage());
            if (s.flushAtExit()) {
                stop(s);
            }
            throw e instanceof IllegalStateException ise ? ise : new IllegalStateException(e.getMessage(), e);
        }
    }

    private void stop(BackendSettings s) {
        if (s.flushAtExit()) {
            List<String> made = new ArrayList<>(readyChains);
            java.util.Collections.reverse(made);
            for (String key : made) {
                removeChain(familyOf(key), chainOf(key, s), s, true);
            }
        }
        readyChains.clear();
        if (adoptedExpiry != null) {
            adoptedExpiry.shutdownNow();
            adoptedExpiry = null;
        }
        if (s.flushAtExit()) {
            removeChain(IpFamily.IPV4, s, true);
            if (ip6Ready) {
                removeChain(IpFamily.IPV6, s, true);
            }
        }
        ip6Ready = false;
    }

    /** fwknop's delete_all_chains for one chain: jump rule(s), flush, delete. */
    private void removeChain(IpFamily family, BackendSettings s, boolean expectPresent) {
        removeChain(family, s.inputAccess(), s, expectPresent);
    }

    private void removeChain(IpFamily family, ChainSpec chain, BackendSettings s, boolean expectPresent) {
        for (int i = 0; i < MAX_REPEATED_DELETES; i++) {
            if (!run(family, chain.deleteJump(), s).succeeded()) {
                break;
            }
        }
        for (List<String> args : List.of(chain.flushChain(), chain.deleteChain())) {
            CommandResult result = run(family, args, s);
            if (!result.succeeded() && expectPresent) {
                LOG.warn("Removing {} chain {}: {}", family == IpFamily.IPV6 ? "ip6tables" : "iptables",
                        chain.toChain(), result.summary());
            }
        }
    }

    private void ensureChainAndJump(IpFamily family, BackendSettings s) throws FirewallException {
        ensureChainAndJump(family, s.inputAccess(), s);
    }

    private void ensureChainAndJump(IpFamily family, ChainSpec chain, BackendSettings s) throws FirewallException {
        if (!run(family, chain.chainExists(), s).succeeded()) {
            CommandResult created = run(family, chain.newChain(), s);
            if (!created.succeeded()) {
                throw new FirewallException("Could not create chain " + chain.toChain() + ": " + created.summary());
            }
        }
        if (!run(family, chain.checkJump(), s).succeeded()) {
            CommandResult jump = run(family, chain.insertJump(), s);
            if (!jump.succeeded()) {
                throw new FirewallException("Could not add the jump rule from " + chain.fromChain() + " to "
                        + chain.toChain() + ": " + jump.summary());
            }
            LOG.info("Added jump rule from chain: {} to chain: {}", chain.fromChain(), chain.toChain());
        }
    }

    /**
     * The chain could not be listed (someone deleted it behind the daemon's back; iptables-nft may call a deleted
     * chain "incompatible"): makes the chain and its jump rule again, as at start, and lists it; the grant goes on.
     * Throws the listing's failure when the chain cannot be made.
     */
    private List<ListedRule> healChain(IpFamily family, BackendSettings s, FirewallException missing)
            throws FirewallException {
        ChainSpec chain = s.inputAccess();
        if (run(family, chain.chainExists(), s).succeeded()) {
            throw missing; // the chain is there: listing failed for another reason
        }
        LOG.warn("Chain {} ({}) is gone ({}): making it and its jump rule again", chain.toChain(),
                family == IpFamily.IPV6 ? "ip6tables" : "iptables", missing.getMessage());
        try {
            ensureChainAndJump(family, chain, s);
        } catch (FirewallException e) {
            throw new FirewallException(missing.getMessage() + "; re-creating it failed: " + e.getMessage(), e);
        }
        LOG.info("Chain {} made again", chain.toChain());
        return listed(family, s);
    }

    private void checkCommentMatch(BackendSettings s) {
        ChainSpec chain = s.inputAccess();
        CommandResult probe = run(IpFamily.IPV4, chain.insertCommentProbe(), s);
        if (!probe.succeeded()) {
            throw new IllegalStateException("iptables 'comment' match is not available, so rule expiry cannot be "
                    + "recorded (" + probe.summary() + "); load the xt_comment module, or set commentCheck=false "
                    + "(ENABLE_IPT_COMMENT_CHECK N) to skip this check");
        }
        CommandResult removed = run(IpFamily.IPV4, chain.deleteCommentProbe(), s);
        if (!removed.succeeded()) {
            LOG.warn("Could not remove the comment probe rule from {}: {}", chain.fromChain(), removed.summary());
        }
        LOG.info("iptables 'comment' match is available");
    }

    /** Keeps the rules of an earlier run and removes those already expired. */
    private void adopt(IpFamily family, BackendSettings s) throws FirewallException {
        long now = clock.instant().getEpochSecond();
        int kept = 0;
        for (ListedRule rule : listed(family, s)) {
            if (!rule.hasExpiry()) {
                continue;
            }
            if (rule.expiresAt() > now) {
                kept++;
                continue;
            }
            CommandResult result = run(family, rule.delete(s.inputAccess()), s);
            if (result.succeeded()) {
                logRemoved(s, rule.describe(), rule.expiresAt());
            } else {
                LOG.warn("Could not remove the expired rule '{}': {}", rule.line(), result.summary());
            }
        }
        if (kept > 0) {
            LOG.info("Kept {} unexpired rule(s) in {} ({})", kept, s.inputAccess().toChain(),
                    family == IpFamily.IPV6 ? "ip6tables" : "iptables");
        }
    }

    private void rollBack(IpFamily family, List<IptablesRule> added, BackendSettings s) {
        for (IptablesRule rule : added) {
            CommandResult result = run(family, rule.delete(), s);
            if (!result.succeeded()) {
                LOG.debug("Rolling back {}: {}", rule.portText(), result.summary());
            }
        }
    }

    private BackendSettings requireRunning() throws FirewallException {
        if (stopped) {
            throw new FirewallException("the iptables backend is stopped");
        }
        return settings;
    }

    private void requireFamily(IpFamily family, BackendSettings s) throws FirewallException {
        if (family == IpFamily.IPV4 || ip6Ready) {
            return;
        }
        if (s.ip6Executable() == null) {
            throw new FirewallException("IPv6 grant but no ip6tables beside " + s.executable());
        }
        ensureChainAndJump(IpFamily.IPV6, s);
        ip6Ready = true;
    }

    private static List<IptablesRule> rulesOf(AccessGrant grant, BackendSettings s) throws FirewallException {
        Set<IptablesRule> rules = new LinkedHashSet<>();
        for (PortSpec port : grant.ports()) {
            try {
                rules.add(IptablesRule.of(s.inputAccess(), grant, port, s.destinationRule()));
            } catch (IllegalArgumentException e) {
                throw new FirewallException("Grant " + grant.id() + ": " + e.getMessage());
            }
        }
        return List.copyOf(rules);
    }

    private List<ListedRule> listed(IpFamily family, BackendSettings s) throws FirewallException {
        List<String> lines = ruleLines(family, s);
        List<ListedRule> rules = new ArrayList<>();
        for (String line : lines) {
            ListedRule.parse(line, s.inputAccess().toChain()).ifPresent(rules::add);
        }
        return rules;
    }

    private List<String> ruleLines(IpFamily family, BackendSettings s) throws FirewallException {
        return ruleLines(family, s.inputAccess(), s);
    }

    private List<String> ruleLines(IpFamily family, ChainSpec chain, BackendSettings s) throws FirewallException {
        CommandResult result = run(family, chain.listRules(), s);
        if (!result.succeeded()) {
            throw new FirewallException("Could not list " + chain.toChain() + ": " + result.summary());
        }
        return result.stdout().lines().filter(l -> l.startsWith("-A ")).toList();
    }

    private void logRemoved(BackendSettings s, String what, long expiresAt) {
        LOG.info("Removed rule(s) from {} for {} with expire time of {}", s.inputAccess().toChain(), what, expiresAt);
    }

    private CommandResult run(IpFamily family, List<String> args, BackendSettings s) {
        List<String> argv = new ArrayList<>(args.size() + 2);
        argv.add(family == IpFamily.IPV6 ? s.ip6Executable() : s.executable());
        argv.add("-w");
        argv.addAll(args);
        CommandResult result;
        try {
            result = executor.run(argv, null, s.commandTimeout());
        } catch (RuntimeException e) {
            result = new CommandResult(argv, -1, "", "command executor failed: " + e);
        }
        LOG.debug("{}", result.summary());
        return result;
    }

    private static List<ChainRule> extraRules(AccessGrant grant, BackendSettings s) throws FirewallException {
        try {
            return ChainRule.of(grant, s);
        } catch (IllegalArgumentException e) {
            throw new FirewallException("Grant " + grant.id() + ": " + e.getMessage());
        }
    }

    private static String chainKey(IpFamily family, ChainSpec chain) {
        return family.name() + " " + chain.table() + " " + chain.toChain();
    }

    private static IpFamily familyOf(String key) {
        return IpFamily.valueOf(key.substring(0, key.indexOf(' ')));
    }

    private static ChainSpec chainOf(String key, BackendSettings s) {
        String[] k = key.split(" ");
        List<ChainSpec> candidates = new ArrayList<>(s.nat().all());
        candidates.add(s.inputAccess());
        for (ChainSpec c : candidates) {
            if (c.table().equals(k[1]) && c.toChain().equals(k[2])) {
                return c;
            }
        }
        throw new IllegalStateException("no chain " + key);
    }

    /** fwknop's mk_chain before each rule: the chain and its jump rule exist (made once, then remembered). */
    private void readyChain(IpFamily family, ChainSpec chain, BackendSettings s) throws FirewallException {
        if (chain.equals(s.inputAccess())) {
            return; // made at start (IPv6: by requireFamily)
        }
        String key = chainKey(family, chain);
        if (!readyChains.contains(key)) {
            ensureChainAndJump(family, chain, s);
            readyChains.add(key);
        }
    }

    /**
     * Adds OUTPUT/FORWARD/NAT rules (skipping one already present, as fwknop's rule_exists), and removes the older
     * copy of each (same rule but an earlier {@code _exp_}) so a re-knock does not stack. On failure the rules
     * just added are removed again.
     */
    private void applyExtra(IpFamily family, List<ChainRule> rules, BackendSettings s) throws FirewallException {
        Map<String, List<String>> before = new LinkedHashMap<>();
        for (ChainRule rule : rules) {
            readyChain(family, rule.chain(), s);
            String key = chainKey(family, rule.chain());
            if (!before.containsKey(key)) {
                before.put(key, ruleLines(family, rule.chain(), s));
            }
        }
        List<ChainRule> added = new ArrayList<>();
        for (ChainRule rule : rules) {
            if (run(family, rule.check(), s).succeeded()) {
                LOG.debug("{} rule in {} for {} expiring at {} is already there", rule.kind(), rule.chain().toChain(),
                        rule.what(), rule.expiresAt());
                continue;
            }
            CommandResult result = run(family, s.rulePrepend() ? rule.insert() : rule.append(), s);
            if (!result.succeeded()) {
                if (result.exitCode() == -2) {
                    added.add(rule);
                }
                for (ChainRule r : added) {
                    run(family, r.delete(), s);
                }
                throw new FirewallException("Could not add " + rule.kind() + " rule to " + rule.chain().toChain() + ": "
                        + result.summary());
            }
            added.add(rule);
            LOG.info("Added {} rule to {} for {}, expires at {}", rule.kind(), rule.chain().toChain(), rule.what(),
                    rule.expiresAt()); // fwknop's line
        }
        // A re-knock of the same grant finds an older copy of EVERY one of its rules: only then are the older copies
        // removed (a different grant may share a rule, e.g. the FORWARD rule of two forwards to one target: both
        // stay, each closed with its own grant, as fwknopd keeps them).
        Map<String, List<String>> after = new LinkedHashMap<>();
        List<String[]> older = new ArrayList<>(); // chain key, listed line
        for (ChainRule rule : added) {
            String key = chainKey(family, rule.chain());
            if (!after.containsKey(key)) {
                after.put(key, ruleLines(family, rule.chain(), s));
            }
        }
        for (ChainRule rule : added) {
            String key = chainKey(family, rule.chain());
            ChainSpec chain = rule.chain();
            List<String> fresh = new ArrayList<>(after.get(key));
            before.get(key).forEach(fresh::remove);
            boolean found = false;
            for (String line : fresh) {
                Optional<ListedRule> n = ListedRule.parse(line, chain.toChain());
                if (n.isEmpty() || n.get().expiresAt() != rule.expiresAt()) {
                    continue;
                }
                for (String o : before.get(key)) {
                    Optional<ListedRule> p = ListedRule.parse(o, chain.toChain());
                    if (p.isPresent() && p.get().hasExpiry() && p.get().expiresAt() < rule.expiresAt()
                            && withoutExpiry(o).equals(withoutExpiry(line))) {
                        older.add(new String[] {key, o});
                        found = true;
                    }
                }
            }
            if (!found) {
                return; // not a re-knock of this grant
            }
        }
        for (String[] o : older) {
            ChainSpec chain = chainOf(o[0], s);
            ListedRule p = ListedRule.parse(o[1], chain.toChain()).orElseThrow();
            CommandResult r = run(family, p.delete(chain), s);
            if (r.succeeded()) {
                LOG.info("Removed rule(s) from {} for {} with expire time of {}", chain.toChain(), p.describe(),
                        p.expiresAt());
            } else {
                LOG.warn("Could not remove the replaced rule '{}': {}", o[1], r.summary());
            }
        }
    }

    private static String withoutExpiry(String line) {
        return line.replaceAll(IptablesRule.EXPIRE_PREFIX + "\\d+", IptablesRule.EXPIRE_PREFIX);
    }

    private void removeExtra(IpFamily family, List<ChainRule> rules, BackendSettings s, List<String> failures) {
        for (ChainRule rule : rules) {
            if (!chain(rule).equals(s.inputAccess()) && !readyChains.contains(chainKey(family, rule.chain()))) {
                continue; // never made, so nothing of it can be there
            }
            int removed = 0;
            CommandResult result = run(family, rule.delete(), s);
            while (result.succeeded() && ++removed < MAX_REPEATED_DELETES) {
                result = run(family, rule.delete(), s);
            }
            if (removed > 0) {
                LOG.info("Removed {} rule(s) from {} for {} with expire time of {}", rule.kind(), rule.chain().toChain(),
                        rule.what(), rule.expiresAt());
            } else if (run(family, rule.check(), s).succeeded()) {
                failures.add(result.summary());
            }
        }
    }

    private static ChainSpec chain(ChainRule rule) {
        return rule.chain();
    }

    /**
     * Without flushAtInit: the rules of an OUTPUT/FORWARD/NAT chain an earlier run left. Expired ones go now; live
     * ones are removed by this backend when due (the server adopts only the INPUT rules, as grants).
     */
    private void adoptExtra(IpFamily family, ChainSpec chain, BackendSettings s) throws FirewallException {
        long now = clock.instant().getEpochSecond();
        int kept = 0;
        for (String line : ruleLines(family, chain, s)) {
            Optional<ListedRule> rule = ListedRule.parse(line, chain.toChain());
            if (rule.isEmpty() || !rule.get().hasExpiry()) {
                continue;
            }
            ListedRule r = rule.get();
            if (r.expiresAt() <= now) {
                deleteListed(family, chain, r, s);
                continue;
            }
            kept++;
            if (adoptedExpiry == null) {
                adoptedExpiry = Executors.newSingleThreadScheduledExecutor(t -> {
                    Thread th = new Thread(t, "postern-iptables-adopted-expiry");
                    th.setDaemon(true);
                    return th;
                });
            }
            long delayMs = Math.max(0, r.expiresAt() * 1000 - clock.millis());
            adoptedExpiry.schedule(() -> {
                lock.lock();
                try {
                    if (!stopped) {
                        deleteListed(family, chain, r, settings);
                    }
                } finally {
                    lock.unlock();
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        }
        if (kept > 0) {
            LOG.info("Kept {} unexpired rule(s) in {} ({}), closed when due", kept, chain.toChain(),
                    family == IpFamily.IPV6 ? "ip6tables" : "iptables");
        }
    }

    private void deleteListed(IpFamily family, ChainSpec chain, ListedRule r, BackendSettings s) {
        CommandResult result = run(family, r.delete(chain), s);
        if (result.succeeded()) {
            LOG.info("Removed rule(s) from {} for {} with expire time of {}", chain.toChain(), r.describe(), r.expiresAt());
        } else {
            LOG.warn("Could not remove the expired rule '{}': {}", r.line(), result.summary());
        }
    }

    private static BackendSettings settingsOrFail(IptablesConfig config) {
        try {
            return BackendSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("{}", e.getMessage());
            throw e;
        }
    }
}
