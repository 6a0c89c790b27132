package org.postern.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;
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

    /** One configuration to put in place: a singleton PID, or a named instance of a factory PID. */
    record Target(String pid, boolean factory, Dictionary<String, Object> properties) {
    }

    static List<Target> targets(DaemonSettings s, boolean testMode) throws ConfigException {
        List<Target> out = new ArrayList<>();
        if (s.bool("ENABLE_UDP_SERVER")) {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put("name", INSTANCE);
            p.put("port", s.intValue("UDPSERV_PORT", 1, 65535));
            out.add(new Target("org.postern.capture.udp", true, p));
        } else {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put("name", INSTANCE);
            p.put("interfaceName", s.value("PCAP_INTF"));
            p.put("filter", s.value("PCAP_FILTER"));
            p.put("promiscuous", s.bool("ENABLE_PCAP_PROMISC"));
            p.put("anyDirection", s.bool("ENABLE_PCAP_ANY_DIRECTION"));
            p.put("snapLength", s.intValue("MAX_SNIFF_BYTES", 1, 65535));
            out.add(new Target("org.postern.capture.pcap", true, p));
        }
        if (!testMode) {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put("executable", s.value("FIREWALL_EXE"));
            p.put("inputAccess", s.value("IPT_INPUT_ACCESS"));
            p.put("flushAtInit", s.bool("FLUSH_IPT_AT_INIT"));
            p.put("flushAtExit", s.bool("FLUSH_IPT_AT_EXIT"));
            p.put("rulePrepend", s.bool("ENABLE_RULE_PREPEND"));
            p.put("destinationRule", s.bool("ENABLE_DESTINATION_RULE"));
            p.put("commentCheck", s.bool("ENABLE_IPT_COMMENT_CHECK"));
            out.add(new Target("org.postern.firewall.iptables", false, p));
        }
        return out;
    }

    /** Puts the targets in place (changing only what differs) and deletes stale imported configurations. */
    void apply(List<Target> targets) throws IOException {
        Set<String> kept = new HashSet<>();
        for (Target t : targets) {
            Configuration c = t.factory()
                    ? cm.getFactoryConfiguration(t.pid(), INSTANCE, "?")
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
