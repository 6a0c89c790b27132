package org.postern.alerts;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import org.postern.api.Alert;

/** Which alert kinds a sink sends: a comma list of {@link Alert.Kind} names, or {@code ALL}. */
final class AlertFilter {

    private final Set<Alert.Kind> kinds;

    private AlertFilter(Set<Alert.Kind> kinds) {
        this.kinds = kinds;
    }

    static AlertFilter parse(String list) {
        String t = list == null ? "" : list.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("ALL")) {
            return new AlertFilter(EnumSet.allOf(Alert.Kind.class));
        }
        Set<Alert.Kind> s = EnumSet.noneOf(Alert.Kind.class);
        for (String k : t.split(",")) {
            String name = k.strip().toUpperCase(Locale.ROOT);
            if (!name.isEmpty()) {
                s.add(Alert.Kind.valueOf(name)); // IllegalArgumentException names the bad kind
            }
        }
        return new AlertFilter(s);
    }

    boolean accepts(Alert a) {
        return kinds.contains(a.kind());
    }
}
