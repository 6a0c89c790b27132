package org.postern.firewall.pf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

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
 * The pf backend, as fwknopd 2.6.10 drives pf ({@code server/fw_util_pf.c}): the anchor (default
 * {@code fwknop}) must be referenced from pf.conf; at start and stop it is flushed ({@code pfctl -a fwknop -F all});
 * a grant reads the anchor ({@code pfctl -a fwknop -s rules}), appends one {@link PfRule} per port and writes
 * the whole anchor back ({@code pfctl -a fwknop -f -}, the rules on standard input); a revoke writes it back
 * without the grant's rules, or flushes the anchor when no rule is left. Unlike fwknopd, all ports of a grant go
 * in with one write, and a re-knock replaces the opening's older rule instead of adding a second one.
 */
@Component(service = FirewallBackend.class, configurationPid = PfFirewallBackend.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        property = FirewallBackend.BACKEND_PROPERTY + "=" + PfFirewallBackend.NAME)
@Designate(ocd = PfConfig.class)
public class PfFirewallBackend implements FirewallBackend {

    static final String PID = "org.postern.firewall.pf";
    static final String NAME = "pf";

    private static final Logger LOG = LoggerFactory.getLogger(PfFirewallBackend.class);

    private final CommandExecutor executor;
    private final String executable;
    private final String anchor;
    private final boolean destinationRule;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean stopped;

    @Activate
    public PfFirewallBackend(@Reference(name = "executor") CommandExecutor executor, PfConfig config) {
        this(executor, config.executable(), config.anchor(), config.destinationRule(),
                Duration.ofSeconds(config.commandTimeoutSeconds()));
    }

    PfFirewallBackend(CommandExecutor executor, String executable, String anchor, boolean destinationRule,
            Duration timeout) {
        if (anchor == null || !anchor.matches("[A-Za-z0-9_/-]{1,63}")) {
            throw new IllegalArgumentException("Invalid configuration " + PID + ": anchor '" + anchor + "'");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("Invalid configuration " + PID + ": commandTimeoutSeconds must be at least 1");
        }
        this.executor = executor;
        this.executable = executable;
        this.anchor = anchor;
        this.destinationRule = destinationRule;
        this.timeout = timeout;
        lock.lock();
        try {
            CommandResult anchors = run(List.of("-s", "Anchor"), null);
            if (!anchors.succeeded() || anchors.stdout().lines().noneMatch(l -> l.strip().equals(anchor))) {
                LOG.error("pf backend cannot start: Warning: the {} anchor is not active in the pf policy", anchor);
                throw new IllegalStateException("the " + anchor + " anchor is not active in the pf policy ("
                        + anchors.summary() + "): add 'anchor \"" + anchor + "\"' to pf.conf");
            }
            deleteAllAnchorRules();
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
            if (!stopped) {
                deleteAllAnchorRules();
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
            requireRunning();
            List<PfRule> added = rulesOf(grant);
            List<String> keep = new ArrayList<>();
            for (String line : anchorRules()) {
                boolean replaced = PfRule.parse(line).filter(r -> added.stream().anyMatch(r::sameOpening)).isPresent();
                if (!replaced) {
                    keep.add(line);
                }
            }
            added.forEach(r -> keep.add(r.render()));
            write(keep);
            LOG.info("Added Rule for {}, {} expires at {}", PfRule.literal(grant.source()), grant.ports(),
                    grant.expiresAt().getEpochSecond());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void revoke(AccessGrant grant) throws FirewallException {
        lock.lock();
        try {
            requireRunning();
            List<PfRule> gone = rulesOf(grant);
            List<String> keep = new ArrayList<>();
            boolean removed = false;
            for (String line : anchorRules()) {
                if (PfRule.parse(line).filter(r -> gone.stream().anyMatch(r::sameOpening)).isPresent()) {
                    removed = true;
                } else {
                    keep.add(line);
                }
            }
            if (!removed) {
                return; // already gone
            }
            if (keep.stream().noneMatch(l -> l.startsWith("pass"))) {
                deleteAllAnchorRules();
            } else {
                write(keep);
            }
            LOG.info("Deleting rule with expire time of {}.", grant.expiresAt().getEpochSecond());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> list() throws FirewallException {
        lock.lock();
        try {
            requireRunning();
            return List.copyOf(anchorRules());
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
            Map<String, List<PortSpec>> ports = new LinkedHashMap<>();
            Map<String, PfRule> first = new LinkedHashMap<>();
            for (String line : anchorRules()) {
                PfRule.parse(line).filter(r -> r.expiresAt() > now).ifPresent(r -> {
                    String k = PfRule.literal(r.source()) + " " + r.expiresAt();
                    ports.computeIfAbsent(k, x -> new ArrayList<>()).add(r.port());
                    first.putIfAbsent(k, r);
                });
            }
            List<AccessGrant> out = new ArrayList<>();
            first.forEach((k, r) -> out.add(new AccessGrant("pf:" + r.expiresAt(), r.source(), r.destination(),
                    ports.get(k), Instant.ofEpochSecond(r.expiresAt()), "")));
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
            deleteAllAnchorRules();
        } finally {
            lock.unlock();
        }
    }

    private List<PfRule> rulesOf(AccessGrant grant) throws FirewallException {
        List<PfRule> rules = new ArrayList<>();
        for (PortSpec port : grant.ports()) {
            try {
                rules.add(PfRule.of(grant.source(), destinationRule ? grant.destination() : null, port,
                        grant.expiresAt().getEpochSecond()));
            } catch (IllegalArgumentException e) {
                throw new FirewallException("Grant " + grant.id() + ": " + e.getMessage());
            }
        }
        return rules;
    }

    private List<String> anchorRules() throws FirewallException {
        CommandResult r = run(List.of("-a", anchor, "-s", "rules"), null);
        if (!r.succeeded()) {
            throw new FirewallException("Could not list anchor " + anchor + ": " + r.summary());
        }
        return r.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private void write(List<String> rules) throws FirewallException {
        String text = String.join("\n", rules) + "\n";
        CommandResult r = run(List.of("-a", anchor, "-f", "-"), text.getBytes(StandardCharsets.US_ASCII));
        if (!r.succeeded()) {
            throw new FirewallException("Could not write rule to pf anchor " + anchor + ": " + r.summary());
        }
    }

    private void deleteAllAnchorRules() {
        CommandResult r = run(List.of("-a", anchor, "-F", "all"), null);
        if (!r.succeeded()) {
            LOG.error("Error {} from cmd:'{}': {}", r.exitCode(), String.join(" ", r.argv()), r.stderr().strip());
        }
    }

    private void requireRunning() throws FirewallException {
        if (stopped) {
            throw new FirewallException("the pf backend is stopped");
        }
    }

    private CommandResult run(List<String> args, byte[] stdin) {
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add(executable);
        argv.addAll(args);
        CommandResult result;
        try {
            result = executor.run(argv, stdin, timeout);
        } catch (RuntimeException e) {
            result = new CommandResult(argv, -1, "", "command executor failed: " + e);
        }
        LOG.debug("{}", result.summary());
        return result;
    }
}
