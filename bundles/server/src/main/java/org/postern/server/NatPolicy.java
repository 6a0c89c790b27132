package org.postern.server;

/**
 * fwknopd.conf's NAT switches as the policy step uses them.
 *
 * @param forwarding       ENABLE_IPT_FORWARDING: NAT access messages (types 2/4) and FORCE_NAT allowed
 * @param localNat         ENABLE_IPT_LOCAL_NAT: local NAT messages (types 5/6) allowed
 * @param snat             ENABLE_IPT_SNAT: every NAT grant gets a source NAT rule
 * @param snatTranslateIp  SNAT_TRANSLATE_IP when it is a valid IPv4 address (SNAT to it), else null (MASQUERADE)
 * @param natDns           ENABLE_NAT_DNS: a host name in the message's NAT field is resolved (IPv4)
 */
record NatPolicy(boolean forwarding, boolean localNat, boolean snat, String snatTranslateIp, boolean natDns) {

    /** Everything off: fwknopd's defaults. */
    static final NatPolicy OFF = new NatPolicy(false, false, false, null, true);

    static NatPolicy from(DaemonSettings s) {
        String translate = s.value("SNAT_TRANSLATE_IP");
        translate = translate == null ? null : translate.strip();
        return new NatPolicy(s.bool("ENABLE_IPT_FORWARDING"), s.bool("ENABLE_IPT_LOCAL_NAT"), s.bool("ENABLE_IPT_SNAT"),
                translate != null && AccessConfParser.ipv4(translate) ? translate : null, s.bool("ENABLE_NAT_DNS"));
    }

    /** FORCE_NAT / FORCE_SNAT are allowed in access.conf. */
    boolean any() {
        return forwarding || localNat;
    }
}
