package org.postern.capture.pcap;

import org.junit.jupiter.api.Timeout;
import org.postern.capture.pcap.frame.FrameDecoder;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The pcap link-layer parsing ({@link FrameDecoder}: Ethernet, 802.1Q, Linux cooked, raw, loopback; IPv4 with
 * options and fragments, IPv6 with extension headers; UDP, TCP, ICMP) under hostile frames: it returns a frame or
 * null and never throws, whatever the length fields say.
 */
class FrameDecoderFuzzTest {

    private static final int[] LINK_TYPES = {1, 113, 276, 101, 12, 0, 108, 228, 229};

    @FuzzTest(maxDuration = "15s")
    @Timeout(120)
    void frames(FuzzedDataProvider data) {
        int linkType = data.pickValue(LINK_TYPES);
        boolean shortLength = data.consumeBoolean();
        byte[] frame = data.consumeRemainingAsBytes();
        if (shortLength && frame.length > 0) {
            FrameDecoder.decode(linkType, frame, frame.length / 2);
        } else {
            FrameDecoder.decode(linkType, frame);
        }
    }
}
