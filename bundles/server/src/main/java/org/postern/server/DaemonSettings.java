package org.postern.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fwknopd.conf as the daemon uses it: every keyword with fwknop 2.6.10's default, {@code $NAME} expansion,
 * validation that names file, line and keyword, and the command-line overrides of {@code bin/fwknopd}.
 */
final class DaemonSettings {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonSettings.class);

    /** Keywords and their defaults (fwknopd_common.h). */
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    /** Keywords read and honoured, or harmless here (logging/locale knobs, pcap loop tuning Postern does not need). */
    private static final Set<String> HONOURED = Set.of("PCAP_INTF", "PCAP_FILTER", "ENABLE_PCAP_PROMISC",
            "ENABLE_PCAP_ANY_DIRECTION", "MAX_SNIFF_BYTES", "ENABLE_UDP_SERVER", "UDPSERV_PORT", "ENABLE_SPA_PACKET_AGING",
            "MAX_SPA_PACKET_AGE", "ENABLE_DIGEST_PERSISTENCE", "DIGEST_FILE", "FLUSH_IPT_AT_INIT", "FLUSH_IPT_AT_EXIT",
            "IPT_INPUT_ACCESS", "ENABLE_IPT_COMMENT_CHECK", "FIREWALL_EXE", "ENABLE_DESTINATION_RULE",
            "ENABLE_RULE_PREPEND", "FWKNOP_RUN_DIR", "FWKNOP_CONF_DIR", "ACCESS_FILE", "FWKNOP_PID_FILE", "VERBOSE",
            "LOCALE", "SYSLOG_IDENTITY", "SYSLOG_FACILITY", "PCAP_DISPATCH_COUNT", "PCAP_LOOP_SLEEP",
            "UDPSERV_SELECT_TIMEOUT", "RULES_CHECK_THRESHOLD", "CMD_EXEC_TIMEOUT", "EXIT_AT_INTF_DOWN",
            "ENABLE_NAT_DNS", "GPG_HOME_DIR", "GPG_EXE", "SUDO_EXE", "PCAP_FILE", "ENABLE_TCP_SERVER", "TCPSERV_PORT",
            "ENABLE_SPA_OVER_HTTP", "ENABLE_X_FORWARDED_FOR", "ALLOW_ANY_USER_AGENT", "FIREWALL_TYPE", "NFT_HOOK_CHAIN", "NFT_TABLE",
            "FLUSH_FIREWD_AT_INIT", "FLUSH_FIREWD_AT_EXIT", "FIREWD_ZONE", "FLUSH_IPFW_AT_INIT", "FLUSH_IPFW_AT_EXIT",
            "IPFW_START_RULE_NUM", "IPFW_MAX_RULES", "IPFW_ACTIVE_SET_NUM", "IPFW_EXPIRE_SET_NUM",
            "IPFW_EXPIRE_PURGE_INTERVAL", "IPFW_ADD_CHECK_STATE", "PF_ANCHOR_NAME", "PF_EXPIRE_INTERVAL",
            "ENABLE_IPT_FORWARDING", "ENABLE_IPT_LOCAL_NAT", "ENABLE_IPT_SNAT", "SNAT_TRANSLATE_IP", "ENABLE_IPT_OUTPUT",
            "IPT_OUTPUT_ACCESS", "IPT_FORWARD_ACCESS", "IPT_DNAT_ACCESS", "IPT_SNAT_ACCESS", "IPT_MASQUERADE_ACCESS",
            // fwknop 1.9's alerting (FwknopdImport.alertTargets) and Postern's SMTP_SERVER
            "ALERTING_METHODS", "EMAIL_ADDRESSES", "HOSTNAME", "SMTP_SERVER");

    /** Postern's FIREWALL_TYPE values: which firewall backend fwknopd.conf configures. */
    static final List<String> FIREWALL_TYPES = List.of("iptables", "nftables", "firewalld", "ipfw", "pf", "cmd-cycle");

    /** Keywords whose default is off: present with an enabling value they are not supported yet. */
    private static final Set<String> NOT_YET_WHEN_ENABLED = Set.of("ENABLE_NFQ_CAPTURE");

    static {
        DEFAULTS.put("PCAP_INTF", "eth0");
        DEFAULTS.put("PCAP_FILTER", "udp port 62201");
        DEFAULTS.put("ENABLE_PCAP_PROMISC", "N");
        DEFAULTS.put("ENABLE_PCAP_ANY_DIRECTION", "N");
        DEFAULTS.put("MAX_SNIFF_BYTES", "1500");
        DEFAULTS.put("ENABLE_UDP_SERVER", "N");
        DEFAULTS.put("UDPSERV_PORT", "62201");
        DEFAULTS.put("ENABLE_TCP_SERVER", "N");
        DEFAULTS.put("TCPSERV_PORT", "62201");
        DEFAULTS.put("ENABLE_SPA_OVER_HTTP", "N");
        DEFAULTS.put("ENABLE_X_FORWARDED_FOR", "N");
        DEFAULTS.put("ALLOW_ANY_USER_AGENT", "N");
        DEFAULTS.put("ENABLE_SPA_PACKET_AGING", "Y");
        DEFAULTS.put("MAX_SPA_PACKET_AGE", "120");
        DEFAULTS.put("ENABLE_DIGEST_PERSISTENCE", "Y");
        DEFAULTS.put("FWKNOP_RUN_DIR", "/var/run/fwknop");
        DEFAULTS.put("FWKNOP_CONF_DIR", "/etc/fwknop");
        DEFAULTS.put("DIGEST_FILE", "$FWKNOP_RUN_DIR/digest.cache");
        DEFAULTS.put("FWKNOP_PID_FILE", "$FWKNOP_RUN_DIR/fwknopd.pid");
        DEFAULTS.put("ACCESS_FILE", "$FWKNOP_CONF_DIR/access.conf");
        DEFAULTS.put("FLUSH_IPT_AT_INIT", "Y");
        DEFAULTS.put("FLUSH_IPT_AT_EXIT", "Y");
        DEFAULTS.put("IPT_INPUT_ACCESS", "ACCEPT, filter, INPUT, 1, FWKNOP_INPUT, 1");
        DEFAULTS.put("ENABLE_IPT_COMMENT_CHECK", "Y");
        DEFAULTS.put("FIREWALL_EXE", "/usr/sbin/iptables");
        DEFAULTS.put("ENABLE_DESTINATION_RULE", "N");
        DEFAULTS.put("ENABLE_RULE_PREPEND", "N");
        DEFAULTS.put("ENABLE_NAT_DNS", "Y");
        DEFAULTS.put("ENABLE_IPT_FORWARDING", "N");
        DEFAULTS.put("ENABLE_IPT_LOCAL_NAT", "N");
        DEFAULTS.put("ENABLE_IPT_SNAT", "N");
        DEFAULTS.put("ENABLE_IPT_OUTPUT", "N");
        DEFAULTS.put("IPT_OUTPUT_ACCESS", "ACCEPT, filter, OUTPUT, 1, FWKNOP_OUTPUT, 1");
        DEFAULTS.put("IPT_FORWARD_ACCESS", "ACCEPT, filter, FORWARD, 1, FWKNOP_FORWARD, 1");
        DEFAULTS.put("IPT_DNAT_ACCESS", "DNAT, nat, PREROUTING, 1, FWKNOP_PREROUTING, 1");
        DEFAULTS.put("IPT_SNAT_ACCESS", "SNAT, nat, POSTROUTING, 1, FWKNOP_POSTROUTING, 1");
        DEFAULTS.put("IPT_MASQUERADE_ACCESS", "MASQUERADE, nat, POSTROUTING, 1, FWKNOP_MASQUERADE, 1");
        DEFAULTS.put("GPG_HOME_DIR", "/root/.gnupg");
        DEFAULTS.put("SUDO_EXE", "/usr/bin/sudo");
        // fwknopd 2.6.10 parses it but uses a fixed 5 s for commands run as root; Postern applies it to every command
        DEFAULTS.put("CMD_EXEC_TIMEOUT", "5");
        // Postern keywords (not in fwknop 2.6.10)
        DEFAULTS.put("FIREWALL_TYPE", "iptables");
        DEFAULTS.put("NFT_HOOK_CHAIN", "inet filter input");
        DEFAULTS.put("NFT_TABLE", "postern");
        DEFAULTS.put("FIREWD_ZONE", "");
        // the firewalld, ipfw and pf builds of fwknopd 2.6.10
        DEFAULTS.put("FLUSH_FIREWD_AT_INIT", "Y");
        DEFAULTS.put("FLUSH_FIREWD_AT_EXIT", "Y");
        DEFAULTS.put("FLUSH_IPFW_AT_INIT", "Y");
        DEFAULTS.put("FLUSH_IPFW_AT_EXIT", "Y");
        DEFAULTS.put("IPFW_START_RULE_NUM", "10000");
        DEFAULTS.put("IPFW_MAX_RULES", "65535");
        DEFAULTS.put("IPFW_ACTIVE_SET_NUM", "1");
        DEFAULTS.put("IPFW_EXPIRE_SET_NUM", "2");
        DEFAULTS.put("IPFW_EXPIRE_PURGE_INTERVAL", "30");
        DEFAULTS.put("IPFW_ADD_CHECK_STATE", "N");
        DEFAULTS.put("PF_ANCHOR_NAME", "fwknop");
        DEFAULTS.put("PF_EXPIRE_INTERVAL", "30");
    }

    private final Map<String, ConfigLine> lines;
    private final Map<String, String> overrides;
    private final List<String> notices;

    private DaemonSettings(Map<String, ConfigLine> lines, Map<String, String> overrides, List<String> notices) {
        this.lines = lines;
        this.overrides = overrides;
        this.notices = notices;
    }

    /**
     * Reads fwknopd.conf (or uses defaults when {@code file} is null) and applies command-line overrides
     * (keyword to value).
     */
    static DaemonSettings load(Path file, Map<String, String> overrides) throws ConfigException {
        return load(file, List.of(), overrides);
    }

    /**
     * As {@link #load(Path, Map)}, with fwknopd's {@code -O/--override-config} files: their lines win over
     * fwknopd.conf's, in the order given (each keyword's origin is then the override file's line).
     */
    static DaemonSettings load(Path file, List<Path> overrideFiles, Map<String, String> overrides)
            throws ConfigException {
        List<ConfigLine> read = new ArrayList<>(file == null ? List.of() : FwknopConfigReader.read(file));
        for (Path o : overrideFiles) {
            read.addAll(FwknopConfigReader.read(o));
        }
        Map<String, ConfigLine> byKeyword = new LinkedHashMap<>();
        List<String> notices = new ArrayList<>();
        for (ConfigLine l : read) {
            if (l.value().isEmpty()) {
                throw l.error("has no value");
            }
            if (NOT_YET_WHEN_ENABLED.contains(l.keyword())) {
                if (l.bool()) {
                    notices.add("not supported yet: " + l.keyword() + " at " + l.where());
                }
            } else if (!HONOURED.contains(l.keyword())) {
                notices.add((DEFAULTS.containsKey(l.keyword()) ? "not supported yet: " : "unknown or not supported yet: ")
                        + l.keyword() + " at " + l.where());
            }
            byKeyword.put(l.keyword(), l);
        }
        DaemonSettings s = new DaemonSettings(byKeyword, new HashMap<>(overrides), notices);
        s.validate();
        return s;
    }

    private void validate() throws ConfigException {
        intValue("MAX_SPA_PACKET_AGE", 1, 100000);
        intValue("UDPSERV_PORT", 1, 65535);
        intValue("TCPSERV_PORT", 1, 65535);
        intValue("MAX_SNIFF_BYTES", 1, 65535);
        intValue("CMD_EXEC_TIMEOUT", 1, 86400);
        if (!FIREWALL_TYPES.contains(value("FIREWALL_TYPE").strip())) {
            throw errorFor("FIREWALL_TYPE", "must be one of " + String.join(", ", FIREWALL_TYPES) + ", not '"
                    + value("FIREWALL_TYPE").strip() + "'");
        }
        for (String keyword : List.of("IPT_INPUT_ACCESS", "IPT_OUTPUT_ACCESS", "IPT_FORWARD_ACCESS", "IPT_DNAT_ACCESS",
                "IPT_SNAT_ACCESS", "IPT_MASQUERADE_ACCESS")) {
            String spec = value(keyword);
            if (!spec.matches("[A-Za-z0-9_ ,]+") || spec.split(",").length != 6) {
                throw errorFor(keyword, "must be six comma-separated fields of [A-Za-z0-9_ ]");
            }
        }
    }

    /**
     * ENABLE_SPA_PACKET_AGING as fwknopd 2.6.10 decides it (config_init.c): the keyword's value when fwknopd.conf
     * sets it; otherwise on, except when the packets come from a PCAP_FILE (--pcap-file), which turns it off.
     */
    boolean packetAging() {
        if (overrides.containsKey("ENABLE_SPA_PACKET_AGING") || lines.containsKey("ENABLE_SPA_PACKET_AGING")) {
            return bool("ENABLE_SPA_PACKET_AGING");
        }
        String file = value("PCAP_FILE");
        return file == null || file.isBlank();
    }

    /** PCAP_INTF as a list: Postern takes several interfaces, comma-separated (one live capture each). */
    List<String> pcapInterfaces() throws ConfigException {
        List<String> out = new ArrayList<>();
        for (String i : value("PCAP_INTF").split(",")) {
            String name = i.strip();
            if (name.isEmpty()) {
                throw errorFor("PCAP_INTF", "an empty interface name in '" + value("PCAP_INTF") + "'");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** The paths of a comma-separated {@code -O} list (system property {@code postern.override.config}). */
    static List<Path> overrideFiles(String list) {
        List<Path> out = new ArrayList<>();
        if (list != null) {
            for (String f : list.split(",")) {
                if (!f.isBlank()) {
                    out.add(Path.of(f.strip()));
                }
            }
        }
        return out;
    }

    /** Every keyword with its effective value and origin, in fwknopd.conf's order then the defaults'. */
    Map<String, String[]> effective() {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String k : lines.keySet()) {
            out.put(k, new String[] {value(k), origin(k)});
        }
        for (String k : DEFAULTS.keySet()) {
            out.putIfAbsent(k, new String[] {value(k), origin(k)});
        }
        for (String k : overrides.keySet()) {
            out.putIfAbsent(k, new String[] {value(k), origin(k)});
        }
        return out;
    }

    /** Lines to log at start: keywords present but not (yet) honoured, each with file:line. */
    List<String> notices() {
        return notices;
    }

    /** The effective value, with overrides, defaults and one level of {@code $NAME} expansion. */
    String value(String keyword) {
        String v = overrides.get(keyword);
        if (v == null) {
            ConfigLine l = lines.get(keyword);
            v = l != null ? l.value() : DEFAULTS.get(keyword);
        }
        if (v != null && v.startsWith("$")) {
            int end = 1;
            while (end < v.length() && (Character.isLetterOrDigit(v.charAt(end)) || v.charAt(end) == '_')) {
                end++;
            }
            String ref = value(v.substring(1, end));
            if (ref != null) {
                v = ref + v.substring(end);
            }
        }
        return v;
    }

    boolean bool(String keyword) {
        String v = value(keyword);
        return v != null && !v.isEmpty() && (v.charAt(0) == 'y' || v.charAt(0) == 'Y');
    }

    int intValue(String keyword, int min, int max) throws ConfigException {
        String v = value(keyword);
        try {
            int i = Integer.parseInt(v.trim());
            if (i < min || i > max) {
                throw errorFor(keyword, "must be " + min + ".." + max + ", got " + v);
            }
            return i;
        } catch (NumberFormatException e) {
            throw errorFor(keyword, "not a number: '" + v + "'");
        }
    }

    /** Where a keyword's value came from, for messages and {@code spa:stanzas}-style displays. */
    String origin(String keyword) {
        if (overrides.containsKey(keyword)) {
            return "command line";
        }
        ConfigLine l = lines.get(keyword);
        return l != null ? l.where() : "default";
    }

    /** True when fwknopd.conf (or an override) sets the keyword. */
    boolean isSet(String keyword) {
        return overrides.containsKey(keyword) || lines.containsKey(keyword);
    }

    ConfigException errorFor(String keyword, String problem) {
        ConfigLine l = lines.get(keyword);
        return l != null ? l.error(problem) : new ConfigException(origin(keyword) + ": " + keyword + ": " + problem);
    }

    void logNotices() {
        notices.forEach(LOG::warn);
    }
}
