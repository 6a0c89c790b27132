package org.postern.firewall.iptables;

/** iptables-legacy (x_tables) passes the backend contract. */
class IptablesLegacyContractTest extends IptablesContract {

    @Override
    String iptables() {
        return "/usr/sbin/iptables-legacy";
    }
}
