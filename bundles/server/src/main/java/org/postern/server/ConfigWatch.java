package org.postern.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the configuration files looked like when last read: existence, modification time and size of each
 * (fwknopd.conf, -O files, access.conf and everything it includes, {@code %include_folder} directories). The
 * daemon polls {@link #changed()} (about once a second) and reloads when it is true. Polling rather than a
 * WatchService: it sees files replaced by rename (editors, config management) and files in several directories
 * alike, and a missing file that appears.
 */
final class ConfigWatch {

    record Stamp(boolean exists, long modifiedNanos, long size) {
    }

    private final Map<Path, Stamp> stamps;

    private ConfigWatch(Map<Path, Stamp> stamps) {
        this.stamps = stamps;
    }

    /** The files' stamps now. */
    static ConfigWatch of(Collection<Path> files) {
        Map<Path, Stamp> m = new LinkedHashMap<>();
        for (Path p : files) {
            m.put(p, stamp(p));
        }
        return new ConfigWatch(m);
    }

    /** These stamps plus the stamps now of the files not among them. */
    ConfigWatch plus(Collection<Path> files) {
        Map<Path, Stamp> m = new LinkedHashMap<>(stamps);
        for (Path p : files) {
            m.computeIfAbsent(p, ConfigWatch::stamp);
        }
        return new ConfigWatch(m);
    }

    /** True when a file was created, removed or written since the stamps were taken. */
    boolean changed() {
        for (Map.Entry<Path, Stamp> e : stamps.entrySet()) {
            if (!Objects.equals(e.getValue(), stamp(e.getKey()))) {
                return true;
            }
        }
        return false;
    }

    java.util.Set<Path> files() {
        return stamps.keySet();
    }

    static Stamp stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return new Stamp(true, a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS), a.size());
        } catch (IOException | RuntimeException e) {
            return new Stamp(false, 0, 0);
        }
    }
}
