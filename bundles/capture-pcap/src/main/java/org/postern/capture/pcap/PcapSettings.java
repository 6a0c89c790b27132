package org.postern.capture.pcap;

/** The configuration of one live capture, detached from the metatype annotation. */
record PcapSettings(String name, String interfaceName, String filter, boolean promiscuous, boolean anyDirection,
        int snapLength, int bufferBytes) {

    PcapSettings {
        name = name == null || name.isBlank() ? PcapCapture.KIND : name.trim();
        interfaceName = interfaceName == null ? "" : interfaceName.trim();
        filter = filter == null ? "" : filter.trim();
    }

    static PcapSettings of(PcapCaptureConfig c) {
        return new PcapSettings(c.name(), c.interfaceName(), c.filter(), c.promiscuous(), c.anyDirection(),
                c.snapLength(), c.bufferBytes());
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

    /** For example {@code eth0 'udp port 62201' inbound}. */
    String describe() {
        return interfaceName + " " + (filter.isEmpty() ? "(no filter)" : "'" + filter + "'")
                + (anyDirection ? " any-direction" : " inbound") + (promiscuous ? " promiscuous" : "");
    }
}
