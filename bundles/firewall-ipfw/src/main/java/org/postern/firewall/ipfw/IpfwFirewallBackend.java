package org.postern.firewall.ipfw;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.AccessGrant;
import org.postern.api.CommandExecutor;
import org.postern.api.CommandResult;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.PortSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ipfw backend, as fwknopd 2.6.10 drives ipfw ({@code server/fw_util_ipfw.c}): each grant takes the next free
 * rule number from IPFW_START_RULE_NUM and adds one rule per port under it in the active set; when it closes the
 * rule number is moved to the disabled expire set ({@code ipfw set move rule <n> to <expire>}), so connections
 * already set up keep their dynamic rules; every IPFW_EXPIRE_PURGE_INTERVAL the expired rules that no dynamic
 * rule uses any more are deleted ({@code ipfw set <expire> delete <n>}). A re-knock adds the opening under a new
 * number and retires the old one at once (fwknopd would keep both).
 *
 * <p>Every call is {@code ipfw <args>} through the {@link CommandExecutor}, one at a time.
 */
@Component(service = FirewallBackend.class, configurationPid = IpfwFirewallBackend.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        property = FirewallBackend.BACKEND_PROPERTY + "=" + IpfwFirewallBackend.NAME)
@Designate(ocd = IpfwConfig.class)
public class IpfwFirewallBackend implements FirewallBackend {

    static final String PID = "org.postern.firewall.ipfw";
    static final String NAME = "ipfw";

    private static final Logger LOG = LoggerFactory.getLogger(IpfwFirewallBackend.class);
    private static final Pattern DISABLED = Pattern.compile("# DISABLED (\\d+)");
    private static final Pattern RULE_NUMBER = Pattern.compile("^\\s*(\\d+)\\b");

    private enum State { ACTIVE, EXPIRED }

    private final CommandExecutor executor;
    private final IpfwSettings s;
    private final ReentrantLock lock = new ReentrantLock();
    /** fwknopd's rule_map: the numbers in use (absent = free). Guarded by lock. */
    private final Map<Integer, State> rules = new TreeMap<>();
    /** What each active number opens. Guarded by lock. */
    private final Map<Integer, List<IpfwRule>> active = new LinkedHashMap<>();
    private final ScheduledThreadPoolExecutor purger;
    private boolean stopped;

    @Activate
    public IpfwFirewallBackend(@Reference(name = "executor") CommandExecutor executor, IpfwConfig config) {
        this(executor, IpfwSettings.from(config), true);
    }

    IpfwFirewallBackend(CommandExecutor executor, IpfwSettings settings, boolean purgeOnTimer) {
        this.executor = executor;
        this.s = settings;
        lock.lock();
        try {
            start();
        } catch (FirewallException e) {
            LOG.error("[*] Fatal: Errors detected during ipfw rules initialization: {}", e.getMessage());
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        if (purgeOnTimer) {
            purger = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "postern-ipfw-purge");
                t.setDaemon(true);
                return t;
            });
            long every = settings.purgeInterval().toMillis();
            purger.scheduleWithFixedDelay(this::purgeExpired, every, every, TimeUnit.MILLISECONDS);
        } else {
            purger = null;
        }
    }

    @Deactivate
    void deactivate() {
        close();
    }

    void close() {
        if (purger != null) {
            purger.shutdownNow();
        }
        lock.lock();
        try {
            if (!stopped && s.flushAtExit()) {
                deleteActiveSet(); // fwknopd keeps the expire set, so set-up connections are not cut
            }
            stopped = true;
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
            requireRunning();
            int number = nextFreeNumber();
            if (number < 0) {
                LOG.warn("Access request rejected: Maximum allowed number of rules has been reached.");
                throw new FirewallException("Maximum allowed number of ipfw rules has been reached");
            }
            List<IpfwRule> added = new ArrayList<>();
            for (PortSpec port : grant.ports()) {
                IpfwRule rule;
                try {
                    rule = IpfwRule.of(number, grant.source(), s.destinationRule() ? grant.destination() : null, port,
                            grant.expiresAt().getEpochSecond());
                } catch (IllegalArgumentException e) {
                    throw new FirewallException("Grant " + grant.id() + ": " + e.getMessage());
                }
                CommandResult r = run(rule.addArgs(s.activeSet()));
                if (!r.succeeded()) {
                    if (!added.isEmpty()) {
                        rules.put(number, State.ACTIVE);
                        retire(number); // what went in stops taking new connections
                    }
                    throw new FirewallException("Could not add ipfw rule: " + r.summary());
                }
                added.add(rule);
            }
            rules.put(number, State.ACTIVE);
            LOG.info("Added Rule {} for {}, {} expires at {}", number, IpfwRule.literal(grant.source()), grant.ports(),
                    grant.expiresAt().getEpochSecond());
            // a re-knock: the older number of the same opening is retired now, not left to stack
            for (Integer old : numbersOf(grant)) {
                retire(old);
            }
            active.put(number, added);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void revoke(AccessGrant grant) throws FirewallException {
        lock.lock();
        try {
            requireRunning();
            List<String> failures = new ArrayList<>();
            for (Integer number : numbersOf(grant)) {
                if (!retire(number)) {
                    failures.add("set move rule " + number + " to " + s.expireSet());
                }
            }
            if (!failures.isEmpty()) {
                throw new FirewallException("Could not expire ipfw rule(s): " + String.join("; ", failures));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> list() throws FirewallException {
        lock.lock();
        try {
            requireRunning();
            CommandResult r = run(List.of("set", Integer.toString(s.activeSet()), "list"));
            if (!r.succeeded()) {
                throw new FirewallException("Could not list ipfw set " + s.activeSet() + ": " + r.summary());
            }
            return r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<AccessGrant> liveGrants() throws FirewallException {
        lock.lock();
        try {
            requireRunning();
            long now = Instant.now().getEpochSecond();
            List<AccessGrant> out = new ArrayList<>();
            for (Map.Entry<Integer, List<IpfwRule>> e : active.entrySet()) {
                IpfwRule first = e.getValue().get(0);
                if (first.expiresAt() > now) {
                    out.add(new AccessGrant("ipfw:" + e.getKey(), first.source(), first.destination(),
                            e.getValue().stream().map(IpfwRule::port).toList(), Instant.ofEpochSecond(first.expiresAt()), ""));
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws FirewallException {
        lock.lock();
        try {
            requireRunning();
            for (Integer number : new ArrayList<>(active.keySet())) {
                retire(number);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * fwknopd's ipfw_purge_expired_rules: the expired numbers that have no dynamic rule left in the expire set
     * ({@code ipfw -d set <expire> list}, after {@code ## Dynamic rules}) are deleted.
     */
    void purgeExpired() {
        lock.lock();
        try {
            if (stopped || rules.values().stream().noneMatch(st -> st == State.EXPIRED)) {
                return;
            }
            CommandResult r = run(List.of("-d", "set", Integer.toString(s.expireSet()), "list"));
            if (!r.succeeded()) {
                LOG.error("Error {} from cmd:'{}': {}", r.exitCode(), String.join(" ", r.argv()), r.stderr().strip());
                return;
            }
            Set<Integer> dynamic = new HashSet<>();
            int at = r.stdout().toLowerCase(java.util.Locale.ROOT).indexOf("## dynamic rules");
            if (at >= 0) {
                for (String line : r.stdout().substring(at).lines().skip(1).toList()) {
                    Matcher m = RULE_NUMBER.matcher(line);
                    if (m.find()) {
                        dynamic.add(Integer.parseInt(m.group(1)));
                    }
                }
            }
            for (Map.Entry<Integer, State> e : new ArrayList<>(rules.entrySet())) {
                if (e.getValue() != State.EXPIRED || dynamic.contains(e.getKey())) {
                    continue;
                }
                CommandResult del = run(List.of("set", Integer.toString(s.expireSet()), "delete",
                        Integer.toString(e.getKey())));
                if (del.succeeded()) {
                    LOG.info("Purged rule {} from set {}", e.getKey(), s.expireSet());
                    rules.remove(e.getKey());
                } else {
                    LOG.error("Error {} from cmd:'{}': {}", del.exitCode(), String.join(" ", del.argv()), del.stderr().strip());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("ipfw purge failed: {}", e.toString());
        } finally {
            lock.unlock();
        }
    }

    private void start() throws FirewallException {
        if (s.flushAtInit()) {
            deleteActiveSet();
        }
        if (s.addCheckState()) {
            CommandResult r = run(List.of("add", Integer.toString(s.startRuleNum()), "set", Integer.toString(s.activeSet()),
                    "check-state"));
            if (r.succeeded()) {
                LOG.info("Added check-state rule {} to set {}", s.startRuleNum(), s.activeSet());
                rules.put(s.startRuleNum(), State.ACTIVE);
            } else {
                LOG.error("Error {} from cmd:'{}': {}", r.exitCode(), String.join(" ", r.argv()), r.stderr().strip());
            }
        }
        if (s.expireSet() > 0 && s.flushAtInit()) {
            CommandResult r = run(List.of("set", "disable", Integer.toString(s.expireSet())));
            if (r.succeeded()) {
                LOG.info("Set ipfw expire set {} to disabled.", s.expireSet());
            } else {
                LOG.error("Error {} from cmd:'{}': {}", r.exitCode(), String.join(" ", r.argv()), r.stderr().strip());
            }
        }
        CommandResult expired = run(List.of("-S", "set", Integer.toString(s.expireSet()), "list"));
        if (!expired.succeeded()) {
            throw new FirewallException("Error " + expired.exitCode() + " from cmd:'" + String.join(" ", expired.argv())
                    + "': " + expired.stdout() + expired.stderr());
        }
        Matcher m = DISABLED.matcher(expired.stdout());
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (inRange(n)) {
                rules.put(n, State.EXPIRED);
            }
        }
        if (!s.flushAtInit()) {
            // Postern: the active rules of an earlier run are tracked too (reported by liveGrants, closed when due)
            CommandResult live = run(List.of("set", Integer.toString(s.activeSet()), "list"));
            if (live.succeeded()) {
                for (String line : live.stdout().lines().toList()) {
                    IpfwRule.parse(line).filter(r -> inRange(r.number())).ifPresent(r -> {
                        rules.put(r.number(), State.ACTIVE);
                        active.computeIfAbsent(r.number(), k -> new ArrayList<>()).add(r);
                    });
                }
            }
        }
    }

    private boolean inRange(int n) {
        return n >= s.startRuleNum() && n < s.startRuleNum() + s.maxRules();
    }

    private int nextFreeNumber() {
        for (int i = 0; i < s.maxRules(); i++) {
            if (!rules.containsKey(s.startRuleNum() + i)) {
                return s.startRuleNum() + i;
            }
        }
        return -1;
    }

    /** The active numbers that open any of the grant's ports to its source. */
    private List<Integer> numbersOf(AccessGrant grant) {
        List<Integer> out = new ArrayList<>();
        for (Map.Entry<Integer, List<IpfwRule>> e : active.entrySet()) {
            if (e.getValue().stream().anyMatch(r -> grant.ports().stream().anyMatch(p -> r.sameOpening(grant.source(), p)))) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** fwknopd's expiry: the number moves to the disabled expire set. True when it moved. */
    private boolean retire(int number) {
        CommandResult r = run(List.of("set", "move", "rule", Integer.toString(number), "to", Integer.toString(s.expireSet())));
        List<IpfwRule> was = active.remove(number);
        if (r.succeeded()) {
            rules.put(number, State.EXPIRED);
            LOG.info("Moved rule {} with expire time of {} to set {}.", number,
                    was == null || was.isEmpty() ? "?" : was.get(0).expiresAt(), s.expireSet());
            return true;
        }
        LOG.error("Error {} from cmd:'{}': {}", r.exitCode(), String.join(" ", r.argv()), r.stderr().strip());
        return false;
    }

    private void deleteActiveSet() {
        if (s.activeSet() <= 0) {
            return;
        }
        CommandResult exists = run(List.of("set", Integer.toString(s.activeSet()), "list"));
        if (!exists.succeeded() || exists.stdout().isEmpty()) {
            return;
        }
        CommandResult r = run(List.of("delete", "set", Integer.toString(s.activeSet())));
        if (!r.succeeded()) {
            LOG.error("Error {} from cmd:'{}': {}", r.exitCode(), String.join(" ", r.argv()), r.stderr().strip());
        }
        rules.entrySet().removeIf(e -> e.getValue() == State.ACTIVE);
        active.clear();
    }

    private void requireRunning() throws FirewallException {
        if (stopped) {
            throw new FirewallException("the ipfw backend is stopped");
        }
    }

    private CommandResult run(List<String> args) {
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add(s.executable());
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
}
