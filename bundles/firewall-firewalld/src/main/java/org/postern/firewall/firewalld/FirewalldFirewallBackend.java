package org.postern.firewall.firewalld;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firewalld backend: every opened port is a runtime rich rule added with firewalld's own
 * {@code --timeout}, so firewalld removes it on time even when the daemon is gone (not fwknop's
 * {@code --direct --passthrough} iptables rules, upstream #324). Postern's rules are told apart by their
 * priority: {@code priority} and {@code priority + 1}. A re-knock adds the rule again under the other priority
 * with the new timeout and then removes the old one (firewalld does not change the timeout of a rule that is
 * already there), so the opening never closes in between and never stacks.
 *
 * <p>Every call is {@code firewall-cmd [--zone=Z] ...} through the {@link CommandExecutor}, one at a time.
 */
@Component(service = FirewallBackend.class, configurationPid = FirewalldFirewallBackend.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        property = FirewallBackend.BACKEND_PROPERTY + "=" + FirewalldFirewallBackend.NAME)
@Designate(ocd = FirewalldConfig.class)
public class FirewalldFirewallBackend implements FirewallBackend {

    static final String PID = "org.postern.firewall.firewalld";
    static final String NAME = "firewalld";

    private static final Logger LOG = LoggerFactory.getLogger(FirewalldFirewallBackend.class);

    /** How the backend calls firewall-cmd. */
    record Settings(String executable, String zone, int priority, boolean destinationRule, boolean flushAtInit,
            boolean flushAtExit, Duration commandTimeout) {

        Settings {
            if (executable == null || executable.isBlank()) {
                throw new IllegalArgumentException("Invalid configuration " + PID + ": executable is empty");
            }
            zone = zone == null ? "" : zone.strip();
            if (!zone.isEmpty() && !zone.matches("[A-Za-z0-9_+-]{1,17}")) {
                throw new IllegalArgumentException("Invalid configuration " + PID + ": zone '" + zone + "' is not a "
                        + "firewalld zone name");
            }
            if (priority < -32768 || priority > 32766) {
                throw new IllegalArgumentException("Invalid configuration " + PID + ": priority must be -32768..32766");
            }
            if (commandTimeout == null || commandTimeout.isZero() || commandTimeout.isNegative()) {
                throw new IllegalArgumentException("Invalid configuration " + PID + ": commandTimeoutSeconds must be "
                        + "at least 1");
            }
        }

        static Settings from(FirewalldConfig c) {
            return new Settings(c.executable(), c.zone(), c.priority(), c.destinationRule(), c.flushAtInit(),
                    c.flushAtExit(), Duration.ofSeconds(Math.max(0, c.commandTimeoutSeconds())));
        }

        boolean ours(RichRule r) {
            return r.priority() == priority || r.priority() == priority + 1;
        }
    }

    private final CommandExecutor executor;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private Settings settings; // guarded by lock
    private boolean stopped;

    @Activate
    public FirewalldFirewallBackend(@Reference(name = "executor") CommandExecutor executor, FirewalldConfig config) {
        this(executor, Settings.from(config), Clock.systemUTC());
    }

    FirewalldFirewallBackend(CommandExecutor executor, Settings settings, Clock clock) {
        this.executor = executor;
        this.clock = clock;
        this.settings = settings;
        lock.lock();
        try {
            CommandResult state = run(List.of("--state"));
            if (!state.succeeded()) {
                String why = "firewalld is not running or not reachable: " + state.summary();
                LOG.error("firewalld backend cannot start: {}", why);
                throw new IllegalStateException(why);
            }
            if (settings.flushAtInit()) {
                removeOurs();
            }
            LOG.info("firewalld backend ready: rich rules with priority {}/{} in zone {}", settings.priority(),
                    settings.priority() + 1, settings.zone().isEmpty() ? "(default)" : settings.zone());
        } catch (FirewallException e) {
            LOG.error("firewalld backend cannot start: {}", e.getMessage());
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Modified
    void modified(FirewalldConfig config) {
        Settings next = Settings.from(config);
        lock.lock();
        try {
            if (next.priority() != settings.priority() || !next.zone().equals(settings.zone())
                    || !next.executable().equals(settings.executable())) {
                if (settings.flushAtExit()) {
                    try {
                        removeOurs();
                    } catch (FirewallException e) {
                        LOG.warn("Removing Postern's rich rules: {}", e.getMessage());
                    }
                }
            }
            settings = next;
        } finally {
            lock.unlock();
        }
    }

    @Deactivate
    void deactivate() {
        close();
    }

    void close() {
        lock.lock();
        try {
            if (!stopped && settings.flushAtExit()) {
                try {
                    removeOurs();
                } catch (FirewallException e) {
                    LOG.warn("Removing Postern's rich rules at stop: {}", e.getMessage());
                }
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
            Settings s = requireRunning();
            List<RichRule> present = listed();
            long seconds = Math.max(1, (grant.expiresAt().toEpochMilli() - clock.millis() + 999) / 1000);
            List<String> add = new ArrayList<>();
            List<String> replaced = new ArrayList<>();
            for (RichRule wanted : rulesOf(grant, s)) {
                List<RichRule> old = present.stream().filter(r -> s.ours(r) && r.sameOpening(wanted)).toList();
                // the other priority than the one in place: added beside it, then the old one goes
                int priority = old.stream().anyMatch(r -> r.priority() == s.priority()) ? s.priority() + 1 : s.priority();
                add.add("--add-rich-rule=" + wanted.withPriority(priority).render());
                old.forEach(r -> replaced.add("--remove-rich-rule=" + r.render()));
            }
            add.add("--timeout=" + seconds);
            CommandResult added = run(add);
            if (!added.succeeded()) {
                throw new FirewallException("Could not add rich rules: " + added.summary());
            }
            LOG.info("Added rich rule(s) for {} {} with a timeout of {} s, expires at {}", RichRule.literal(grant.source()),
                    grant.ports(), seconds, grant.expiresAt().getEpochSecond());
            if (!replaced.isEmpty()) {
                CommandResult removed = run(replaced);
                if (!removed.succeeded()) {
                    LOG.warn("Could not remove the replaced rich rule(s): {}", removed.summary());
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
            Settings s = requireRunning();
            List<String> remove = new ArrayList<>();
            for (RichRule r : rulesOf(grant, s)) {
                remove.add("--remove-rich-rule=" + r.withPriority(s.priority()).render());
                remove.add("--remove-rich-rule=" + r.withPriority(s.priority() + 1).render());
            }
            CommandResult removed = run(remove); // a rule that is not there only gives a NOT_ENABLED warning
            if (!removed.succeeded()) {
                throw new FirewallException("Could not remove rich rules: " + removed.summary());
            }
            LOG.info("Removed rich rule(s) for {} {} with expire time of {}", RichRule.literal(grant.source()),
                    grant.ports(), grant.expiresAt().getEpochSecond());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> list() throws FirewallException {
        lock.lock();
        try {
            Settings s = requireRunning();
            return listed().stream().filter(s::ours).map(RichRule::render).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws FirewallException {
        lock.lock();
        try {
            requireRunning();
            removeOurs();
        } finally {
            lock.unlock();
        }
    }

    private void removeOurs() throws FirewallException {
        Set<String> remove = new LinkedHashSet<>();
        for (RichRule r : listed()) {
            if (settings.ours(r)) {
                remove.add("--remove-rich-rule=" + r.render());
            }
        }
        if (remove.isEmpty()) {
            return;
        }
        CommandResult removed = run(new ArrayList<>(remove));
        if (!removed.succeeded()) {
            throw new FirewallException("Could not remove Postern's rich rules: " + removed.summary());
        }
        LOG.info("Removed {} rich rule(s) of Postern", remove.size());
    }

    private List<RichRule> listed() throws FirewallException {
        CommandResult r = run(List.of("--list-rich-rules"));
        if (!r.succeeded()) {
            throw new FirewallException("Could not list rich rules: " + r.summary());
        }
        List<RichRule> rules = new ArrayList<>();
        r.stdout().lines().forEach(l -> RichRule.parse(l).ifPresent(rules::add));
        return rules;
    }

    private Settings requireRunning() throws FirewallException {
        if (stopped) {
            throw new FirewallException("the firewalld backend is stopped");
        }
        return settings;
    }

    private static List<RichRule> rulesOf(AccessGrant grant, Settings s) throws FirewallException {
        List<RichRule> rules = new ArrayList<>();
        for (PortSpec port : grant.ports()) {
            try {
                rules.add(RichRule.of(s.priority(), grant.source(), s.destinationRule() ? grant.destination() : null, port));
            } catch (IllegalArgumentException e) {
                throw new FirewallException("Grant " + grant.id() + ": " + e.getMessage());
            }
        }
        return rules;
    }

    private CommandResult run(List<String> args) {
        List<String> argv = new ArrayList<>(args.size() + 2);
        argv.add(settings.executable());
        if (!settings.zone().isEmpty()) {
            argv.add("--zone=" + settings.zone());
        }
        argv.addAll(args);
        CommandResult result;
        try {
            result = executor.run(argv, null, settings.commandTimeout());
        } catch (RuntimeException e) {
            result = new CommandResult(argv, -1, "", "command executor failed: " + e);
        }
        LOG.debug("{}", result.summary());
        return result;
    }
}
