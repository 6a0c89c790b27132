package org.postern.shell;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

/**
 * The state of one configuration of a DS component, as {@code spa:status} shows it.
 *
 * <p>A component whose configuration policy is {@code require} and whose configuration is absent is
 * {@link State#UNCONFIGURED}: it waits by design (no {@code fwknopd.conf}, no capture source configured) and
 * is not a fault. Faults are {@link State#UNSATISFIED_REFERENCE} and {@link State#FAILED_ACTIVATION}.
 */
record ComponentHealth(String bundle, String component, State state, String detail) {

    /** The summary line that {@code spa:status} ends with when nothing is wrong and nothing waits. */
    static final String ALL_ACTIVE = "all components active";

    enum State {
        ACTIVE, SATISFIED, UNCONFIGURED, DISABLED, UNSATISFIED_REFERENCE, FAILED_ACTIVATION;

        boolean isFault() {
            return this == UNSATISFIED_REFERENCE || this == FAILED_ACTIVATION;
        }
    }

    /** One entry per configuration of the component, or one for the component when it has none. */
    static List<ComponentHealth> of(String bundle, ComponentDescriptionDTO description, boolean enabled,
            Collection<ComponentConfigurationDTO> configurations) {
        List<ComponentHealth> out = new ArrayList<>();
        if (!enabled) {
            out.add(new ComponentHealth(bundle, description.name, State.DISABLED, ""));
            return out;
        }
        if (configurations.isEmpty()) {
            out.add(new ComponentHealth(bundle, description.name, State.UNCONFIGURED,
                    "no configuration " + String.join(", ", description.configurationPid)));
            return out;
        }
        for (ComponentConfigurationDTO configuration : configurations) {
            out.add(of(bundle, description, configuration));
        }
        return out;
    }

    static ComponentHealth of(String bundle, ComponentDescriptionDTO description,
            ComponentConfigurationDTO configuration) {
        String name = description.name;
        Object pid = configuration.properties == null ? null : configuration.properties.get("service.pid");
        if (pid != null && !pid.toString().equals(name)) {
            name = name + " [" + pid + "]";
        }
        switch (configuration.state) {
            case ComponentConfigurationDTO.ACTIVE:
                return new ComponentHealth(bundle, name, State.ACTIVE, "");
            case ComponentConfigurationDTO.SATISFIED:
                return new ComponentHealth(bundle, name, State.SATISFIED, "");
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION:
                return new ComponentHealth(bundle, name, State.UNCONFIGURED,
                        "no configuration " + String.join(", ", description.configurationPid));
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE:
                return new ComponentHealth(bundle, name, State.UNSATISFIED_REFERENCE,
                        unsatisfied(configuration.unsatisfiedReferences));
            case ComponentConfigurationDTO.FAILED_ACTIVATION:
                return new ComponentHealth(bundle, name, State.FAILED_ACTIVATION, rootCause(configuration.failure));
            default:
                return new ComponentHealth(bundle, name, State.FAILED_ACTIVATION, "unknown state " + configuration.state);
        }
    }

    /** The last line of {@code spa:status}. */
    static String summary(List<ComponentHealth> all) {
        if (all.isEmpty()) {
            return "no Postern components found";
        }
        long unsatisfied = all.stream().filter(c -> c.state() == State.UNSATISFIED_REFERENCE).count();
        long failed = all.stream().filter(c -> c.state() == State.FAILED_ACTIVATION).count();
        long waiting = all.stream().filter(c -> c.state() == State.UNCONFIGURED).count();
        if (unsatisfied + failed > 0) {
            return "problems: " + unsatisfied + " with unsatisfied references, " + failed + " failed to activate";
        }
        if (waiting > 0) {
            return "all configured components active; " + waiting + " waiting for configuration";
        }
        return ALL_ACTIVE;
    }

    private static String unsatisfied(UnsatisfiedReferenceDTO[] references) {
        if (references == null || references.length == 0) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (UnsatisfiedReferenceDTO reference : references) {
            parts.add(reference.target == null ? "missing " + reference.name
                    : "missing " + reference.name + " " + reference.target);
        }
        return String.join("; ", parts);
    }

    /** The innermost "Caused by:" of a stack trace text (its first line when it has none). */
    static String rootCause(String trace) {
        if (trace == null) {
            return "";
        }
        String cause = null;
        for (String line : trace.split("\\R")) {
            String t = line.strip();
            if (t.startsWith("Caused by: ")) {
                cause = t.substring("Caused by: ".length());
            }
        }
        if (cause != null) {
            return cause;
        }
        int newline = trace.indexOf('\n');
        return (newline < 0 ? trace : trace.substring(0, newline)).strip();
    }
}
