package org.postern.capture.pcap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The interface check that runs before libpcap is asked (no native code involved). */
class LibpcapFrameSourceTest {

    @Test
    void kernelInterfacesAndPseudoDevicesExistOthersDoNot() {
        assertTrue(LibpcapFrameSource.exists("lo"));
        assertTrue(LibpcapFrameSource.exists("any"));
        assertTrue(LibpcapFrameSource.exists("nflog"));
        assertTrue(LibpcapFrameSource.exists("nflog:5"));
        assertTrue(LibpcapFrameSource.exists("usbmon0"));
        assertFalse(LibpcapFrameSource.exists("postern-nope0"));
        assertFalse(LibpcapFrameSource.exists("anything"));
    }
}
