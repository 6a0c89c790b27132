package org.postern.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;
import org.postern.shell.ComponentHealth.State;

class ComponentHealthTest {

    private static ComponentDescriptionDTO description(String name) {
        ComponentDescriptionDTO d = new ComponentDescriptionDTO();
        d.name = name;
        d.configurationPid = new String[] {name};
        return d;
    }

    private static ComponentConfigurationDTO configuration(int state) {
        ComponentConfigurationDTO c = new ComponentConfigurationDTO();
        c.state = state;
        c.properties = Map.of();
        return c;
    }

    @Test
    void mapsEveryRuntimeState() {
        ComponentDescriptionDTO d = description("org.postern.server.Pipeline");
        assertEquals(State.ACTIVE, ComponentHealth.of("b", d, configuration(ComponentConfigurationDTO.ACTIVE)).state());
        assertEquals(State.SATISFIED,
                ComponentHealth.of("b", d, configuration(ComponentConfigurationDTO.SATISFIED)).state());
        assertEquals(State.UNCONFIGURED,
                ComponentHealth.of("b", d, configuration(ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION)).state());
        assertEquals(State.FAILED_ACTIVATION,
                ComponentHealth.of("b", d, configuration(ComponentConfigurationDTO.FAILED_ACTIVATION)).state());
    }

    @Test
    void namesTheMissingReference() {
        ComponentConfigurationDTO c = configuration(ComponentConfigurationDTO.UNSATISFIED_REFERENCE);
        UnsatisfiedReferenceDTO r = new UnsatisfiedReferenceDTO();
        r.name = "firewall";
        r.target = "(backend=iptables)";
        c.unsatisfiedReferences = new UnsatisfiedReferenceDTO[] {r};
        ComponentHealth h = ComponentHealth.of("b", description("x"), c);
        assertEquals(State.UNSATISFIED_REFERENCE, h.state());
        assertEquals("missing firewall (backend=iptables)", h.detail());
    }

    @Test
    void aFailureShowsItsRootCause() {
        ComponentConfigurationDTO c = configuration(ComponentConfigurationDTO.FAILED_ACTIVATION);
        c.failure = "java.lang.reflect.InvocationTargetException\n\tat x.y(Z.java:1)\n"
                + "Caused by: java.lang.IllegalStateException: configuration error: a\n\tat a.b(C.java:2)\n"
                + "Caused by: org.postern.server.ConfigException: access.conf:3: KEY_BASE64: not valid base64\n"
                + "\tat d.e(F.java:4)\n";
        assertEquals("org.postern.server.ConfigException: access.conf:3: KEY_BASE64: not valid base64",
                ComponentHealth.of("b", description("x"), c).detail());
        assertEquals("boom", ComponentHealth.rootCause("boom\n\tat a.b(C.java:1)"));
        assertEquals("", ComponentHealth.rootCause(null));
    }

    @Test
    void factoryInstancesShowTheirPid() {
        ComponentConfigurationDTO c = configuration(ComponentConfigurationDTO.ACTIVE);
        c.properties = Map.of("service.pid", "org.postern.capture.udp~main");
        assertEquals("org.postern.capture.udp [org.postern.capture.udp~main]",
                ComponentHealth.of("b", description("org.postern.capture.udp"), c).component());
    }

    @Test
    void disabledAndConfigurationlessComponentsAreNotFaults() {
        List<ComponentHealth> disabled = ComponentHealth.of("b", description("x"), false, List.of());
        assertEquals(State.DISABLED, disabled.get(0).state());
        List<ComponentHealth> none = ComponentHealth.of("b", description("y"), true, List.of());
        assertEquals(State.UNCONFIGURED, none.get(0).state());
        assertFalse(none.get(0).state().isFault());
    }

    @Test
    void summaryLine() {
        ComponentHealth active = new ComponentHealth("b", "a", State.ACTIVE, "");
        ComponentHealth satisfied = new ComponentHealth("b", "s", State.SATISFIED, "");
        ComponentHealth disabled = new ComponentHealth("b", "d", State.DISABLED, "");
        ComponentHealth waiting = new ComponentHealth("b", "w", State.UNCONFIGURED, "");
        ComponentHealth missing = new ComponentHealth("b", "m", State.UNSATISFIED_REFERENCE, "");
        ComponentHealth failed = new ComponentHealth("b", "f", State.FAILED_ACTIVATION, "");

        assertEquals("all components active", ComponentHealth.summary(List.of(active, satisfied, disabled)));
        String partly = ComponentHealth.summary(List.of(active, waiting));
        assertEquals("all configured components active; 1 waiting for configuration", partly);
        assertFalse(partly.contains(ComponentHealth.ALL_ACTIVE));
        String faulty = ComponentHealth.summary(List.of(active, waiting, missing, failed));
        assertEquals("problems: 1 with unsatisfied references, 1 failed to activate", faulty);
        assertFalse(faulty.contains(ComponentHealth.ALL_ACTIVE));
        assertEquals("no Postern components found", ComponentHealth.summary(List.of()));
        assertTrue(State.FAILED_ACTIVATION.isFault());
    }
}
