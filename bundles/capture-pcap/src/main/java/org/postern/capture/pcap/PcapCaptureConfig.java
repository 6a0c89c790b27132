package org.postern.capture.pcap;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Postern live capture (libpcap)",
        description = "Sniffs SPA packets on a network interface with libpcap, like fwknopd's default mode "
                + "(PCAP_INTF, PCAP_FILTER). Needs root or CAP_NET_RAW and the libpcap0.8 package. One "
                + "configuration per interface: etc/org.postern.capture.pcap-<name>.cfg.")
@interface PcapCaptureConfig {

    @AttributeDefinition(name = "Name",
            description = "Name of this capture source, used in logs, in the CaptureSource service property 'name' and "
                    + "in CapturedPacket.captureName.")
    String name() default "pcap";

    @AttributeDefinition(name = "Interface",
            description = "Interface to sniff (fwknopd PCAP_INTF, -i). 'any' captures on every interface. If it "
                    + "does not exist yet the source is FAILED and retries every second.")
    String interfaceName() default "eth0";

    @AttributeDefinition(name = "BPF filter",
            description = "libpcap filter expression (fwknopd PCAP_FILTER, -P). Empty captures everything.")
    String filter() default "udp port 62201";

    @AttributeDefinition(name = "Promiscuous",
            description = "Put the interface in promiscuous mode (fwknopd ENABLE_PCAP_PROMISC).")
    boolean promiscuous() default false;

    @AttributeDefinition(name = "Any direction",
            description = "Also capture outbound and forwarded packets (fwknopd ENABLE_PCAP_ANY_DIRECTION). "
                    + "Off: inbound only (pcap_setdirection IN).")
    boolean anyDirection() default false;

    @AttributeDefinition(name = "Snap length", min = "64", max = "262144",
            description = "Bytes captured per frame, link and IP headers included (fwknopd MAX_SNIFF_BYTES).")
    int snapLength() default 1500;

    @AttributeDefinition(name = "Buffer bytes", min = "0",
            description = "Kernel capture buffer size; it absorbs bursts (floods) while the loop catches up. "
                    + "0 keeps libpcap's default (2 MiB).")
    int bufferBytes() default 8 * 1024 * 1024;

    @AttributeDefinition(name = "SPA over HTTP",
            description = "Also find SPA data in HTTP requests (fwknopd ENABLE_SPA_OVER_HTTP, client -P http): a payload "
                    + "starting 'GET /' with a User-Agent starting 'Fwknop' is replaced by the path, '-' and '_' "
                    + "mapped back to '+' and '/'. Other payloads pass unchanged. The filter must let the TCP port "
                    + "of the web server through (for example 'udp port 62201 or tcp dst port 80').")
    boolean httpExtraction() default false;

    @AttributeDefinition(name = "Any user agent",
            description = "With SPA over HTTP: accept requests whatever their User-Agent (fwknopd ALLOW_ANY_USER_AGENT).")
    boolean allowAnyUserAgent() default false;

    @AttributeDefinition(name = "X-Forwarded-For",
            description = "With SPA over HTTP: an SPA message asking for its source address (0.0.0.0) lets in the "
                    + "first address of the request's X-Forwarded-For header instead of the packet's source "
                    + "(fwknopd ENABLE_X_FORWARDED_FOR). Only for requests that come through a proxy you trust.")
    boolean forwardedFor() default false;
}
