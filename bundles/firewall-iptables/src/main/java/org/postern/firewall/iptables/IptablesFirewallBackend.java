package org.postern.firewall.iptables;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
            List<IptablesRule> rules = rulesOf(grant, s);
            IpFamily family = IpFamily.of(grant.source());
            requireFamily(family, s);
            List<ListedRule> present = listed(family, s);

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
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void revoke(AccessGrant grant) throws FirewallException {
        lock.lock();
        try {
            BackendSettings s = requireRunning();
            List<IptablesRule> rules = rulesOf(grant, s);
            IpFamily family = IpFamily.of(grant.source());
            if (family == IpFamily.IPV6 && !ip6Ready) {
                return; // no IPv6 chain was made, so no rule of this grant can exist
            }
            List<String> failures = new ArrayList<>();
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
            removeChain(IpFamily.IPV4, s, true);
            if (ip6Ready) {
                removeChain(IpFamily.IPV6, s, true);
            }
        }
        ip6Ready = false;
    }

    /** fwknop's delete_all_chains for one chain: jump rule(s), flush, delete. */
    private void removeChain(IpFamily family, BackendSettings s, boolean expectPresent) {
        ChainSpec chain = s.inputAccess();
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
        ChainSpec chain = s.inputAccess();
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
        CommandResult result = run(family, s.inputAccess().listRules(), s);
        if (!result.succeeded()) {
            throw new FirewallException("Could not list " + s.inputAccess().toChain() + ": " + result.summary());
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

    private static BackendSettings settingsOrFail(IptablesConfig config) {
        try {
            return BackendSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("{}", e.getMessage());
            throw e;
        }
    }
}
