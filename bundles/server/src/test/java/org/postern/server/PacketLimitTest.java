package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class PacketLimitTest {

    @Test
    void exitsOnceAtTheLimit() {
        AtomicInteger exits = new AtomicInteger();
        PacketLimit l = new PacketLimit(3, exits::incrementAndGet);
        l.count();
        l.count();
        assertEquals(0, exits.get());
        l.count();
        l.count();
        assertEquals(1, exits.get());
    }

    @Test
    void badValueIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> PacketLimit.from("ten"));
    }
}
