package org.postern.firewall.cmdcycle;

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
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.AccessGrant;
import org.postern.api.CommandCycle;
import org.postern.api.CommandExecutor;
import org.postern.api.CommandResult;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.PortSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fwknop's command cycles as a firewall backend: a grant runs its stanza's {@code CMD_CYCLE_OPEN} (or the
 * configured open command) once per requested port, its revoke runs {@code CMD_CYCLE_CLOSE}; the server
 * schedules the revoke after fwknopd's close timer (the client's timeout, else {@code CMD_CYCLE_TIMER}).
 * Commands go through the {@link CommandExecutor} as argument vectors, never a shell.
 *
 * <p>What a command did cannot be read back, so the backend remembers the open ports (source and port); a
 * re-knock of an open port extends it without running the open command again, and a revoke runs the close
 * command only for a port it opened. That memory is what {@link #list()} and {@link #liveGrants()} report.
 */
@Component(service = FirewallBackend.class, configurationPid = CommandCycleBackend.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        property = FirewallBackend.BACKEND_PROPERTY + "=" + CommandCycleBackend.NAME)
@Designate(ocd = CommandCycleConfig.class)
public class CommandCycleBackend implements FirewallBackend {

    static final String PID = "org.postern.firewall.cmdcycle";
    static final String NAME = "cmd-cycle";

    private static final Logger LOG = LoggerFactory.getLogger(CommandCycleBackend.class);

    private final CommandExecutor executor;
    private final ReentrantLock lock = new ReentrantLock();

    /** An open port: the grant (for its variables and cycle) and the cycle that opened it. Guarded by lock. */
    private record Open(AccessGrant grant, PortSpec port, CommandCycle cycle) {
    }

    private final Map<String, Open> open = new LinkedHashMap<>();
    private volatile CommandCycle defaults;
    private volatile Duration timeout;

    @Activate
    public CommandCycleBackend(@Reference(name = "executor") CommandExecutor executor, CommandCycleConfig config) {
        this.executor = executor;
        configure(config.openCommand(), config.closeCommand(), config.commandTimeoutSeconds());
    }

    CommandCycleBackend(CommandExecutor executor, String openCommand, String closeCommand, int timeoutSeconds) {
        this.executor = executor;
        configure(openCommand, closeCommand, timeoutSeconds);
    }

    @Modified
    void modified(CommandCycleConfig config) {
        configure(config.openCommand(), config.closeCommand(), config.commandTimeoutSeconds());
    }

    private void configure(String openCommand, String closeCommand, int timeoutSeconds) {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("Invalid configuration " + PID + ": commandTimeoutSeconds must be at "
                    + "least 1, not " + timeoutSeconds);
        }
        CommandCycle d = null;
        if (openCommand != null && !openCommand.isBlank()) {
            try {
                CycleCommand.parse(openCommand);
                if (closeCommand != null && !closeCommand.isBlank() && !closeCommand.strip().equals("NONE")) {
                    CycleCommand.parse(closeCommand);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid configuration " + PID + ": " + e.getMessage(), e);
            }
            d = new CommandCycle(openCommand, closeCommand, 0);
        }
        defaults = d;
        timeout = Duration.ofSeconds(timeoutSeconds);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void grant(AccessGrant grant) throws FirewallException {
        CommandCycle cycle = cycleOf(grant);
        lock.lock();
        try {
            List<String> opened = new ArrayList<>();
            for (PortSpec port : grant.ports()) {
                String key = key(grant, port);
                Open current = open.get(key);
                if (current != null) {
                    open.put(key, new Open(grant, port, current.cycle())); // re-knock: extends, runs nothing
                    LOG.debug("Command cycle for {} already open; extended to {}", key, grant.expiresAt());
                    continue;
                }
                CommandResult r = run(cycle.open(), grant, port);
                if (!r.succeeded()) {
                    for (String k : opened) {
                        Open o = open.remove(k);
                        if (o.cycle().close() != null) {
                            run(o.cycle().close(), o.grant(), o.port());
                        }
                    }
                    throw new FirewallException("CMD_CYCLE_OPEN failed for " + key + ": " + r.summary());
                }
                open.put(key, new Open(grant, port, cycle));
                opened.add(key);
                LOG.info("Ran command cycle open for {} (stanza {}), close due at {}: {}", key, grant.stanza(),
                        grant.expiresAt().getEpochSecond(), String.join(" ", r.argv()));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void revoke(AccessGrant grant) throws FirewallException {
        lock.lock();
        try {
            List<String> failures = new ArrayList<>();
            for (PortSpec port : grant.ports()) {
                String key = key(grant, port);
                Open o = open.remove(key);
                if (o == null) {
                    LOG.debug("No open command cycle for {} (already closed)", key);
                    continue;
                }
                if (o.cycle().close() == null) {
                    LOG.info("Command cycle for {} ends (CMD_CYCLE_CLOSE NONE)", key);
                    continue;
                }
                CommandResult r = run(o.cycle().close(), o.grant(), port);
                if (r.succeeded()) {
                    LOG.info("Ran command cycle close for {}: {}", key, String.join(" ", r.argv()));
                } else {
                    failures.add(r.summary());
                }
            }
            if (!failures.isEmpty()) {
                throw new FirewallException("CMD_CYCLE_CLOSE failed: " + String.join("; ", failures));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> list() {
        lock.lock();
        try {
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, Open> e : open.entrySet()) {
                Open o = e.getValue();
                lines.add(e.getKey() + " open until " + o.grant().expiresAt().getEpochSecond() + " (stanza "
                        + o.grant().stanza() + "): close " + (o.cycle().close() == null ? "NONE"
                                : String.join(" ", CycleCommand.parse(o.cycle().close())
                                        .argv(CycleVariables.of(o.grant(), o.port())))));
            }
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<AccessGrant> liveGrants() {
        lock.lock();
        try {
            Map<String, List<PortSpec>> ports = new LinkedHashMap<>();
            Map<String, AccessGrant> first = new LinkedHashMap<>();
            Instant now = Instant.now();
            for (Open o : open.values()) {
                if (!o.grant().expiresAt().isAfter(now)) {
                    continue;
                }
                String k = CycleVariables.literal(o.grant().source()) + " " + o.grant().expiresAt();
                ports.computeIfAbsent(k, x -> new ArrayList<>()).add(o.port());
                first.putIfAbsent(k, o.grant());
            }
            List<AccessGrant> out = new ArrayList<>();
            for (Map.Entry<String, AccessGrant> e : first.entrySet()) {
                AccessGrant g = e.getValue();
                out.add(new AccessGrant("cmd:" + g.id(), g.source(), g.destination(), ports.get(e.getKey()),
                        g.expiresAt(), g.stanza(), g.request()));
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
            List<Open> all = new ArrayList<>(open.values());
            List<String> failures = new ArrayList<>();
            for (Open o : all) {
                try {
                    revoke(new AccessGrant(o.grant().id(), o.grant().source(), o.grant().destination(),
                            List.of(o.port()), o.grant().expiresAt(), o.grant().stanza(), o.grant().request()));
                } catch (FirewallException e) {
                    failures.add(e.getMessage());
                }
            }
            if (!failures.isEmpty()) {
                throw new FirewallException(String.join("; ", failures));
            }
        } finally {
            lock.unlock();
        }
    }

    private CommandCycle cycleOf(AccessGrant grant) throws FirewallException {
        CommandCycle c = grant.request() != null ? grant.request().commandCycle() : null;
        if (c == null) {
            c = defaults;
        }
        if (c == null) {
            throw new FirewallException("stanza " + grant.stanza() + " has no CMD_CYCLE_OPEN and " + PID
                    + " has no openCommand");
        }
        return c;
    }

    private CommandResult run(String template, AccessGrant grant, PortSpec port) {
        List<String> argv;
        try {
            argv = CycleCommand.parse(template).argv(CycleVariables.of(grant, port));
        } catch (IllegalArgumentException e) {
            return new CommandResult(List.of(template), -1, "", e.getMessage());
        }
        CommandResult r;
        try {
            r = executor.run(argv, null, timeout);
        } catch (RuntimeException e) {
            r = new CommandResult(argv, -1, "", "command executor failed: " + e);
        }
        LOG.debug("{}", r.summary());
        return r;
    }

    private static String key(AccessGrant g, PortSpec port) {
        return CycleVariables.literal(g.source()) + " " + port;
    }
}
