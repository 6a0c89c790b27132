package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.ReplayRecord;

class DigestFileTest {

    @TempDir
    Path dir;

    static final String FWKNOP_FILE = "# <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>\n"
            + "LJmFrJgHcTgIodFUQl9DyTKJFZqmyz6X9ZsFbDljMEY 17 127.0.0.1 40321 127.0.0.1 62201 1379957312\n"
            + "m3CdH2zNvAc4nbqM5rW1l/hc2Ovl6wGd4YBcyL4LJu0 17 127.0.0.1 51234 127.0.0.1 62201 1379957320\n";

    static final ReplayRecord R = new ReplayRecord(17, "10.0.0.1", 4000, "10.0.0.2", 62201, 1800000000L);

    @Test
    void readsAFwknopDigestCacheAndAppendsInItsFormat() throws Exception {
        Path f = dir.resolve("digest.cache");
        Files.writeString(f, FWKNOP_FILE);
        try (DigestFile d = new DigestFile(f)) {
            assertEquals(2, d.size());
            assertTrue(d.contains("LJmFrJgHcTgIodFUQl9DyTKJFZqmyz6X9ZsFbDljMEY"));
            assertFalse(d.addIfAbsent("m3CdH2zNvAc4nbqM5rW1l/hc2Ovl6wGd4YBcyL4LJu0", R));
            assertTrue(d.addIfAbsent("newdigestnewdigestnewdigestnewdigestnewdig", R));
        }
        List<String> lines = Files.readAllLines(f);
        assertEquals("newdigestnewdigestnewdigestnewdigestnewdig 17 10.0.0.1 4000 10.0.0.2 62201 1800000000", lines.get(3));
    }

    @Test
    void aLineCutByACrashDoesNotSwallowTheNextDigest() throws Exception {
        Path f = dir.resolve("digest.cache");
        Files.writeString(f, FWKNOP_FILE + "abc 17 10.0"); // torn write
        try (DigestFile d = new DigestFile(f)) {
            d.addIfAbsent("after", R);
        }
        try (DigestFile d = new DigestFile(f)) {
            assertTrue(d.contains("after"));
            assertTrue(d.contains("abc"));
        }
    }

    @Test
    void anUnforcedDigestIsWrittenAndKnownAndForceMakesItDurable() throws Exception {
        Path f = dir.resolve("digest.cache");
        DigestFile c = new DigestFile(f);
        org.junit.jupiter.api.Assertions.assertTrue(c.addIfAbsent("d1", R, false));
        org.junit.jupiter.api.Assertions.assertFalse(c.addIfAbsent("d1", R, false), "known at once");
        org.junit.jupiter.api.Assertions.assertTrue(Files.readString(f).contains("d1 17 10.0.0.1"), "written at once");
        c.force();
        c.force(); // nothing waits: no-op
        c.close();
        org.junit.jupiter.api.Assertions.assertFalse(new DigestFile(f).addIfAbsent("d1", R), "kept across a restart");
    }

    @Test
    void rotateRenamesToOldAndStartsEmpty() throws Exception {
        Path f = dir.resolve("digest.cache");
        Files.writeString(f, FWKNOP_FILE);
        try (DigestFile d = new DigestFile(f, true)) {
            assertEquals(0, d.size());
        }
        assertEquals(FWKNOP_FILE, Files.readString(dir.resolve("digest.cache-old")));
        assertEquals(DigestFile.HEADER, Files.readString(f));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void withoutPersistenceNothingIsWritten() throws Exception {
        try (DigestFile d = new DigestFile(null)) {
            assertTrue(d.addIfAbsent("x", R));
            assertFalse(d.addIfAbsent("x", R));
        }
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }
}
