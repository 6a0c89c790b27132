package org.postern.capture.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postern.api.CapturedPacket;
import org.postern.api.Transport;
import org.postern.api.http.SpaOverHttp;

class CaptureOutletTest {

    private static CapturedPacket packet(String payload) throws Exception {
        return new CapturedPacket(payload.getBytes(StandardCharsets.US_ASCII), InetAddress.getByName("192.0.2.7"),
                40000, InetAddress.getByName("192.0.2.1"), 80, Transport.TCP, Instant.now(), "test");
    }

    @Test
    void aFailingSinkIsCountedAndNeverThrown() throws Exception {
        CaptureOutlet outlet = new CaptureOutlet("tcp:test", p -> {
            throw new IllegalStateException("sink down");
        }, null);
        outlet.deliver(packet("x"));
        outlet.deliver(packet("y"));
        assertEquals(2, outlet.delivered());
    }

    @Test
    void withoutHttpThePacketIsCarriedAsCaptured() throws Exception {
        CapturedPacket p = packet("abc");
        assertTrue(new CaptureOutlet("udp:test", q -> { }, null).carried(p) == p);
    }

    @Test
    void httpRequestsGiveTheirSpaDataAndForwardedFor() throws Exception {
        List<CapturedPacket> got = new ArrayList<>();
        String spa = "A".repeat(120);
        CaptureOutlet outlet = new CaptureOutlet("pcap:test", got::add, new SpaOverHttp(false, true));
        CapturedPacket p = outlet.carried(packet("GET /" + spa + " HTTP/1.1\r\nUser-Agent: Fwknop/2.6.10\r\n"
                + "X-Forwarded-For: 198.51.100.9\r\n\r\n"));
        outlet.deliver(p);
        assertEquals(spa, new String(got.get(0).payload(), StandardCharsets.US_ASCII));
        assertEquals(InetAddress.getByName("198.51.100.9"), got.get(0).forwardedFor());
    }

    @Test
    void theThrottleLetsOneThroughPerInterval() {
        Throttle t = new Throttle(TimeUnit.HOURS.toNanos(1));
        assertTrue(t.allow());
        assertFalse(t.allow());
        Throttle always = new Throttle(0);
        assertTrue(always.allow());
    }
}
