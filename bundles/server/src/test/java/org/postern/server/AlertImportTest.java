package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fwknop 1.9's ALERTING_METHODS / EMAIL_ADDRESSES onto the alert sinks' configurations. */
class AlertImportTest {

    @TempDir
    Path dir;

    List<FwknopdImport.Target> targets(String conf) throws Exception {
        Path f = dir.resolve("fwknopd.conf");
        Files.writeString(f, conf);
        return FwknopdImport.alertTargets(DaemonSettings.load(f, Map.of()));
    }

    @Test
    void noAlertingKeywordsMakeNoSinks() throws Exception {
        assertEquals(List.of(), targets("PCAP_INTF lo\n"));
    }

    @Test
    void allIsSyslogAndEmail() throws Exception {
        List<FwknopdImport.Target> t = targets("ALERTING_METHODS ALL\nEMAIL_ADDRESSES ops@example.org, sec@example.org\n"
                + "SYSLOG_IDENTITY gw-spa\nSYSLOG_FACILITY LOG_LOCAL2\nSMTP_SERVER relay.example.org:2525\nHOSTNAME gw1\n");
        assertEquals(List.of("org.postern.alerts.syslog", "org.postern.alerts.email"),
                t.stream().map(FwknopdImport.Target::pid).toList());
        assertEquals("gw-spa", t.get(0).properties().get("identity"));
        assertEquals("LOG_LOCAL2", t.get(0).properties().get("facility"));
        assertEquals("ops@example.org,sec@example.org", t.get(1).properties().get("to"));
        assertEquals("relay.example.org", t.get(1).properties().get("smtpHost"));
        assertEquals(2525, t.get(1).properties().get("smtpPort"));
        assertEquals("gw1", t.get(1).properties().get("hostname"));
    }

    @Test
    void noemailAndNosyslog() throws Exception {
        assertEquals(List.of("org.postern.alerts.syslog"), targets("ALERTING_METHODS noemail\n").stream()
                .map(FwknopdImport.Target::pid).toList());
        List<FwknopdImport.Target> t = targets("ALERTING_METHODS nosyslog,verbose\n");
        assertEquals(List.of("org.postern.alerts.email"), t.stream().map(FwknopdImport.Target::pid).toList());
        assertEquals("root@localhost", t.get(0).properties().get("to"));
        assertEquals("127.0.0.1", t.get(0).properties().get("smtpHost"));
    }

    @Test
    void errorsNameFileLineAndKeyword() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> targets("PCAP_INTF lo\nEMAIL_ADDRESSES nobody\n"));
        assertTrue(e.getMessage().endsWith("fwknopd.conf:2: EMAIL_ADDRESSES: not an e-mail address: 'nobody'"),
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> targets("ALERTING_METHODS pager\n"));
        assertTrue(e.getMessage().contains("fwknopd.conf:1: ALERTING_METHODS: unknown method 'pager'"), e.getMessage());
    }
}
