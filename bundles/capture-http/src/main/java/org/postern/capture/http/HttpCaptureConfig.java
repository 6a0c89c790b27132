package org.postern.capture.http;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Postern HTTP capture source",
        description = "An HTTP listener for SPA over HTTP (fwknop client -P http): the SPA data is the path of "
                + "'GET /<data>' with '-' and '_' mapped back to '+' and '/', from a client whose User-Agent starts "
                + "with 'Fwknop'. Every request gets the same short answer, SPA or not. Bounded so that slow or "
                + "flooding peers cannot starve it. One configuration per listening socket: "
                + "etc/org.postern.capture.http-<name>.cfg.")
@interface HttpCaptureConfig {

    @AttributeDefinition(name = "Name",
            description = "Name of this capture source, used in logs, in the CaptureSource service property 'name' and "
                    + "in CapturedPacket.captureName.")
    String name() default "http";

    @AttributeDefinition(name = "Port", min = "0", max = "65535",
            description = "TCP port to listen on. The fwknop client sends -P http to its -p port, 62201 unless "
                    + "given. 0 picks a free port (tests).")
    int port() default 62201;

    @AttributeDefinition(name = "Bind address",
            description = "Local address to bind: 0.0.0.0 for every IPv4 address, :: for IPv6 and IPv4 (dual stack), "
                    + "or one address of this host (127.0.0.1 behind a reverse proxy on the same host).")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Maximum request bytes", min = "64", max = "65535",
            description = "Largest request head (request line and headers) read. A longer one is answered and "
                    + "dropped. The client's request with a 1500-byte SPA is about 1600 bytes.")
    int maxRequestBytes() default 8192;

    @AttributeDefinition(name = "Maximum connections", min = "1", max = "65536",
            description = "Connections held at once. A new connection beyond this resets the oldest one, so a "
                    + "newcomer is always heard.")
    int maxConnections() default 256;

    @AttributeDefinition(name = "Maximum connections per source", min = "1",
            description = "Connections held at once from one address. A new one beyond this resets that address's "
                    + "oldest: a flooding peer only displaces itself. Behind a reverse proxy every request comes "
                    + "from the proxy: raise it there.")
    int maxConnectionsPerSource() default 16;

    @AttributeDefinition(name = "Read timeout (ms)", min = "10", max = "600000",
            description = "Time a connection has, from accept, to send its whole request head. Then it is reset.")
    int readTimeoutMillis() default 3000;

    @AttributeDefinition(name = "Listen backlog", min = "1", max = "65535",
            description = "Length of the kernel's queue of connections not yet accepted (capped by net.core.somaxconn). "
                    + "Deep, so that a valid client waits in it rather than being dropped during a connection flood.")
    int backlog() default 1024;

    @AttributeDefinition(name = "Any user agent",
            description = "Accept SPA requests whatever their User-Agent (fwknopd ALLOW_ANY_USER_AGENT).")
    boolean allowAnyUserAgent() default false;

    @AttributeDefinition(name = "X-Forwarded-For",
            description = "An SPA message asking for its source address (0.0.0.0) lets in the first address of the "
                    + "request's X-Forwarded-For header instead of the connection's peer (fwknopd "
                    + "ENABLE_X_FORWARDED_FOR). Only when every request comes through a proxy you trust.")
    boolean forwardedFor() default false;

    @AttributeDefinition(name = "Reply status",
            description = "HTTP status of the answer every request gets, SPA or not, valid or not (it tells a client "
                    + "nothing). 0 closes the connection without an answer.")
    int replyStatus() default 404;
}
