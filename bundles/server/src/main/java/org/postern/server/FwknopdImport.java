package org.postern.server;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps fwknopd.conf onto the native configurations of the capture and firewall bundles, so those bundles
 * have one way to be configured. Configurations it made carry {@code postern.origin=fwknopd.conf}; it never
 * touches one an operator made (a .cfg file in etc/), and removes its own that no longer apply.
 */
final class FwknopdImport {

    static final String ORIGIN = "postern.origin";
    static final String FROM_FWKNOPD = "fwknopd.conf";
    static final String INSTANCE = "fwknopd";

    private static final Logger LOG = LoggerFactory.getLogger(FwknopdImport.class);

    private final ConfigurationAdmin cm;

    FwknopdImport(ConfigurationAdmin cm) {
        this.cm = cm;
    }

    /**
     * One configuration to put in place: a singleton PID, or a named instance of a factory PID.
     *
     * @param instance the factory configuration's name (ignored for a singleton)
     */
    record Target(String pid, boolean factory, Dictionary<String, Object> properties, String instance) {

        Target(String pid, boolean factory, Dictionary<String, Object> properties) {
            this(pid, factory, properties, INSTANCE);
        }
    }

    static List<Target> targets(DaemonSettings s, boolean testMode) throws ConfigException {
        List<Target> out = new ArrayList<>(captureTargets(s));
        if (!testMode) {
            firewallTarget(s).ifPresent(out::add);
        }
        out.addAll(alertTargets(s));
        return out;
    }

    /**
     * fwknop 1.9's alerting, onto the alert sinks of bundle alerts: only when fwknopd.conf has ALERTING_METHODS
     * or EMAIL_ADDRESSES (fwknopd 2.x has no alerts, so a 2.x file makes none). {@code ALL} (1.9's default) is
     * syslog and e-mail; {@code nosyslog}, {@code noemail} / {@code nomail} take one away ({@code verbose} is
     * ignored). Syslog: {@code org.postern.alerts.syslog} with SYSLOG_IDENTITY and SYSLOG_FACILITY. E-mail:
     * {@code org.postern.alerts.email} to EMAIL_ADDRESSES (1.9's default root@localhost; each must contain @) through
     * SMTP_SERVER (a Postern keyword, {@code host[:port]}, default 127.0.0.1:25; 1.9 ran the local mail command),
     * HOSTNAME in EHLO and the subject.
     */
    static List<Target> alertTargets(DaemonSettings s) throws ConfigException {
        List<Target> out = new ArrayList<>();
        if (!s.isSet("ALERTING_METHODS") && !s.isSet("EMAIL_ADDRESSES")) {
            return out;
        }
        String methods = s.isSet("ALERTING_METHODS") ? s.value("ALERTING_METHODS").toLowerCase(java.util.Locale.ROOT)
                : "all";
        java.util.Set<String> words = new java.util.HashSet<>();
        for (String w : methods.split("[,\\s]+")) {
            if (w.isEmpty()) {
                continue;
            }
            if (!List.of("all", "nosyslog", "noemail", "nomail", "verbose").contains(w)) {
                throw s.errorFor("ALERTING_METHODS", "unknown method '" + w + "' (ALL, nosyslog, noemail, nomail, verbose)");
            }
            words.add(w);
        }
        if (!words.contains("nosyslog")) {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put("identity", s.isSet("SYSLOG_IDENTITY") ? s.value("SYSLOG_IDENTITY").strip() : "fwknopd");
            p.put("facility", s.isSet("SYSLOG_FACILITY") ? s.value("SYSLOG_FACILITY").strip() : "daemon");
            out.add(new Target("org.postern.alerts.syslog", false, p));
        }
        if (!words.contains("noemail") && !words.contains("nomail")) {
            String to = s.isSet("EMAIL_ADDRESSES") ? s.value("EMAIL_ADDRESSES").strip() : "root@localhost";
            for (String a : to.split("[,\\s]+")) {
                if (!a.isEmpty() && (!a.contains("@") || !a.matches("[^<>\\s]+"))) {
                    throw s.errorFor("EMAIL_ADDRESSES", "not an e-mail address: '" + a + "'");
                }
            }
            Hashtable<String, Object> p = new Hashtable<>();
            p.put("to", String.join(",", java.util.Arrays.stream(to.split("[,\\s]+")).filter(x -> !x.isEmpty()).toList()));
            String server = s.isSet("SMTP_SERVER") ? s.value("SMTP_SERVER").strip() : "127.0.0.1:25";
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([^:\\s]+)(?::(\\d{1,5}))?").matcher(server);
            if (!m.matches() || (m.group(2) != null && Integer.parseInt(m.group(2)) > 65535)) {
                throw s.errorFor("SMTP_SERVER", "must be host or host:port, not '" + server + "'");
            }
            p.put("smtpHost", m.group(1));
            p.put("smtpPort", m.group(2) == null ? 25 : Integer.parseInt(m.group(2)));
            if (s.isSet("HOSTNAME")) {
                p.put("hostname", s.value("HOSTNAME").strip());
            }
            out.add(new Target("org.postern.alerts.email", false, p));
        }
        return out;
    }

    /**
     * The capture sources fwknopd.conf describes, as fwknopd 2.6.10 starts them: ENABLE_UDP_SERVER alone makes the
     * UDP socket; otherwise ENABLE_TCP_SERVER adds the TCP listener (which reads the SPA data itself, where
     * fwknopd's only accepted and let libpcap read it) beside PCAP_FILE read once, or else one live capture per
     * PCAP_INTF interface (a Postern extension: a comma-separated list; several get instances
     * {@code fwknopd-<interface>}). ENABLE_SPA_OVER_HTTP, ALLOW_ANY_USER_AGENT and ENABLE_X_FORWARDED_FOR apply
     * to each. EXIT_AT_INTF_DOWN needs no mapping: a live capture reopens a lost interface instead of exiting.
     */
    static List<Target> captureTargets(DaemonSettings s) throws ConfigException {
        List<Target> out = new ArrayList<>();
        if (s.bool("ENABLE_UDP_SERVER")) {
            Hashtable<String, Object> p = httpSettings(s);
            p.put("name", INSTANCE);
            p.put("port", s.intValue("UDPSERV_PORT", 1, 65535));
            out.add(new Target("org.postern.capture.udp", true, p));
            return out;
        }
        if (s.bool("ENABLE_TCP_SERVER")) {
            Hashtable<String, Object> p = httpSettings(s);
            p.put("name", INSTANCE);
            p.put("port", s.intValue("TCPSERV_PORT", 1, 65535));
            out.add(new Target("org.postern.capture.tcp", true, p));
        }
        String file = s.value("PCAP_FILE");
        if (file != null && !file.isBlank()) {
            Hashtable<String, Object> p = httpSettings(s);
            p.put("name", INSTANCE);
            p.put("file", file.strip());
            p.put("follow", false);
            p.put("filter", s.value("PCAP_FILTER"));
            out.add(new Target("org.postern.capture.pcapfile", true, p));
            return out;
        }
        List<String> interfaces = s.pcapInterfaces();
        for (String intf : interfaces) {
            String name = interfaces.size() == 1 ? INSTANCE : INSTANCE + "-" + intf;
            Hashtable<String, Object> p = httpSettings(s);
            p.put("name", name);
            p.put("interfaceName", intf);
            p.put("filter", s.value("PCAP_FILTER"));
            p.put("promiscuous", s.bool("ENABLE_PCAP_PROMISC"));
            p.put("anyDirection", s.bool("ENABLE_PCAP_ANY_DIRECTION"));
            p.put("snapLength", s.intValue("MAX_SNIFF_BYTES", 1, 65535));
            out.add(new Target("org.postern.capture.pcap", true, p, name));
        }
        return out;
    }

    private static Hashtable<String, Object> httpSettings(DaemonSettings s) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("httpExtraction", s.bool("ENABLE_SPA_OVER_HTTP"));
        p.put("allowAnyUserAgent", s.bool("ALLOW_ANY_USER_AGENT"));
        p.put("forwardedFor", s.bool("ENABLE_X_FORWARDED_FOR"));
        return p;
    }

    /**
     * The configuration of the firewall backend fwknopd.conf's {@code FIREWALL_TYPE} (a Postern keyword, default
     * iptables) names. Only that backend's PID is configured, so it is the one in force; {@link #apply} removes
     * the configurations imported earlier for the others.
     */
    static Optional<Target> firewallTarget(DaemonSettings s) throws ConfigException {
        String type = s.value("FIREWALL_TYPE").strip();
        Hashtable<String, Object> p = new Hashtable<>();
        switch (type) {
            case "nftables" -> {
                putExecutable(p, s, "nft");
                p.put("hookChain", s.value("NFT_HOOK_CHAIN").strip());
                p.put("table", s.value("NFT_TABLE").strip());
                p.put("destinationRule", s.bool("ENABLE_DESTINATION_RULE"));
                p.put("nat", s.bool("ENABLE_IPT_FORWARDING") || s.bool("ENABLE_IPT_LOCAL_NAT"));
                return Optional.of(new Target("org.postern.firewall.nftables", false, p));
            }
            case "iptables" -> {
                p.put("executable", s.value("FIREWALL_EXE"));
                p.put("inputAccess", s.value("IPT_INPUT_ACCESS"));
                p.put("flushAtInit", s.bool("FLUSH_IPT_AT_INIT"));
                p.put("flushAtExit", s.bool("FLUSH_IPT_AT_EXIT"));
                p.put("rulePrepend", s.bool("ENABLE_RULE_PREPEND"));
                p.put("destinationRule", s.bool("ENABLE_DESTINATION_RULE"));
                p.put("commentCheck", s.bool("ENABLE_IPT_COMMENT_CHECK"));
                p.put("forwarding", s.bool("ENABLE_IPT_FORWARDING"));
                p.put("localNat", s.bool("ENABLE_IPT_LOCAL_NAT"));
                p.put("snat", s.bool("ENABLE_IPT_SNAT"));
                p.put("output", s.bool("ENABLE_IPT_OUTPUT"));
                p.put("outputAccess", s.value("IPT_OUTPUT_ACCESS"));
                p.put("forwardAccess", s.value("IPT_FORWARD_ACCESS"));
                p.put("dnatAccess", s.value("IPT_DNAT_ACCESS"));
                p.put("snatAccess", s.value("IPT_SNAT_ACCESS"));
                p.put("masqueradeAccess", s.value("IPT_MASQUERADE_ACCESS"));
                return Optional.of(new Target("org.postern.firewall.iptables", false, p));
            }
            case "firewalld" -> {
                putExecutable(p, s, "firewall-cmd");
                p.put("zone", s.value("FIREWD_ZONE").strip());
                p.put("flushAtInit", s.bool("FLUSH_FIREWD_AT_INIT"));
                p.put("flushAtExit", s.bool("FLUSH_FIREWD_AT_EXIT"));
                p.put("destinationRule", s.bool("ENABLE_DESTINATION_RULE"));
                return Optional.of(new Target("org.postern.firewall.firewalld", false, p));
            }
            case "ipfw" -> {
                putExecutable(p, s, "ipfw");
                p.put("startRuleNum", s.intValue("IPFW_START_RULE_NUM", 0, 131071));
                p.put("maxRules", s.intValue("IPFW_MAX_RULES", 1, 131071));
                p.put("activeSet", s.intValue("IPFW_ACTIVE_SET_NUM", 0, 63));
                p.put("expireSet", s.intValue("IPFW_EXPIRE_SET_NUM", 0, 63));
                p.put("purgeIntervalSeconds", s.intValue("IPFW_EXPIRE_PURGE_INTERVAL", 1, 131071));
                p.put("addCheckState", s.bool("IPFW_ADD_CHECK_STATE"));
                p.put("flushAtInit", s.bool("FLUSH_IPFW_AT_INIT"));
                p.put("flushAtExit", s.bool("FLUSH_IPFW_AT_EXIT"));
                p.put("destinationRule", s.bool("ENABLE_DESTINATION_RULE"));
                return Optional.of(new Target("org.postern.firewall.ipfw", false, p));
            }
            case "pf" -> {
                putExecutable(p, s, "pfctl");
                p.put("anchor", s.value("PF_ANCHOR_NAME").strip());
                p.put("destinationRule", s.bool("ENABLE_DESTINATION_RULE"));
                return Optional.of(new Target("org.postern.firewall.pf", false, p));
            }
            case "cmd-cycle" -> {
                // the commands are the stanzas' CMD_CYCLE_OPEN / CMD_CYCLE_CLOSE; the PID only has to exist
                p.put("commandTimeoutSeconds", 5);
                return Optional.of(new Target("org.postern.firewall.cmdcycle", false, p));
            }
            default -> {
                LOG.warn("FIREWALL_TYPE {}: no fwknopd.conf mapping yet; configure org.postern.firewall.{} natively",
                        type, type.replace("-", ""));
                return Optional.empty();
            }
        }
    }

    /** FIREWALL_EXE for a backend whose program is {@code name}; the iptables default of FIREWALL_EXE is not for it. */
    private static void putExecutable(Hashtable<String, Object> p, DaemonSettings s, String name) {
        String exe = s.value("FIREWALL_EXE");
        if (exe != null && Paths.get(exe.strip()).getFileName().toString().startsWith(name)) {
            p.put("executable", exe.strip());
        }
    }

    /** Puts the targets in place (changing only what differs) and deletes stale imported configurations. */
    void apply(List<Target> targets) throws IOException {
        Set<String> kept = new HashSet<>();
        for (Target t : targets) {
            Configuration c = t.factory()
                    ? cm.getFactoryConfiguration(t.pid(), t.instance(), "?")
                    : cm.getConfiguration(t.pid(), "?");
            Dictionary<String, Object> current = c.getProperties();
            if (current != null && !FROM_FWKNOPD.equals(current.get(ORIGIN))) {
                LOG.info("Configuration {} comes from the operator; fwknopd.conf settings for it are not applied", c.getPid());
                kept.add(c.getPid());
                continue;
            }
            Hashtable<String, Object> wanted = new Hashtable<>();
            for (Enumeration<String> k = t.properties().keys(); k.hasMoreElements();) {
                String key = k.nextElement();
                wanted.put(key, t.properties().get(key));
            }
            wanted.put(ORIGIN, FROM_FWKNOPD);
            if (!sameValues(current, wanted)) {
                c.update(wanted);
                LOG.info("Configured {} from fwknopd.conf", c.getPid());
            }
            kept.add(c.getPid());
        }
        try {
            Configuration[] all = cm.listConfigurations("(" + ORIGIN + "=" + FROM_FWKNOPD + ")");
            if (all != null) {
                for (Configuration c : all) {
                    if (!kept.contains(c.getPid())) {
                        LOG.info("Removing configuration {}: fwknopd.conf no longer asks for it", c.getPid());
                        c.delete();
                    }
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean sameValues(Dictionary<String, Object> current, Dictionary<String, Object> wanted) {
        if (current == null) {
            return false;
        }
        for (Enumeration<String> k = wanted.keys(); k.hasMoreElements();) {
            String key = k.nextElement();
            if (!Objects.equals(String.valueOf(current.get(key)), String.valueOf(wanted.get(key)))) {
                return false;
            }
        }
        return true;
    }
}
