package org.postern.server;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.postern.api.AccessGrant;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.GrantRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local control channel of a daemon started by {@code bin/fwknopd}: a Unix domain socket
 * {@code <run dir>/karaf/fwknopd.ctl} (mode 0600 in a 0700 directory: only the daemon's user reaches it; no
 * network at all) answering one request per connection, for the flags that act on the running daemon:
 * {@code status}, {@code fw-list}, {@code fw-list-all}, {@code fw-flush}, {@code reload} (re-read the configuration,
 * grants stay open; an error keeps the configuration in force and answers {@code ERROR file:line: KEYWORD: ...}).
 * The request is one line; the answer
 * is text, its last line {@code OK} or {@code ERROR <reason>}. Only active when the property
 * {@code postern.run.dir} is set (bin/fwknopd).
 */
@Component(immediate = true, service = ControlSocket.class, configurationPolicy = ConfigurationPolicy.IGNORE)
public final class ControlSocket {

    private static final Logger LOG = LoggerFactory.getLogger(ControlSocket.class);
    static final String FILE_NAME = "fwknopd.ctl";
    private static final int MAX_REQUEST = 256;

    private final FirewallSlot firewall;
    private volatile GrantRegistry registry;
    private volatile org.postern.api.PolicyControl policy;
    private final ServerSocketChannel server;
    private final Path path;
    private final Thread thread;

    @Activate
    public ControlSocket(BundleContext context, @Reference FirewallSlot firewall) throws IOException {
        this.firewall = firewall;
        String data = context.getProperty("karaf.data");
        if (context.getProperty("postern.run.dir") == null || data == null) {
            server = null;
            path = null;
            thread = null;
            return;
        }
        path = Path.of(data, FILE_NAME);
        ServerSocketChannel s = null;
        try {
            Files.deleteIfExists(path);
            s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            s.bind(UnixDomainSocketAddress.of(path)); // fails for a path longer than the kernel's 107 bytes
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("No control socket at {} (bin/fwknopd --fw-list, --fw-flush unavailable): {}", path, e.toString());
            if (s != null) {
                s.close();
            }
            server = null;
            thread = null;
            return;
        }
        server = s;
        thread = new Thread(this::serve, "postern-control");
        thread.setDaemon(true);
        thread.start();
        LOG.info("Control socket {} (bin/fwknopd -S, --fw-list, --fw-list-all, --fw-flush)", path);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindRegistry(GrantRegistry r) {
        registry = r;
    }

    void unbindRegistry(GrantRegistry r) {
        if (registry == r) {
            registry = null;
        }
    }

    /** The daemon component (absent while its configuration has an error at start). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindPolicy(org.postern.api.PolicyControl p) {
        policy = p;
    }

    void unbindPolicy(org.postern.api.PolicyControl p) {
        if (policy == p) {
            policy = null;
        }
    }

    @Deactivate
    void deactivate() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing control socket: {}", e.toString());
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("removing {}: {}", path, e.toString());
        }
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                String request = readLine(c);
                String answer = answer(request);
                ByteBuffer out = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) {
                    c.write(out);
                }
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.debug("control socket: {}", e.toString());
                }
            } catch (RuntimeException e) {
                LOG.warn("control socket request failed: {}", e.toString());
            }
        }
    }

    private static String readLine(SocketChannel c) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        while (in.hasRemaining()) {
            int n = c.read(in);
            if (n < 0) {
                break;
            }
            byte[] a = in.array();
            boolean eol = false;
            for (int i = 0; i < in.position(); i++) {
                if (a[i] == '\n') {
                    eol = true;
                    break;
                }
            }
            if (eol) {
                break;
            }
        }
        String s = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** The answer to one request, ending with OK or ERROR. Package-private for tests. */
    String answer(String request) {
        GrantRegistry r = policy == null ? null : registry; // grants outlive the daemon component: ask it first
        org.postern.api.PolicyControl pc = policy;
        FirewallBackend fw = firewall.current();
        List<String> out = new ArrayList<>();
        try {
            switch (request) {
                case "status" -> {
                    out.add("daemon: " + (r == null ? "not running (configuration error?)" : "running"));
                    out.add("firewall backend: " + (fw == null ? "none" : fw.name()));
                    out.add("live grants: " + (r == null ? 0 : r.grants().size()));
                    if (r == null) {
                        return String.join("\n", out) + "\nERROR daemon component not active\n";
                    }
                    org.postern.api.PolicyState st = pc.state();
                    out.add("access stanzas: " + st.stanzas() + " (loaded " + st.loadedAt() + ", reloads " + st.reloads()
                            + ", refused " + st.failures() + ")");
                    if (!st.ok()) {
                        out.add("last reload refused: " + st.lastError());
                    }
                }
                case "reload" -> {
                    if (pc == null) {
                        return "ERROR daemon component not active\n";
                    }
                    org.postern.api.PolicyState st = pc.reload();
                    if (!st.ok()) {
                        return "Reload refused, the last good configuration stays in force\nERROR " + st.lastError()
                                + "\n";
                    }
                    out.add("Reloaded: " + st.stanzas() + " access stanza(s) in force; live grants kept");
                }
                case "fw-list" -> {
                    requireBackend(fw, out);
                    out.add("Listing rules in fwknopd " + fw.name() + " chains...");
                    out.addAll(fw.list());
                }
                case "fw-list-all" -> {
                    requireBackend(fw, out);
                    out.add("Listing rules in fwknopd " + fw.name() + " chains...");
                    out.addAll(fw.list());
                    out.add("");
                    out.add("Live grants (" + (r == null ? 0 : r.grants().size()) + "):");
                    if (r != null) {
                        for (AccessGrant g : r.grants()) {
                            out.add(describe(g));
                        }
                    }
                }
                case "fw-flush" -> {
                    requireBackend(fw, out);
                    int n = 0;
                    if (r != null) {
                        for (AccessGrant g : r.grants()) {
                            if (r.revoke(g.id()).isPresent()) {
                                n++;
                            }
                        }
                    }
                    fw.flush();
                    out.add("Revoked " + n + " live grant(s); flushed the rules of firewall backend " + fw.name());
                    LOG.info("fw-flush from bin/fwknopd: revoked {} live grant(s), flushed {}", n, fw.name());
                }
                default -> {
                    return "ERROR unknown request '" + request + "'\n";
                }
            }
        } catch (FirewallException | IllegalStateException e) {
            out.add("ERROR " + e.getMessage());
            return String.join("\n", out) + "\n";
        }
        out.add("OK");
        return String.join("\n", out) + "\n";
    }

    private static void requireBackend(FirewallBackend fw, List<String> out) throws FirewallException {
        if (fw == null) {
            throw new FirewallException("no firewall backend in force");
        }
    }

    static String describe(AccessGrant g) {
        long left = Math.max(0, g.expiresAt().getEpochSecond() - Instant.now().getEpochSecond());
        List<String> ports = new ArrayList<>();
        g.ports().forEach(p -> ports.add(p.toString()));
        return "  " + g.id() + " " + g.source().getHostAddress() + " " + String.join(",", ports) + " expires in "
                + left + " s (stanza " + g.stanza() + ")";
    }
}
