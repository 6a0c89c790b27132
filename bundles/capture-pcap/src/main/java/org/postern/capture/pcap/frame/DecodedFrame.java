package org.postern.capture.pcap.frame;

import java.net.InetAddress;
import java.time.Instant;

import org.postern.api.CapturedPacket;
import org.postern.api.Transport;

/** What {@link FrameDecoder} found in one captured frame: the IP/transport endpoints and the payload. */
public record DecodedFrame(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
        Transport transport, byte[] payload) {

    public CapturedPacket toPacket(Instant received, String captureName) {
        return new CapturedPacket(payload, source, sourcePort, destination, destinationPort, transport, received,
                captureName);
    }
}
