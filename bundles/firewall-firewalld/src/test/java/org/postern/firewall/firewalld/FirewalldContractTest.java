package org.postern.firewall.firewalld;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.postern.api.CommandExecutor;
import org.postern.api.FirewallBackend;
import org.postern.exec.ProcessCommandExecutor;
import org.postern.firewall.testkit.FirewallBackendContract;
import org.postern.firewall.testkit.NetnsPair;

/**
 * The firewalld backend passes the backend contract against a real firewalld: a private D-Bus system bus
 * (a dbus-daemon of this test's own, on a socket in a temporary directory) and firewalld running inside the
 * gateway namespace, whose default zone rejects the service. firewalld expires the rich rules itself.
 * Skipped unless root with firewalld and dbus-daemon installed.
 */
class FirewalldContractTest extends FirewallBackendContract {

    private static final ProcessCommandExecutor HOST = new ProcessCommandExecutor();
    private static Path dir;
    private static Process bus;
    private static Process firewalld;

    private static List<String> withBus(List<String> argv) {
        List<String> a = new ArrayList<>(List.of("env", "DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + dir.resolve("bus")));
        a.addAll(argv);
        return a;
    }

    @Override
    protected void defaultDrop(NetnsPair pair) throws Exception {
        assumeTrue(new File("/usr/sbin/firewalld").canExecute() && new File("/usr/bin/firewall-cmd").canExecute()
                && new File("/usr/bin/dbus-daemon").canExecute(), "needs firewalld and dbus-daemon");
        if (firewalld != null) {
            return;
        }
        dir = Files.createTempDirectory("postern-firewalld");
        Files.writeString(dir.resolve("bus.conf"), "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus "
                + "Configuration 1.0//EN\" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                + "<busconfig><type>system</type><listen>unix:path=" + dir.resolve("bus") + "</listen>"
                + "<auth>EXTERNAL</auth><policy context=\"default\"><allow user=\"root\"/><allow own=\"*\"/>"
                + "<allow send_destination=\"*\"/><allow receive_sender=\"*\"/></policy>"
                + "<includedir>/usr/share/dbus-1/system.d</includedir></busconfig>\n");
        bus = new ProcessBuilder("dbus-daemon", "--config-file=" + dir.resolve("bus.conf"), "--nofork")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dbus.log").toFile()).start();
        assumeTrue(NetnsPair.waitFor(Duration.ofSeconds(10), () -> Files.exists(dir.resolve("bus"))), "no private bus");
        firewalld = new ProcessBuilder(withBus(pair.gatewayCommand(List.of("firewalld", "--nofork", "--nopid"))))
                .redirectErrorStream(true).redirectOutput(dir.resolve("firewalld.log").toFile()).start();
        assumeTrue(NetnsPair.waitFor(Duration.ofSeconds(60), () -> NetnsPair.run(withBus(pair.gatewayCommand(
                List.of("firewall-cmd", "--state")))).ok()), "firewalld did not come up in the namespace");
    }

    @AfterAll
    static void stopFirewalld() {
        if (firewalld != null) {
            firewalld.destroy();
            NetnsPair.waitFor(Duration.ofSeconds(15), () -> !firewalld.isAlive());
            firewalld.destroyForcibly();
            firewalld = null;
        }
        if (bus != null) {
            bus.destroyForcibly();
            bus = null;
        }
    }

    @Override
    protected void clearFirewall(NetnsPair pair) {
        // firewalld keeps running for the next test; the backend's stop removed its rules
    }

    @Override
    protected FirewallBackend start(NetnsPair pair) {
        CommandExecutor inGateway = (argv, stdin, timeout) -> HOST.run(withBus(pair.gatewayCommand(argv)), stdin, timeout);
        return new FirewalldFirewallBackend(inGateway, new FirewalldFirewallBackend.Settings("firewall-cmd", "", -32000,
                false, true, true, Duration.ofSeconds(20)), Clock.systemUTC());
    }

    @Override
    protected void stop(FirewallBackend backend) {
        ((FirewalldFirewallBackend) backend).close();
    }

    @Override
    protected boolean firewallExpires() {
        return true;
    }

    @Override
    protected boolean reportsLiveGrants() {
        return false;
    }
}
