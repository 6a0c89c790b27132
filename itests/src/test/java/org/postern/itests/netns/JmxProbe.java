package org.postern.itests.netns;

import java.util.ArrayList;
import java.util.List;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.VirtualMachine;

/**
 * Reads MBean attributes of a running daemon's platform MBean server, as jconsole does for a local JVM: attaches
 * to the process (JDK attach API), starts its local management agent and connects to it. The distribution has no
 * remote JMX connector (Karaf's management feature is not installed), so this is how an operator on the gateway
 * reads them. {@code JmxProbe <pid> <object name> <attribute>...} prints {@code name=value} per attribute.
 */
public final class JmxProbe {

    private JmxProbe() {
    }

    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection s = c.getMBeanServerConnection();
            ObjectName name = new ObjectName(args[1]);
            for (int i = 2; i < args.length; i++) {
                System.out.println(args[i] + "=" + s.getAttribute(name, args[i]));
            }
        }
    }

    /**
     * Runs the probe against process {@code pid} in its network namespace {@code ns} (the local agent's RMI
     * connector is on that namespace's loopback), with this JVM's java and class path.
     */
    static Exec.Result run(String ns, long pid, String objectName, String... attributes) {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, javaBin, "-cp", System.getProperty("java.class.path"),
                JmxProbe.class.getName(), Long.toString(pid), objectName));
        argv.addAll(List.of(attributes));
        return Exec.run(60, argv.toArray(String[]::new));
    }
}
