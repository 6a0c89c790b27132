package org.postern.capture.pcapfile;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * A BPF expression compiled by libpcap ({@code pcap_compile} on a dead handle, through pcap4j) and applied to
 * each recorded frame with {@code pcap_offline_filter}: the same filter language and result as fwknopd's
 * {@code PCAP_FILTER} on a {@code --pcap-file}. Every pcap4j call runs with the thread context class loader set
 * to the pcap4j bundle's (pcap4j finds its factories through {@link java.util.ServiceLoader}).
 */
final class BpfRecordFilter implements RecordFilter {

    /** LINKTYPE_RAW in files; libpcap compiles for the DLT (12 on Linux) it maps it to when reading a file. */
    private static final int LINKTYPE_RAW = 101;
    private static final int DLT_RAW = 12;

    /** As fwknopd passes to pcap_compile: 0 (only "ip broadcast" depends on it). */
    private static final Inet4Address NETMASK = netmask();

    private final BpfProgram program;

    private BpfRecordFilter(BpfProgram program) {
        this.program = program;
    }

    static RecordFilter compile(String expression, int linkType, int snapLength) throws FilterException {
        if (expression == null || expression.isBlank()) {
            return ALL;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(Pcaps.class.getClassLoader());
            int dlt = linkType == LINKTYPE_RAW ? DLT_RAW : linkType;
            BpfProgram p = Pcaps.compileFilter(snapLength > 0 ? snapLength : 262_144, DataLinkType.getInstance(dlt),
                    expression, BpfCompileMode.OPTIMIZE, NETMASK);
            return new BpfRecordFilter(p);
        } catch (PcapNativeException | RuntimeException e) {
            throw new FilterException("filter '" + expression + "' does not compile for link type " + linkType + ": "
                    + e.getMessage(), e);
        } catch (LinkageError e) {
            throw new FilterException("libpcap is needed for the filter '" + expression + "' and is unusable (" + e
                    + "); install libpcap0.8 or leave the filter empty", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static Inet4Address netmask() {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are an address", e);
        }
    }

    @Override
    public boolean accepts(byte[] frame, int originalLength) {
        return program.applyFilter(frame, Math.max(originalLength, frame.length), frame.length);
    }

    @Override
    public void close() {
        try {
            program.free();
        } catch (RuntimeException | LinkageError e) {
            // nothing more to release
        }
    }
}
