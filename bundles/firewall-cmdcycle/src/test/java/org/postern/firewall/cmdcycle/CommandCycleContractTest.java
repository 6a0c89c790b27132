package org.postern.firewall.cmdcycle;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.postern.api.AccessGrant;
import org.postern.api.CommandCycle;
import org.postern.api.CommandExecutor;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.GrantRequest;
import org.postern.exec.ProcessCommandExecutor;
import org.postern.firewall.testkit.FirewallBackendContract;
import org.postern.firewall.testkit.NetnsPair;

/**
 * The command-cycle backend passes the backend contract: a stanza's CMD_CYCLE_OPEN / CMD_CYCLE_CLOSE (here a
 * small script adding and deleting an iptables-nft / ip6tables-nft ACCEPT rule by the source's family) run
 * through the real executor inside the gateway namespace, whose INPUT policies drop by default.
 */
class CommandCycleContractTest extends FirewallBackendContract {

    private static final ProcessCommandExecutor HOST = new ProcessCommandExecutor();
    private static Path script;

    @Override
    protected void defaultDrop(NetnsPair pair) throws Exception {
        assumeTrue(new File("/usr/sbin/iptables-nft").canExecute() && new File("/usr/sbin/ip6tables-nft").canExecute(),
                "needs iptables-nft");
        if (script == null) {
            script = Files.createTempFile("cycle", ".sh");
            try (InputStream in = getClass().getResourceAsStream("/cycle.sh")) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            script.toFile().deleteOnExit();
        }
        for (String exe : List.of("/usr/sbin/iptables-nft", "/usr/sbin/ip6tables-nft")) {
            pair.mustInGateway(exe, "-w", "-P", "INPUT", "DROP");
            pair.mustInGateway(exe, "-w", "-A", "INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j",
                    "ACCEPT");
        }
        pair.mustInGateway("/usr/sbin/ip6tables-nft", "-w", "-A", "INPUT", "-p", "ipv6-icmp", "-j", "ACCEPT");
    }

    @Override
    protected void clearFirewall(NetnsPair pair) {
        for (String exe : List.of("/usr/sbin/iptables-nft", "/usr/sbin/ip6tables-nft")) {
            pair.inGateway(exe, "-w", "-F", "INPUT");
            pair.inGateway(exe, "-w", "-P", "INPUT", "ACCEPT");
        }
    }

    @Override
    protected FirewallBackend start(NetnsPair pair) {
        CommandExecutor inGateway = (argv, stdin, timeout) -> HOST.run(pair.gatewayCommand(argv), stdin, timeout);
        CommandCycle cycle = new CommandCycle("/bin/sh " + script + " -I $SRC $PROTO $PORT",
                "/bin/sh " + script + " -D $SRC $PROTO $PORT", 30);
        CommandCycleBackend b = new CommandCycleBackend(inGateway, "", "", 10);
        // the stanza's cycle travels with each grant, as the server sends it
        return new FirewallBackend() {
            public String name() {
                return b.name();
            }

            public void grant(AccessGrant g) throws FirewallException {
                b.grant(withCycle(g, cycle));
            }

            public void revoke(AccessGrant g) throws FirewallException {
                b.revoke(withCycle(g, cycle));
            }

            public List<String> list() {
                return b.list();
            }

            public void flush() throws FirewallException {
                b.flush();
            }

            public List<AccessGrant> liveGrants() {
                return b.liveGrants();
            }
        };
    }

    private static AccessGrant withCycle(AccessGrant g, CommandCycle cycle) {
        return new AccessGrant(g.id(), g.source(), g.destination(), g.ports(), g.expiresAt(), g.stanza(),
                new GrantRequest(g.source(), g.expiresAt().getEpochSecond() - 30, 0, 30, null, 0, cycle));
    }

    @Override
    protected void stop(FirewallBackend backend) throws Exception {
        backend.flush();
    }
}
