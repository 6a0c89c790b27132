package org.postern.firewall.iptables;

/** iptables-nft (the nf_tables variant, Debian's default /usr/sbin/iptables) passes the backend contract. */
class IptablesNftContractTest extends IptablesContract {

    @Override
    String iptables() {
        return "/usr/sbin/iptables-nft";
    }
}
