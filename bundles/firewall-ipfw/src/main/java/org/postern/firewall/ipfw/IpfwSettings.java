package org.postern.firewall.ipfw;

import java.time.Duration;

/** The validated configuration (fwknopd.conf names in {@link IpfwConfig}). */
record IpfwSettings(String executable, int startRuleNum, int maxRules, int activeSet, int expireSet,
        Duration purgeInterval, boolean addCheckState, boolean flushAtInit, boolean flushAtExit, boolean destinationRule,
        Duration commandTimeout) {

    IpfwSettings {
        String pid = IpfwFirewallBackend.PID;
        if (executable == null || executable.isBlank()) {
            throw new IllegalArgumentException("Invalid configuration " + pid + ": executable is empty");
        }
        if (startRuleNum < 0 || startRuleNum > 131071 || maxRules < 1 || maxRules > 131071) {
            throw new IllegalArgumentException("Invalid configuration " + pid + ": startRuleNum / maxRules out of range");
        }
        if (activeSet < 0 || activeSet > 63 || expireSet < 0 || expireSet > 63 || activeSet == expireSet) {
            throw new IllegalArgumentException("Invalid configuration " + pid + ": activeSet and expireSet must be "
                    + "different set numbers 0..63");
        }
    }

    static IpfwSettings defaults() {
        return new IpfwSettings("/sbin/ipfw", 10000, 65535, 1, 2, Duration.ofSeconds(30), false, true, true, false,
                Duration.ofSeconds(5));
    }

    static IpfwSettings from(IpfwConfig c) {
        return new IpfwSettings(c.executable(), c.startRuleNum(), c.maxRules(), c.activeSet(), c.expireSet(),
                Duration.ofSeconds(Math.max(1, c.purgeIntervalSeconds())), c.addCheckState(), c.flushAtInit(),
                c.flushAtExit(), c.destinationRule(), Duration.ofSeconds(Math.max(1, c.commandTimeoutSeconds())));
    }
}
