package org.postern.firewall.iptables;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.postern.api.AccessGrant;
import org.postern.api.NatAccess;
import org.postern.api.PortSpec;
import org.postern.api.Protocol;

/**
 * A rule in one of fwknop's chains besides the plain INPUT access rule, rendered as fwknopd 2.6.10's macros do
 * ({@code server/fw_util_iptables.h}): IPT_OUT_RULE_ARGS, IPT_FWD_RULE_ARGS, IPT_FWD_ALL_RULE_ARGS,
 * IPT_DNAT_RULE_ARGS, IPT_DNAT_ALL_RULE_ARGS, IPT_SNAT_RULE_ARGS, IPT_SNAT_ALL_RULE_ARGS, and IPT_RULE_ARGS for
 * the INPUT rule of a local NAT grant. The specification excludes {@code -t T -A CH}.
 *
 * @param chain         where the rule lives
 * @param specification the match and target tokens
 * @param expiresAt     expiry, epoch seconds (the {@code _exp_} comment)
 * @param kind          fwknop's word for it in the log line ({@code FORWARD}, {@code DNAT}, {@code SNAT}, ...)
 * @param what          fwknop's {@code <src> -> <dst> <requested proto/ports>} for the log line
 */
record ChainRule(ChainSpec chain, List<String> specification, long expiresAt, String kind, String what) {

    ChainRule {
        specification = List.copyOf(specification);
    }

    List<String> append() {
        return command("-A");
    }

    List<String> insert() {
        return command("-I");
    }

    List<String> delete() {
        return command("-D");
    }

    List<String> check() {
        return command("-C");
    }

    private List<String> command(String operation) {
        List<String> args = new ArrayList<>(List.of("-t", chain.table(), operation, chain.toChain()));
        args.addAll(specification);
        return List.copyOf(args);
    }

    /**
     * The rules of a grant beyond its plain INPUT rules: with NAT, fwknopd's process_spa_request NAT branch (only
     * the first proto/port takes part); without, the FWKNOP_OUTPUT rule per port when ENABLE_IPT_OUTPUT is on.
     */
    static List<ChainRule> of(AccessGrant grant, BackendSettings s) {
        NatAccess nat = grant.nat();
        long exp = grant.expiresAt().getEpochSecond();
        String src = IpFamily.literal(grant.source());
        IpFamily family = IpFamily.of(grant.source());
        InetAddress dstAddress = s.destinationRule() && grant.destination() != null
                && IpFamily.of(grant.destination()) == family ? grant.destination() : null;
        String dst = dstAddress == null ? family.anyAddress() : IpFamily.literal(dstAddress);
        List<ChainRule> out = new ArrayList<>();
        NatChains c = s.nat();
        // fwknop's log text: "<src> -> <dst or 0.0.0.0/0> <the message's proto/port list>"
        String requested = String.join(",", grant.ports().stream().map(PortSpec::toString).toList());
        String toAny = src + " -> " + family.anyAddress() + " " + requested;
        String toDst = src + " -> " + dst + " " + requested;
        String all = src + " -> " + family.anyAddress() + " */*";
        if (nat == null) {
            if (c.output()) {
                for (PortSpec p : grant.ports()) {
                    requireTcpUdp(p.protocol());
                    out.add(new ChainRule(c.outputAccess(), List.of("-p", proto(p.protocol()), "-d", src, "-s", dst,
                            "--sport", Integer.toString(p.port()), "-m", "comment", "--comment", comment(exp), "-j",
                            c.outputAccess().target()), exp, "OUTPUT", toDst));
                }
            }
            return out;
        }
        PortSpec first = grant.ports().get(0);
        requireTcpUdp(first.protocol());
        String fstProto = proto(first.protocol());
        String fstPort = Integer.toString(first.port());
        String natIp = IpFamily.literal(nat.address());
        String natPort = Integer.toString(nat.port());
        if (nat.kind() == NatAccess.Kind.LOCAL) {
            ChainSpec in = s.inputAccess();
            out.add(new ChainRule(in, List.of("-p", fstProto, "-s", src, "-d", dst, "--dport", natPort, "-m", "comment",
                    "--comment", comment(exp), "-j", in.target()), exp, "local NAT", toDst));
        } else if (nat.forwardAll()) {
            ChainSpec fwd = c.forwardAccess();
            out.add(new ChainRule(fwd, List.of("-s", src, "-m", "comment", "--comment", comment(exp), "-j", fwd.target()),
                    exp, "FORWARD ALL", all));
        } else {
            ChainSpec fwd = c.forwardAccess();
            out.add(new ChainRule(fwd, List.of("-p", fstProto, "-s", src, "--dport", natPort, "-m", "comment",
                    "--comment", comment(exp), "-j", fwd.target()), exp, "FORWARD", toAny));
        }
        if (nat.dnat()) {
            ChainSpec dnat = c.dnatAccess();
            if (nat.forwardAll()) {
                out.add(new ChainRule(dnat, List.of("-s", src, "-d", dst, "-m", "comment", "--comment", comment(exp),
                        "-j", dnat.target(), "--to-destination", natIp), exp, "DNAT ALL", all));
            } else {
                out.add(new ChainRule(dnat, List.of("-p", fstProto, "-s", src, "-d", dst, "--dport", fstPort, "-m",
                        "comment", "--comment", comment(exp), "-j", dnat.target(), "--to-destination",
                        natIp + ":" + natPort), exp, "DNAT", toDst));
            }
        }
        if (nat.sourceNat()) {
            ChainSpec chain = nat.snatAddress() != null ? c.snatAccess() : c.masqueradeAccess();
            List<String> target = new ArrayList<>(List.of("-j", chain.target()));
            if (nat.snatAddress() != null) {
                target.addAll(List.of("--to-source", IpFamily.literal(nat.snatAddress())));
            } else if (!nat.forwardAll()) {
                target.addAll(List.of("--to-ports", fstPort));
            }
            List<String> spec = new ArrayList<>();
            if (nat.forwardAll()) {
                spec.addAll(List.of("-s", src));
            } else {
                spec.addAll(List.of("-p", fstProto, "-d", natIp, "--dport", natPort));
            }
            spec.addAll(List.of("-m", "comment", "--comment", comment(exp)));
            spec.addAll(target);
            out.add(new ChainRule(chain, spec, exp, nat.forwardAll() ? "SNAT ALL" : "SNAT",
                    nat.forwardAll() ? all : toAny));
        }
        return out;
    }

    private static String comment(long exp) {
        return IptablesRule.EXPIRE_PREFIX + exp;
    }

    private static String proto(Protocol p) {
        return Integer.toString(p.number());
    }

    private static void requireTcpUdp(Protocol p) {
        if (p != Protocol.TCP && p != Protocol.UDP) {
            throw new IllegalArgumentException("iptables rules open tcp or udp ports, not " + p.wireName());
        }
    }
}
