package org.postern.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares ConfigAdmin factory configurations (native access stanzas, {@code org.postern.stanza}, with their
 * keys) through the shared-config map, sealed with the cluster secret: a local create, update or delete is
 * published at once; another member's change is applied locally through ConfigAdmin (so the stanza component
 * sees an ordinary configuration change). Capture and firewall configurations are never shared. Key of an
 * entry: the configuration's PID where it was made ({@code postern.cluster.key} marks copies made here).
 */
final class StanzaShare implements ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(StanzaShare.class);
    static final String KEY = "postern.cluster.key";
    private static final Set<String> LOCAL_ONLY = Set.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID,
            ConfigurationAdmin.SERVICE_BUNDLELOCATION, "felix.fileinstall.filename", KEY);

    private final Supplier<HazelcastInstance> member;
    private final ConfigurationAdmin cm;
    private final Sealer sealer;
    private final List<String> factoryPids;

    StanzaShare(Supplier<HazelcastInstance> member, ConfigurationAdmin cm, Sealer sealer, List<String> factoryPids) {
        this.member = member;
        this.cm = cm;
        this.sealer = sealer;
        this.factoryPids = factoryPids;
    }

    /** Once the member runs: applies what the cluster holds, publishes what only this gateway has, then listens. */
    void start(HazelcastInstance hz) {
        IMap<String, String> map = hz.getMap(ClusterSettings.SHARED_CONFIG_MAP);
        for (String key : map.keySet()) {
            apply(key, map.get(key));
        }
        for (Configuration c : local()) {
            String key = keyOf(c);
            if (!map.containsKey(key)) {
                publish(c);
            }
        }
        map.addEntryListener(new Listener(), true);
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String fpid = event.getFactoryPid();
        if (fpid == null || !factoryPids.contains(fpid)) {
            return;
        }
        HazelcastInstance hz = member.get();
        if (hz == null || !hz.getLifecycleService().isRunning()) {
            return;
        }
        try {
            if (event.getType() == ConfigurationEvent.CM_DELETED) {
                IMap<String, String> map = hz.getMap(ClusterSettings.SHARED_CONFIG_MAP);
                // the deleted configuration is gone: find its entry by PID or by the key a copy carried
                for (String key : map.keySet()) {
                    if (key.equals(event.getPid()) || fpid.equals(factoryOf(key))
                            && nameOf(key).equals(nameOf(event.getPid())) && pidFor(key) == null) {
                        map.delete(key);
                        LOG.info("Shared configuration {} deleted cluster-wide", key);
                    }
                }
                return;
            }
            for (Configuration c : local()) {
                if (c.getPid().equals(event.getPid())) {
                    publish(c);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Sharing configuration {}: {}", event.getPid(), e.toString());
        }
    }

    private void publish(Configuration c) {
        HazelcastInstance hz = member.get();
        if (hz == null) {
            return;
        }
        String key = keyOf(c);
        String text = encode(c.getProperties());
        IMap<String, String> map = hz.getMap(ClusterSettings.SHARED_CONFIG_MAP);
        if (text.equals(sealer.open(channel(key), map.get(key)))) {
            return; // already what the cluster holds (for instance a change that came from the cluster)
        }
        LOG.info("Shared configuration {} published to the cluster", key);
        map.set(key, sealer.seal(channel(key), text));
    }

    private void apply(String key, String sealed) {
        String text = sealer.open(channel(key), sealed);
        if (text == null) {
            LOG.warn("Ignored shared configuration {}: not sealed with this cluster's secret", key);
            return;
        }
        String fpid = factoryOf(key);
        if (fpid == null) {
            return;
        }
        try {
            Configuration c = pidFor(key);
            if (c != null && text.equals(encode(c.getProperties()))) {
                return;
            }
            if (c == null) {
                c = cm.getFactoryConfiguration(fpid, nameOf(key), "?");
            }
            Hashtable<String, Object> props = decode(text);
            props.put(KEY, key);
            c.update(props);
            LOG.info("Shared configuration {} applied from the cluster", key);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Applying shared configuration {}: {}", key, e.toString());
        }
    }

    private void remove(String key) {
        try {
            Configuration c = pidFor(key);
            if (c != null) {
                c.delete();
                LOG.info("Shared configuration {} deleted from the cluster", key);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Deleting shared configuration {}: {}", key, e.toString());
        }
    }

    /** The local configuration for a shared key: the one made there (same PID) or the copy made here. */
    private Configuration pidFor(String key) {
        for (Configuration c : local()) {
            if (c.getPid().equals(key) || key.equals(c.getProperties().get(KEY))) {
                return c;
            }
        }
        return null;
    }

    private List<Configuration> local() {
        List<Configuration> out = new ArrayList<>();
        for (String fpid : factoryPids) {
            try {
                Configuration[] cs = cm.listConfigurations("(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + fpid + ")");
                if (cs != null) {
                    for (Configuration c : cs) {
                        if (c.getProperties() != null) {
                            out.add(c);
                        }
                    }
                }
            } catch (IOException | InvalidSyntaxException e) {
                LOG.warn("Listing configurations of {}: {}", fpid, e.toString());
            }
        }
        return out;
    }

    private String factoryOf(String key) {
        for (String f : factoryPids) {
            if (key.startsWith(f + "~") || key.startsWith(f + ".") || key.startsWith(f + "-")) {
                return f;
            }
        }
        return null;
    }

    static String keyOf(Configuration c) {
        Object k = c.getProperties().get(KEY);
        return k instanceof String s ? s : c.getPid();
    }

    /** The name part of a factory PID: after '~' (R7 named configurations), else after the factory PID. */
    static String nameOf(String key) {
        int t = key.lastIndexOf('~');
        if (t >= 0) {
            return key.substring(t + 1);
        }
        int dot = key.lastIndexOf('.');
        return dot >= 0 ? key.substring(dot + 1) : key;
    }

    private static String channel(String key) {
        return "config:" + key;
    }

    /** Sorted {@code key TAB type TAB value} lines (String, Integer, Long, Boolean, String[]; others as strings). */
    static String encode(Dictionary<String, Object> props) {
        Map<String, String> lines = new TreeMap<>();
        for (Enumeration<String> e = props.keys(); e.hasMoreElements();) {
            String k = e.nextElement();
            if (LOCAL_ONLY.contains(k)) {
                continue;
            }
            Object v = props.get(k);
            String type;
            String value;
            if (v instanceof String[] a) {
                type = "S[]";
                List<String> parts = new ArrayList<>();
                for (String s : a) {
                    parts.add(escape(s).replace(",", "\\c"));
                }
                value = String.join(",", parts);
            } else {
                type = v instanceof Integer ? "I" : v instanceof Long ? "L" : v instanceof Boolean ? "B" : "S";
                value = escape(String.valueOf(v));
            }
            lines.put(k, escape(k) + "\t" + type + "\t" + value);
        }
        return String.join("\n", lines.values());
    }

    static Hashtable<String, Object> decode(String text) {
        Hashtable<String, Object> props = new Hashtable<>();
        if (text.isEmpty()) {
            return props;
        }
        for (String line : text.split("\n")) {
            String[] f = line.split("\t", 3);
            if (f.length < 3) {
                continue;
            }
            String k = unescape(f[0]);
            String v = f[2];
            switch (f[1]) {
                case "I" -> props.put(k, Integer.valueOf(v));
                case "L" -> props.put(k, Long.valueOf(v));
                case "B" -> props.put(k, Boolean.valueOf(v));
                case "S[]" -> {
                    List<String> parts = new ArrayList<>();
                    if (!v.isEmpty()) {
                        for (String p : v.split(",", -1)) {
                            parts.add(unescape(p.replace("\\c", ",")));
                        }
                    }
                    props.put(k, parts.toArray(String[]::new));
                }
                default -> props.put(k, unescape(v));
            }
        }
        return props;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /** Entry events of the shared-config map that another member caused. */
    private final class Listener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String> {

        @Override
        public void entryAdded(EntryEvent<String, String> e) {
            if (!e.getMember().localMember()) {
                apply(e.getKey(), e.getValue());
            }
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> e) {
            if (!e.getMember().localMember()) {
                apply(e.getKey(), e.getValue());
            }
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> e) {
            if (!e.getMember().localMember()) {
                remove(e.getKey());
            }
        }
    }
}
