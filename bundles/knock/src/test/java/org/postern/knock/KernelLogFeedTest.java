package org.postern.knock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.KnockEvent;

class KernelLogFeedTest {

    @Test
    void followsAppendedLinesAndRotation(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("kern.log");
        Files.writeString(log, IptablesLogLineTest.UDP + "\n"); // before start: skipped (seek to end)
        List<KnockEvent> seen = new CopyOnWriteArrayList<>();
        KernelLogFeed feed = new KernelLogFeed(log.toString(), false, 20, seen::add, () -> 5L);
        feed.start();
        try {
            // wait until the feed has positioned itself at the end, then append
            waitFor(feed::positioned);
            Files.writeString(log, IptablesLogLineTest.LINUX_SYN + "\n", StandardCharsets.ISO_8859_1,
                    StandardOpenOption.APPEND);
            waitFor(() -> seen.size() >= 1);
            Files.writeString(log, "noise line\n" + IptablesLogLineTest.ICMP + "\n", StandardOpenOption.APPEND);
            waitFor(() -> seen.size() >= 2);
            // rotation: a new file under the same name is read from its start
            Path old = dir.resolve("kern.log.1");
            Files.move(log, old);
            Files.writeString(log, IptablesLogLineTest.UDP + "\n");
            waitFor(() -> seen.size() >= 3);
        } finally {
            feed.stop();
        }
        assertEquals(3, seen.size(), seen::toString);
        assertEquals(61083, seen.get(0).port());
        assertTrue(seen.get(0).syn() != null);
        assertEquals(61097, seen.get(seen.size() - 1).port());
    }

    private static void waitFor(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            LockSupport.parkNanos(5_000_000L); // poll interval
        }
    }
}
