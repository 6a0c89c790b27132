package org.postern.server;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's counters as a read-only JMX MBean, {@value #NAME}, in the platform MBean server (the one Karaf's
 * JMX connector serves, on 127.0.0.1). Attributes are read when asked: {@code Received}, {@code Accepted},
 * {@code RefusedTotal}, {@code GrantsOpened}, {@code GrantsClosed}, {@code GrantsLive}, {@code Reloads},
 * {@code ReloadFailures}, {@code LastReloadError}, {@code AlertsDropped}, one {@code Refused.STEP.REASON} per
 * refusal reason and one {@code Packets.<capture>} per capture source seen. A DynamicMBean because the capture
 * names are only known at run time.
 */
final class MetricsMBean implements DynamicMBean {

    static final String NAME = "org.postern:type=Daemon,name=metrics";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsMBean.class);

    private final Supplier<Map<String, Object>> values;
    private ObjectName registered;

    MetricsMBean(Supplier<Map<String, Object>> values) {
        this.values = values;
    }

    /** Registers under {@value #NAME}, replacing a stale registration; a failure is logged, never thrown. */
    void register() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(NAME);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(this, name);
            registered = name;
        } catch (JMException | RuntimeException e) {
            LOG.warn("Cannot register the JMX MBean {}: {}", NAME, e.toString());
        }
    }

    void unregister() {
        if (registered == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (JMException | RuntimeException e) {
            LOG.debug("unregistering {}: {}", NAME, e.toString());
        }
        registered = null;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Object v = values.get().get(attribute);
        if (v == null && !values.get().containsKey(attribute)) {
            throw new AttributeNotFoundException(attribute);
        }
        return v;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("read-only: " + attribute.getName());
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Map<String, Object> now = values.get();
        AttributeList out = new AttributeList();
        for (String a : attributes) {
            if (now.containsKey(a)) {
                out.add(new Attribute(a, now.get(a)));
            }
        }
        return out;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) {
        throw new UnsupportedOperationException("no operations: " + actionName);
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        List<MBeanAttributeInfo> attrs = new ArrayList<>();
        values.get().forEach((k, v) -> attrs.add(new MBeanAttributeInfo(k,
                v instanceof String ? String.class.getName() : Long.class.getName(), describe(k), true, false,
                false)));
        return new MBeanInfo(getClass().getName(), "Postern SPA daemon counters since start",
                attrs.toArray(new MBeanAttributeInfo[0]), null, null, null);
    }

    private static String describe(String k) {
        if (k.startsWith("Refused.")) {
            return "packets refused for " + k.substring("Refused.".length());
        }
        if (k.startsWith("Packets.")) {
            return "packets received from capture source " + k.substring("Packets.".length());
        }
        return k;
    }
}
