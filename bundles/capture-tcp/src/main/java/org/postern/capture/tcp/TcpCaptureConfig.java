package org.postern.capture.tcp;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Postern TCP capture source",
        description = "A TCP listener that reads SPA data from each connection, as the fwknop client sends it with "
                + "-P tcp (and fwknop 1.9's -T, for Tor): connect, send, close. fwknopd's ENABLE_TCP_SERVER / "
                + "TCPSERV_PORT. Bounded so that slow or flooding peers cannot starve it. One configuration per "
                + "listening socket: etc/org.postern.capture.tcp-<name>.cfg.")
@interface TcpCaptureConfig {

    @AttributeDefinition(name = "Name",
            description = "Name of this capture source, used in logs, in the CaptureSource service property 'name' and "
                    + "in CapturedPacket.captureName.")
    String name() default "tcp";

    @AttributeDefinition(name = "Port", min = "0", max = "65535",
            description = "TCP port to listen on (fwknopd TCPSERV_PORT). 0 picks a free port (tests).")
    int port() default 62201;

    @AttributeDefinition(name = "Bind address",
            description = "Local address to bind: 0.0.0.0 for every IPv4 address, :: for IPv6 and IPv4 (dual stack), "
                    + "or one address of this host.")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Maximum packet bytes", min = "1", max = "65535",
            description = "Largest SPA payload read whole from a connection. A peer sending more is cut off after "
                    + "this size plus one byte, which is passed on so the pipeline's size check refuses it.")
    int maxPacketBytes() default 1500;

    @AttributeDefinition(name = "Maximum connections", min = "1", max = "65536",
            description = "Connections held at once. A new connection beyond this resets the oldest one, so a "
                    + "newcomer is always heard.")
    int maxConnections() default 256;

    @AttributeDefinition(name = "Maximum connections per source", min = "1",
            description = "Connections held at once from one address. A new one beyond this resets that address's "
                    + "oldest: a flooding peer only displaces itself.")
    int maxConnectionsPerSource() default 16;

    @AttributeDefinition(name = "Read timeout (ms)", min = "10", max = "600000",
            description = "Time a connection has, from accept, to send its data and close its side. Then it is reset "
                    + "and what it sent is dropped (the fwknop client closes right after sending).")
    int readTimeoutMillis() default 3000;

    @AttributeDefinition(name = "Listen backlog", min = "1", max = "65535",
            description = "Length of the kernel's queue of connections not yet accepted (capped by net.core.somaxconn). "
                    + "Deep, so that a valid client waits in it rather than being dropped during a connection flood.")
    int backlog() default 1024;

    @AttributeDefinition(name = "SPA over HTTP",
            description = "Also take SPA data out of HTTP requests read from a connection (fwknopd "
                    + "ENABLE_SPA_OVER_HTTP with ENABLE_TCP_SERVER): 'GET /<data>' with a User-Agent starting 'Fwknop'. "
                    + "Other data passes unchanged, so -P tcp and -P http both work on one port.")
    boolean httpExtraction() default false;

    @AttributeDefinition(name = "Any user agent",
            description = "With SPA over HTTP: whatever the User-Agent (fwknopd ALLOW_ANY_USER_AGENT).")
    boolean allowAnyUserAgent() default false;

    @AttributeDefinition(name = "X-Forwarded-For",
            description = "With SPA over HTTP: let in the X-Forwarded-For address for messages asking for their "
                    + "source address (fwknopd ENABLE_X_FORWARDED_FOR). Only behind a proxy you trust.")
    boolean forwardedFor() default false;
}
