package org.postern.firewall.iptables;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The chains beyond FWKNOP_INPUT and the fwknopd.conf switches that bring them in (fwknopd 2.6.10's
 * {@code fw_config_init}): FWKNOP_OUTPUT with ENABLE_IPT_OUTPUT; FWKNOP_FORWARD and FWKNOP_PREROUTING with
 * ENABLE_IPT_FORWARDING or ENABLE_IPT_LOCAL_NAT; FWKNOP_POSTROUTING and FWKNOP_MASQUERADE when ENABLE_IPT_SNAT
 * is on as well. A grant that needs a chain not configured here (a stanza's FORCE_SNAT without ENABLE_IPT_SNAT)
 * gets it made on first use.
 *
 * @param output           ENABLE_IPT_OUTPUT
 * @param forwarding       ENABLE_IPT_FORWARDING
 * @param localNat         ENABLE_IPT_LOCAL_NAT
 * @param snat             ENABLE_IPT_SNAT
 * @param outputAccess     IPT_OUTPUT_ACCESS
 * @param forwardAccess    IPT_FORWARD_ACCESS
 * @param dnatAccess       IPT_DNAT_ACCESS
 * @param snatAccess       IPT_SNAT_ACCESS
 * @param masqueradeAccess IPT_MASQUERADE_ACCESS
 */
record NatChains(boolean output, boolean forwarding, boolean localNat, boolean snat, ChainSpec outputAccess,
        ChainSpec forwardAccess, ChainSpec dnatAccess, ChainSpec snatAccess, ChainSpec masqueradeAccess) {

    static final String DEFAULT_OUTPUT_ACCESS = "ACCEPT, filter, OUTPUT, 1, FWKNOP_OUTPUT, 1";
    static final String DEFAULT_FORWARD_ACCESS = "ACCEPT, filter, FORWARD, 1, FWKNOP_FORWARD, 1";
    static final String DEFAULT_DNAT_ACCESS = "DNAT, nat, PREROUTING, 1, FWKNOP_PREROUTING, 1";
    static final String DEFAULT_SNAT_ACCESS = "SNAT, nat, POSTROUTING, 1, FWKNOP_POSTROUTING, 1";
    static final String DEFAULT_MASQUERADE_ACCESS = "MASQUERADE, nat, POSTROUTING, 1, FWKNOP_MASQUERADE, 1";

    /** fwknop's defaults: every switch off. */
    static final NatChains OFF = of(false, false, false, false);

    NatChains {
        Objects.requireNonNull(outputAccess, "outputAccess");
        Objects.requireNonNull(forwardAccess, "forwardAccess");
        Objects.requireNonNull(dnatAccess, "dnatAccess");
        Objects.requireNonNull(snatAccess, "snatAccess");
        Objects.requireNonNull(masqueradeAccess, "masqueradeAccess");
    }

    /** The default chain specifications with these switches. */
    static NatChains of(boolean output, boolean forwarding, boolean localNat, boolean snat) {
        return new NatChains(output, forwarding, localNat, snat, ChainSpec.parse(DEFAULT_OUTPUT_ACCESS),
                ChainSpec.parse(DEFAULT_FORWARD_ACCESS), ChainSpec.parse(DEFAULT_DNAT_ACCESS),
                ChainSpec.parse(DEFAULT_SNAT_ACCESS), ChainSpec.parse(DEFAULT_MASQUERADE_ACCESS));
    }

    /** The chains fwknopd makes at start, in its order. */
    List<ChainSpec> configured() {
        List<ChainSpec> out = new ArrayList<>();
        if (output) {
            out.add(outputAccess);
        }
        if (forwarding || localNat) {
            out.add(forwardAccess);
            out.add(dnatAccess);
            if (snat) {
                out.add(snatAccess);
                out.add(masqueradeAccess);
            }
        }
        return out;
    }

    /** Every chain a grant may use, configured or not. */
    List<ChainSpec> all() {
        return List.of(outputAccess, forwardAccess, dnatAccess, snatAccess, masqueradeAccess);
    }
}
