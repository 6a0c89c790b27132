package org.postern.server;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One native access stanza: a configuration of the factory PID {@value #FACTORY_PID}. It only carries the
 * configuration's lines; {@link FwknopDaemon} binds every one (dynamic, multiple) and parses them together with
 * access.conf at each (re)load, so one rule set validates both and a bad value is refused with the others.
 *
 * <p>The configuration's properties are read as given, not through {@link StanzaConfig}'s typed view: only the
 * keys present count (an absent key keeps fwknop's default), which a typed view with defaults cannot tell.
 * An updated configuration gives a new instance (no {@code @Modified}), so the daemon sees a rebind.
 */
@Component(service = NativeStanza.class, configurationPid = NativeStanza.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = StanzaConfig.class, factory = true)
public final class NativeStanza {

    static final String FACTORY_PID = "org.postern.stanza";

    /** Properties that are not stanza keywords. */
    private static final Set<String> NOT_KEYWORDS = Set.of("name", "description", "note");

    /** Keywords in the order they are handed to the parser (SOURCE opens the stanza); others follow by name. */
    private static final List<String> ORDER = List.of("SOURCE", "DESTINATION", "KEY", "KEY_BASE64", "HMAC_KEY",
            "HMAC_KEY_BASE64", "HMAC_DIGEST_TYPE", "ENCRYPTION_MODE", "OPEN_PORTS", "RESTRICT_PORTS",
            "FW_ACCESS_TIMEOUT", "MAX_FW_TIMEOUT");

    private final String pid;
    private final String name;
    private final String file;
    private final List<ConfigLine> lines;

    @Activate
    public NativeStanza(Map<String, Object> properties) {
        this(properties, NativeStanza::readLines);
    }

    NativeStanza(Map<String, Object> properties, java.util.function.Function<Path, List<String>> reader) {
        this.pid = String.valueOf(properties.getOrDefault("service.pid", FACTORY_PID));
        Path cfg = cfgFile(properties.get("felix.fileinstall.filename"));
        this.file = cfg == null ? pid : cfg.toString();
        Object n = properties.get("name");
        this.name = n != null && !n.toString().isBlank() ? n.toString().strip() : nameOf(pid, cfg);
        List<String> text = cfg == null ? List.of() : reader.apply(cfg);
        TreeMap<String, ConfigLine> byKeyword = new TreeMap<>();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("service.") || k.startsWith("felix.") || k.startsWith("component.")
                    || k.startsWith("postern.") || NOT_KEYWORDS.contains(k) || e.getValue() == null) {
                continue;
            }
            String value = e.getValue() instanceof Object[] a ? String.join(",", java.util.Arrays.stream(a)
                    .map(String::valueOf).toList()) : String.valueOf(e.getValue());
            if (value.isBlank()) {
                continue; // an empty value is the metatype default: not set
            }
            byKeyword.put(keyword(k), new ConfigLine(file, lineOf(text, k), keyword(k), value.strip()));
        }
        List<ConfigLine> ordered = new ArrayList<>();
        for (String k : ORDER) {
            ConfigLine l = byKeyword.remove(k);
            if (l != null) {
                ordered.add(l);
            }
        }
        ordered.addAll(byKeyword.values());
        if (ordered.isEmpty() || !ordered.get(0).keyword().equals("SOURCE")) {
            ordered.add(0, new ConfigLine(file, 0, "SOURCE", "ANY")); // the metatype default
        }
        this.lines = List.copyOf(ordered);
    }

    /**
     * The native stanzas as the daemon tries them, after access.conf's: sorted by name (then PID), each parsed on
     * its own; two with one name are an error. Adds each PID to {@code sources}.
     */
    static List<AccessStanza> parseAll(AccessConfParser parser, java.util.Collection<NativeStanza> natives,
            List<String> sources) throws ConfigException {
        List<NativeStanza> sorted = new ArrayList<>(natives);
        sorted.sort(java.util.Comparator.comparing(NativeStanza::name).thenComparing(NativeStanza::pid));
        Set<String> names = new java.util.HashSet<>();
        List<AccessStanza> out = new ArrayList<>();
        for (NativeStanza n : sorted) {
            if (!names.add(n.name())) {
                throw new ConfigException(n.origin() + ": name: another native stanza is named '" + n.name() + "'");
            }
            List<AccessStanza> one;
            try {
                one = parser.parse(n.lines());
            } catch (ConfigException e) {
                throw new ConfigException(e.getMessage() + " (native stanza " + n.pid() + ")");
            }
            out.add(one.get(0).withName(n.name()));
            sources.add(n.pid());
        }
        return out;
    }

    /**
     * The native stanzas of a Karaf {@code etc} folder ({@code org.postern.stanza-<name>.cfg}), read as Felix
     * FileInstall would hand them over, for {@code bin/fwknopd -D} and {@code --exit-parse-config}, which run
     * without the framework.
     */
    static List<NativeStanza> fromEtc(Path etc) throws ConfigException {
        List<NativeStanza> out = new ArrayList<>();
        if (etc == null || !java.nio.file.Files.isDirectory(etc)) {
            return out;
        }
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(etc)) {
            for (Path f : files.sorted().toList()) {
                String fn = f.getFileName().toString();
                if (!fn.startsWith(FACTORY_PID + "-") || !fn.endsWith(".cfg")) {
                    continue;
                }
                java.util.Properties p = new java.util.Properties();
                try (java.io.Reader r = java.nio.file.Files.newBufferedReader(f, java.nio.charset.StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                Map<String, Object> props = new java.util.HashMap<>();
                p.forEach((k, v) -> props.put(k.toString(), v.toString()));
                String alias = fn.substring(FACTORY_PID.length() + 1, fn.length() - ".cfg".length());
                props.put("service.pid", FACTORY_PID + "~" + alias);
                props.put("felix.fileinstall.filename", f.toUri().toString());
                out.add(new NativeStanza(props));
            }
        } catch (java.io.IOException e) {
            throw new ConfigException(etc + ": cannot read the native stanza configurations: " + e.getMessage());
        }
        return out;
    }

    /** The configuration PID, {@code org.postern.stanza~web}. */
    String pid() {
        return pid;
    }

    /** The stanza's name: the {@code name} property, else the configuration's name. */
    String name() {
        return name;
    }

    /** The lines for {@link AccessConfParser#parse(List)}: SOURCE first, each naming its .cfg file and line. */
    List<ConfigLine> lines() {
        return lines;
    }

    /** Where it comes from, for spa:stanzas and errors: the PID, and its .cfg file when it has one. */
    String origin() {
        return file.equals(pid) ? pid : pid + " (" + file + ")";
    }

    /** {@code openPorts} and {@code open.ports} are {@code OPEN_PORTS}; a keyword as written stays. */
    static String keyword(String property) {
        if (property.matches("[A-Z0-9_]+")) {
            return property;
        }
        if (property.indexOf('.') >= 0 || property.indexOf('_') >= 0) {
            return property.replace('.', '_').toUpperCase(Locale.ROOT);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < property.length(); i++) {
            char c = property.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                s.append('_');
            }
            s.append(Character.toUpperCase(c));
        }
        return s.toString();
    }

    /** {@code org.postern.stanza~web} and {@code etc/org.postern.stanza-web.cfg} are both named web. */
    static String nameOf(String pid, Path cfg) {
        int tilde = pid.indexOf('~');
        if (tilde >= 0) {
            return pid.substring(tilde + 1);
        }
        if (cfg != null) {
            String f = cfg.getFileName().toString();
            String prefix = FACTORY_PID + "-";
            if (f.startsWith(prefix) && f.endsWith(".cfg")) {
                return f.substring(prefix.length(), f.length() - 4);
            }
        }
        return pid;
    }

    private static Path cfgFile(Object fileinstall) {
        if (fileinstall == null) {
            return null;
        }
        String s = fileinstall.toString();
        try {
            return s.startsWith("file:") ? Path.of(URI.create(s)) : Path.of(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The 1-based line of {@code key = ...} in the .cfg text, or 0 when not found. */
    private static int lineOf(List<String> text, String key) {
        for (int i = 0; i < text.size(); i++) {
            String t = text.get(i).strip();
            if (t.startsWith(key) && t.substring(key.length()).strip().matches("^[=:].*")) {
                return i + 1;
            }
        }
        return 0;
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
