package org.postern.firewall.iptables;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.postern.api.CommandExecutor;
import org.postern.api.FirewallBackend;
import org.postern.exec.ProcessCommandExecutor;
import org.postern.firewall.testkit.FirewallBackendContract;
import org.postern.firewall.testkit.NetnsPair;

/**
 * The iptables backend under the backend contract, with one iptables variant (nft or legacy) and its
 * ip6tables: default-drop INPUT policies for both families made with that variant.
 */
abstract class IptablesContract extends FirewallBackendContract {

    private static final ProcessCommandExecutor HOST = new ProcessCommandExecutor();

    /** The iptables program of the variant under test. */
    abstract String iptables();

    private String ip6tables() {
        return BackendSettings.ip6ExecutableFor(iptables());
    }

    @Override
    protected void defaultDrop(NetnsPair pair) {
        assumeTrue(new File(iptables()).canExecute() && new File(ip6tables()).canExecute(), "needs " + iptables());
        for (String exe : List.of(iptables(), ip6tables())) {
            pair.mustInGateway(exe, "-w", "-P", "INPUT", "DROP");
            pair.mustInGateway(exe, "-w", "-A", "INPUT", "-i", "lo", "-j", "ACCEPT");
            pair.mustInGateway(exe, "-w", "-A", "INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j",
                    "ACCEPT");
        }
        pair.mustInGateway(ip6tables(), "-w", "-A", "INPUT", "-p", "ipv6-icmp", "-j", "ACCEPT"); // neighbour discovery
    }

    @Override
    protected void clearFirewall(NetnsPair pair) {
        for (String exe : List.of(iptables(), ip6tables())) {
            pair.inGateway(exe, "-w", "-F", "INPUT");
            pair.inGateway(exe, "-w", "-P", "INPUT", "ACCEPT");
            pair.inGateway(exe, "-w", "-F", "FWKNOP_INPUT");
            pair.inGateway(exe, "-w", "-X", "FWKNOP_INPUT");
        }
    }

    @Override
    protected FirewallBackend start(NetnsPair pair) {
        CommandExecutor inGateway = (argv, stdin, timeout) -> {
            List<String> prefixed = new ArrayList<>(pair.gatewayCommand(argv));
            return HOST.run(prefixed, stdin, timeout);
        };
        BackendSettings s = new BackendSettings(iptables(), ip6tables(), ChainSpec.parse(ChainSpec.DEFAULT_INPUT_ACCESS),
                true, true, false, false, true, Duration.ofSeconds(10));
        return new IptablesFirewallBackend(inGateway, s);
    }

    @Override
    protected void stop(FirewallBackend backend) {
        ((IptablesFirewallBackend) backend).close();
    }
}
