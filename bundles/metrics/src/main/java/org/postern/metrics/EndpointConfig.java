package org.postern.metrics;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Postern Prometheus endpoint",
        description = "The daemon's counters in the Prometheus text format over HTTP; off unless enabled")
@interface EndpointConfig {

    @AttributeDefinition(name = "Enabled", description = "Serve the endpoint (off by default: nothing listens)")
    boolean enabled() default false;

    @AttributeDefinition(name = "Address", description = "The address to listen on; a non-loopback address is "
            + "warned about, since the counters tell an observer what the gateway refuses and grants")
    String address() default "127.0.0.1";

    @AttributeDefinition(name = "Port", description = "TCP port (9464: the port Prometheus exporters commonly use)")
    int port() default 9464;

    @AttributeDefinition(name = "Path", description = "The path that serves the metrics; every other path is 404")
    String path() default "/metrics";
}
