package org.postern.firewall.nftables;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.time.Clock;
import java.time.Duration;

import org.postern.api.FirewallBackend;
import org.postern.firewall.testkit.FirewallBackendContract;
import org.postern.firewall.testkit.NetnsPair;

/** The nftables backend passes the backend contract, hooked into a default-drop {@code inet filter input}. */
class NftablesContractTest extends FirewallBackendContract {

    private static final String NFT = "/usr/sbin/nft";

    @Override
    protected void defaultDrop(NetnsPair pair) throws Exception {
        assumeTrue(new File(NFT).canExecute(), "needs nft");
        java.nio.file.Path f = java.nio.file.Files.createTempFile("drop", ".nft");
        java.nio.file.Files.writeString(f, "flush ruleset\n"
                + "table inet filter {\n"
                + "  chain input {\n"
                + "    type filter hook input priority 0; policy drop;\n"
                + "    ct state established,related accept\n"
                + "    iif lo accept\n"
                + "    meta l4proto { icmp, ipv6-icmp } accept\n"
                + "  }\n"
                + "}\n");
        try {
            pair.mustInGateway(NFT, "-f", f.toString());
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @Override
    protected void clearFirewall(NetnsPair pair) {
        pair.mustInGateway(NFT, "flush", "ruleset");
    }

    @Override
    protected FirewallBackend start(NetnsPair pair) {
        NftSettings s = new NftSettings(NFT, ChainRef.parse("inet filter input"), "postern", false, true,
                Duration.ofSeconds(10));
        return new NftablesFirewallBackend(s,
                x -> new InteractiveNft(pair.gatewayCommand(InteractiveNft.commandFor(NFT)), x.commandTimeout()),
                Clock.systemUTC());
    }

    @Override
    protected void stop(FirewallBackend backend) {
        ((NftablesFirewallBackend) backend).close();
    }

    @Override
    protected boolean firewallExpires() {
        return true;
    }
}
