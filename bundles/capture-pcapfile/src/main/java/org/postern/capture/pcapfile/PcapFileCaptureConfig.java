package org.postern.capture.pcapfile;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Postern pcap file capture source",
        description = "Reads SPA packets from a pcap file: a finished one once (fwknopd --pcap-file / PCAP_FILE), or a "
                + "growing one as it is written (ulogd's pcap writer, tcpdump -U -w), following it across rotation. "
                + "Classic pcap only. One configuration per file: etc/org.postern.capture.pcapfile-<name>.cfg.")
@interface PcapFileCaptureConfig {

    @AttributeDefinition(name = "Name",
            description = "Name of this capture source, used in logs, in the CaptureSource service property 'name' and "
                    + "in CapturedPacket.captureName.")
    String name() default "pcapfile";

    @AttributeDefinition(name = "File",
            description = "Path of the pcap file (fwknopd PCAP_FILE, --pcap-file). While it does not exist the source "
                    + "is FAILED and looks again every poll interval.")
    String file() default "";

    @AttributeDefinition(name = "Follow",
            description = "false: read the file once to its end, then stop (fwknopd --pcap-file). true: keep reading "
                    + "what is appended, like tail -F; when the path names a new file (rotation: renamed and "
                    + "re-created) read the old one to its end and go on with the new one from its start; when it is "
                    + "truncated, read it again from its start.")
    boolean follow() default false;

    @AttributeDefinition(name = "From start",
            description = "With follow: also process the records already in the file when the source starts. Off: "
                    + "only records written after the start (old SPA packets would be replays anyway).")
    boolean fromStart() default false;

    @AttributeDefinition(name = "BPF filter",
            description = "libpcap filter expression applied to each record (fwknopd PCAP_FILTER). Empty takes every "
                    + "record and needs no libpcap.")
    String filter() default "udp port 62201";

    @AttributeDefinition(name = "Poll interval (ms)", min = "10", max = "60000",
            description = "With follow: how often the file is checked for new records and for rotation.")
    int pollMillis() default 200;

    @AttributeDefinition(name = "SPA over HTTP",
            description = "Also find SPA data in recorded HTTP requests (fwknopd ENABLE_SPA_OVER_HTTP): 'GET /<data>' "
                    + "with a User-Agent starting 'Fwknop'. Other payloads pass unchanged.")
    boolean httpExtraction() default false;

    @AttributeDefinition(name = "Any user agent",
            description = "With SPA over HTTP: whatever the User-Agent (fwknopd ALLOW_ANY_USER_AGENT).")
    boolean allowAnyUserAgent() default false;

    @AttributeDefinition(name = "X-Forwarded-For",
            description = "With SPA over HTTP: let in the X-Forwarded-For address for messages asking for their "
                    + "source address (fwknopd ENABLE_X_FORWARDED_FOR).")
    boolean forwardedFor() default false;
}
