package org.postern.knock;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Postern knock feed: pcap",
        description = "Captures knocks (TCP SYNs, UDP datagrams, ICMP echo requests) on an interface with libpcap and "
                + "hands them to the knock sink.")
@interface PcapKnockFeedConfig {

    @AttributeDefinition(name = "Interface", description = "The interface to capture on (PCAP_INTF), or 'any'.")
    String interfaceName() default "any";

    @AttributeDefinition(name = "PORT_OFFSET",
            description = "First port of the encrypted-sequence window (1.9 default 61000).")
    int portOffset() default 61000;

    @AttributeDefinition(name = "Window width", description = "Ports in the window from portOffset (256 in 1.9).")
    int portWidth() default 256;

    @AttributeDefinition(name = "Shared sequence knocks",
            description = "Extra knocks to capture for SHARED_SEQUENCE stanzas, e.g. 'tcp/1001, udp/1002, icmp'; "
                    + "empty captures only the window.")
    String sharedKnocks() default "";

    @AttributeDefinition(name = "Promiscuous", description = "Capture in promiscuous mode.")
    boolean promiscuous() default false;

    @AttributeDefinition(name = "Reopen delay (ms)",
            description = "Wait before reopening the interface after a capture failure; 100..60000.")
    long reopenMillis() default 2000;
}
