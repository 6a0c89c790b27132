package org.postern.firewall.iptables;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.postern.api.AccessGrant;
import org.postern.api.PortSpec;
import org.postern.api.Protocol;

/**
 * One fwknop access rule in our chain, rendered exactly as fwknopd 2.6.10 does (IPT_RULE_ARGS):
 * {@code -t filter -p 6 -s 10.9.8.7 -d 0.0.0.0/0 --dport 22 -m comment --comment _exp_1700000000 -j ACCEPT}.
 * The protocol is numeric, the source the plain address, the destination {@code 0.0.0.0/0} unless the rule
 * is bound to the packet's destination; the comment carries the expiry in epoch seconds.
 *
 * @param chain       where the rule lives
 * @param source      the address let in
 * @param destination the bound destination, or null for any
 * @param protocol    tcp or udp
 * @param port        the destination port
 * @param expiresAt   expiry, epoch seconds
 */
record IptablesRule(ChainSpec chain, InetAddress source, InetAddress destination, Protocol protocol, int port,
        long expiresAt) {

    /** fwknop's EXPIRE_COMMENT_PREFIX. */
    static final String EXPIRE_PREFIX = "_exp_";

    IptablesRule {
        if (protocol != Protocol.TCP && protocol != Protocol.UDP) {
            throw new IllegalArgumentException("iptables access rules open tcp or udp ports, not " + protocol.wireName());
        }
        if (destination != null && IpFamily.of(destination) != IpFamily.of(source)) {
            destination = null;
        }
    }

    /**
     * The rule for one port of a grant.
     *
     * @param bindDestination fwknop's ENABLE_DESTINATION_RULE: use the grant's destination for {@code -d}
     */
    static IptablesRule of(ChainSpec chain, AccessGrant grant, PortSpec port, boolean bindDestination) {
        return new IptablesRule(chain, grant.source(), bindDestination ? grant.destination() : null,
                port.protocol(), port.port(), grant.expiresAt().getEpochSecond());
    }

    IpFamily family() {
        return IpFamily.of(source);
    }

    String sourceText() {
        return IpFamily.literal(source);
    }

    /** The {@code -d} value, also used in the log line. */
    String destinationText() {
        return destination == null ? family().anyAddress() : IpFamily.literal(destination);
    }

    String comment() {
        return EXPIRE_PREFIX + expiresAt;
    }

    /** The match and target part, identical for add, insert, check and delete. */
    List<String> specification() {
        return List.of("-p", Integer.toString(protocol.number()), "-s", sourceText(), "-d", destinationText(),
                "--dport", Integer.toString(port), "-m", "comment", "--comment", comment(), "-j", chain.target());
    }

    /** {@code -t filter -A FWKNOP_INPUT ...} (fwknop's default). */
    List<String> append() {
        return command("-A");
    }

    /** {@code -t filter -I FWKNOP_INPUT ...} (ENABLE_RULE_PREPEND). */
    List<String> insert() {
        return command("-I");
    }

    /** {@code -t filter -D FWKNOP_INPUT ...}. */
    List<String> delete() {
        return command("-D");
    }

    /** {@code -t filter -C FWKNOP_INPUT ...}. */
    List<String> check() {
        return command("-C");
    }

    /** {@code tcp/22}, as in the log lines. */
    String portText() {
        return protocol.wireName() + "/" + port;
    }

    private List<String> command(String operation) {
        List<String> args = new ArrayList<>(List.of("-t", chain.table(), operation, chain.toChain()));
        args.addAll(specification());
        return List.copyOf(args);
    }
}
