package org.postern.capture.pcap;

import org.postern.api.http.SpaOverHttp;

/**
 * The configuration of one live capture, detached from the metatype annotation.
 *
 * @param http fwknopd's SPA over HTTP rule applied to every payload, or {@code null} when off
 */
record PcapSettings(String name, String interfaceName, String filter, boolean promiscuous, boolean anyDirection,
        int snapLength, int bufferBytes, SpaOverHttp http) {

    PcapSettings {
        name = name == null || name.isBlank() ? PcapCapture.KIND : name.trim();
        interfaceName = interfaceName == null ? "" : interfaceName.trim();
        filter = filter == null ? "" : filter.trim();
    }

    /** Without SPA over HTTP. */
    PcapSettings(String name, String interfaceName, String filter, boolean promiscuous, boolean anyDirection,
            int snapLength, int bufferBytes) {
        this(name, interfaceName, filter, promiscuous, anyDirection, snapLength, bufferBytes, null);
    }

    static PcapSettings of(PcapCaptureConfig c) {
        return new PcapSettings(c.name(), c.interfaceName(), c.filter(), c.promiscuous(), c.anyDirection(),
                c.snapLength(), c.bufferBytes(),
                c.httpExtraction() ? new SpaOverHttp(c.allowAnyUserAgent(), c.forwardedFor()) : null);
    }

    /** Why the settings cannot work, or {@code null}. */
    String problem() {
        if (interfaceName.isEmpty()) {
            return "interfaceName is empty";
        }
        if (snapLength < 64 || snapLength > 262144) {
            return "snapLength " + snapLength + " is outside 64..262144";
        }
        if (bufferBytes < 0) {
            return "bufferBytes " + bufferBytes + " is negative";
        }
        return null;
    }

    /** For example {@code eth0 'udp port 62201' inbound}, with {@code http[+any-agent][+xff]} when extracting. */
    String describe() {
        return interfaceName + " " + (filter.isEmpty() ? "(no filter)" : "'" + filter + "'")
                + (anyDirection ? " any-direction" : " inbound") + (promiscuous ? " promiscuous" : "")
                + (http == null ? "" : " http" + (http.allowsAnyUserAgent() ? "+any-agent" : "")
                        + (http.honoursForwardedFor() ? "+xff" : ""));
    }
}
