package org.postern.capture.udp;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Postern UDP capture source",
        description = "A plain UDP socket that hands every datagram to the SPA pipeline, like fwknopd's UDP server "
                + "mode (-U / ENABLE_UDP_SERVER). It never replies. One configuration per listening socket: "
                + "etc/org.postern.capture.udp-<name>.cfg.")
@interface UdpCaptureConfig {

    @AttributeDefinition(name = "Name",
            description = "Name of this capture source, used in logs, in the CaptureSource service property 'name' and "
                    + "in CapturedPacket.captureName.")
    String name() default "udp";

    @AttributeDefinition(name = "Port", min = "0", max = "65535",
            description = "UDP port to listen on (fwknopd UDPSERV_PORT). 0 picks a free port (tests).")
    int port() default 62201;

    @AttributeDefinition(name = "Bind address",
            description = "Local address to bind: 0.0.0.0 for every IPv4 address, :: for IPv6 and IPv4 (dual stack), "
                    + "or one address of this host.")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Maximum packet bytes", min = "1", max = "65507",
            description = "Largest payload passed on whole. A longer datagram is passed on cut to this size plus one "
                    + "byte, so the pipeline's size check refuses it (fwknop's maximum SPA size is 1500).")
    int maxPacketBytes() default 1500;

    @AttributeDefinition(name = "SPA over HTTP",
            description = "Also take SPA data out of HTTP requests in datagrams (fwknopd ENABLE_SPA_OVER_HTTP): "
                    + "'GET /<data>' with a User-Agent starting 'Fwknop'; other datagrams pass unchanged.")
    boolean httpExtraction() default false;

    @AttributeDefinition(name = "Any user agent",
            description = "With SPA over HTTP: whatever the User-Agent (fwknopd ALLOW_ANY_USER_AGENT).")
    boolean allowAnyUserAgent() default false;

    @AttributeDefinition(name = "X-Forwarded-For",
            description = "With SPA over HTTP: let in the X-Forwarded-For address for messages asking for their "
                    + "source address (fwknopd ENABLE_X_FORWARDED_FOR).")
    boolean forwardedFor() default false;
}
