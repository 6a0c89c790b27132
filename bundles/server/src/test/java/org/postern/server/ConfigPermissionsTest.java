package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fwknopd warns about config files other users may read (server/utils.c verify_file_perms_ownership). */
class ConfigPermissionsTest {

    @TempDir
    Path dir;

    @Test
    void aConfigFileReadableByOthersIsWarnedAboutWithFwknopdsWordingAndStillRead() throws Exception {
        Path conf = dir.resolve("access.conf");
        Files.writeString(conf, "SOURCE ANY\nKEY secret\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("[-] file: " + conf + " permissions should only be user read/write (0600, -rw-------)",
                FwknopConfigReader.permissionWarning(conf));
        assertEquals(2, FwknopConfigReader.read(conf).size());

        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-------"));
        assertNull(FwknopConfigReader.permissionWarning(conf));
    }
}
