package org.postern.knock;

import java.io.EOFException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.PcapDirection;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.Pcaps;
import org.postern.api.KnockSequence;
import org.postern.api.KnockSink;
import org.postern.api.PortSpec;
import org.postern.api.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knocks captured live with libpcap (through the wrapped pcap4j bundle): inbound TCP SYNs and UDP datagrams to the
 * PORT_OFFSET window, plus the configured shared-sequence knocks. Each knock's time is the capture time on this
 * host.
 */
@Component(configurationPid = PcapKnockFeed.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = {})
@Designate(ocd = PcapKnockFeedConfig.class)
public final class PcapKnockFeed {

    static final String PID = "org.postern.knock.pcap";

    private static final Logger LOG = LoggerFactory.getLogger(PcapKnockFeed.class);
    private static final int READ_TIMEOUT_MILLIS = 50;

    private final String interfaceName;
    private final String filter;
    private final boolean promiscuous;
    private final long reopenMillis;
    private final KnockSink sink;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final AtomicLong knocks = new AtomicLong();
    private volatile PcapHandle handle;
    private Thread thread;

    @Activate
    public PcapKnockFeed(PcapKnockFeedConfig config, @Reference(name = "sink") KnockSink sink) {
        this.interfaceName = config.interfaceName().trim();
        this.filter = filter(config.portOffset(), config.portWidth(), config.sharedKnocks());
        this.promiscuous = config.promiscuous();
        this.reopenMillis = Math.max(100, Math.min(60_000, config.reopenMillis()));
        this.sink = sink;
        thread = new Thread(this::run, "postern-knock-pcap-" + interfaceName);
        thread.setDaemon(true);
        thread.start();
    }

    /** The BPF filter: SYNs (not SYN/ACKs) and UDP to the window, and the shared-sequence knocks. */
    static String filter(int offset, int width, String sharedKnocks) {
        if (offset <= 0 || width < 1 || offset + width - 1 > 65535) {
            throw new IllegalArgumentException("port window " + offset + "+" + width + " is out of range");
        }
        String syn = "(tcp[tcpflags] & (tcp-syn|tcp-ack)) == tcp-syn";
        String range = "dst portrange " + offset + "-" + (offset + width - 1);
        List<String> parts = new ArrayList<>();
        parts.add("(" + syn + " and " + range + ")");
        parts.add("(udp and " + range + ")");
        if (sharedKnocks != null && !sharedKnocks.isBlank()) {
            for (PortSpec p : KnockSequence.Shared.parse(sharedKnocks).knocks()) {
                String f = p.protocol() == Protocol.ICMP ? "(icmp[icmptype] == icmp-echo)"
                        : p.protocol() == Protocol.TCP ? "(" + syn + " and dst port " + p.port() + ")"
                        : "(udp and dst port " + p.port() + ")";
                if (!parts.contains(f)) {
                    parts.add(f);
                }
            }
        }
        return "ip and (" + String.join(" or ", parts) + ")";
    }

    @Deactivate
    public void stop() {
        stopSignal.countDown();
        PcapHandle h = handle;
        if (h != null) {
            try {
                h.breakLoop();
            } catch (NotOpenException | RuntimeException | LinkageError e) {
                LOG.debug("pcap_breakloop failed", e);
            }
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Knock feed pcap:{} stopped after {} knocks", interfaceName, knocks.get());
    }

    private void run() {
        Thread.currentThread().setContextClassLoader(Pcaps.class.getClassLoader());
        try {
            while (stopSignal.getCount() > 0) {
                try {
                    capture();
                } catch (PcapNativeException | NotOpenException | RuntimeException | LinkageError e) {
                    LOG.error("Knock feed pcap:{} failed: {}; reopening in {} ms", interfaceName, e.toString(),
                            reopenMillis);
                }
                if (stopSignal.await(reopenMillis, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void capture() throws PcapNativeException, NotOpenException {
        PcapHandle h = new PcapHandle.Builder(interfaceName).snaplen(128)
                .promiscuousMode(promiscuous ? PromiscuousMode.PROMISCUOUS : PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(READ_TIMEOUT_MILLIS).immediateMode(true).build();
        try {
            try {
                h.setDirection(PcapDirection.IN);
            } catch (PcapNativeException e) {
                LOG.warn("Knock feed pcap:{}: cannot restrict to inbound packets ({})", interfaceName, e.getMessage());
            }
            h.setFilter(filter, BpfCompileMode.OPTIMIZE);
            int linkType = h.getDlt().value();
            handle = h;
            LOG.info("Knock feed pcap:{} capturing '{}'", interfaceName, filter);
            while (stopSignal.getCount() > 0) {
                byte[] frame;
                try {
                    frame = h.getNextRawPacketEx();
                } catch (TimeoutException | EOFException e) {
                    continue;
                }
                KnockFrame.parse(frame, linkType, System.currentTimeMillis()).ifPresent(this::deliver);
            }
        } finally {
            handle = null;
            h.close();
        }
    }

    private void deliver(org.postern.api.KnockEvent e) {
        knocks.incrementAndGet();
        try {
            sink.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("Knock feed pcap:{}: knock sink failed: {}", interfaceName, ex.toString());
        }
    }
}
