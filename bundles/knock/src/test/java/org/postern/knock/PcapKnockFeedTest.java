package org.postern.knock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PcapKnockFeedTest {

    @Test
    void filterCoversTheWindowAndSharedKnocks() {
        assertEquals("ip and (((tcp[tcpflags] & (tcp-syn|tcp-ack)) == tcp-syn and dst portrange 61000-61255)"
                + " or (udp and dst portrange 61000-61255)"
                + " or ((tcp[tcpflags] & (tcp-syn|tcp-ack)) == tcp-syn and dst port 1001)"
                + " or (udp and dst port 1002) or (icmp[icmptype] == icmp-echo))",
                PcapKnockFeed.filter(61000, 256, "tcp/1001, udp/1002, icmp"));
        assertThrows(IllegalArgumentException.class, () -> PcapKnockFeed.filter(65300, 256, ""));
    }
}
