package org.postern.capture.pcapfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.CaptureSource;
import org.postern.api.CapturedPacket;
import org.postern.api.PacketSink;
import org.postern.api.http.SpaOverHttp;
import org.postern.capture.support.CaptureOutlet;
import org.postern.capture.pcap.frame.DecodedFrame;
import org.postern.capture.pcap.frame.FrameDecoder;
import org.postern.capture.pcapfile.PcapRecords.PcapFormatException;
import org.postern.capture.pcapfile.PcapRecords.Record;
import org.postern.capture.pcapfile.RecordFilter.FilterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPA packets from a pcap file, decoded like live captures (capture-pcap's frame decoder: Ethernet, 802.1Q,
 * Linux cooked, NULL/LOOP, raw IP as ulogd writes it; IPv4 and IPv6; UDP, TCP and ICMP payloads).
 *
 * <ul>
 * <li>{@code follow=false}: fwknopd's {@code --pcap-file}: the file is read once to its end, then the source is
 * {@link State#STOPPED} (the daemon goes on running, as fwknopd does). fwknopd turns SPA packet aging off in
 * that mode unless fwknopd.conf sets it; the server does the same when {@code PCAP_FILE} is given.</li>
 * <li>{@code follow=true}: a growing file read as it is written (ulogd's pcap writer, {@code tcpdump -U -w}).
 * A record still being written is read once it is complete. When the path names another file (rotation) the old
 * one is read to its end and the new one from its start; a file truncated in place is read again from its
 * start; a corrupt file is left until the path names a new one.</li>
 * </ul>
 * Each payload's {@link CapturedPacket#received()} is the time recorded in the file.
 */
@Component(configurationPid = PcapFileCapture.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = CaptureSource.class, property = "kind=" + PcapFileCapture.KIND)
@Designate(ocd = PcapFileCaptureConfig.class, factory = true)
public final class PcapFileCapture implements CaptureSource {

    static final String PID = "org.postern.capture.pcapfile";
    static final String KIND = "pcapfile";

    private static final Logger LOG = LoggerFactory.getLogger(PcapFileCapture.class);
    private static final long STOP_MILLIS = 2000;

    private final String name;
    private final Path file;
    private final boolean follow;
    private final boolean fromStart;
    private final String filter;
    private final long pollMillis;
    private final SpaOverHttp http;
    private final RecordFilter.Compiler compiler;

    private final CaptureOutlet outlet;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong filtered = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong filesOpened = new AtomicLong();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile State state = State.STARTING;
    private volatile boolean finished;
    private Thread thread;

    @Activate
    public PcapFileCapture(PcapFileCaptureConfig config, @Reference(name = "sink") PacketSink sink) {
        this(config.name(), config.file(), config.follow(), config.fromStart(), config.filter(), config.pollMillis(),
                config.httpExtraction() ? new SpaOverHttp(config.allowAnyUserAgent(), config.forwardedFor()) : null,
                sink, BpfRecordFilter::compile);
    }

    PcapFileCapture(String name, String file, boolean follow, boolean fromStart, String filter, long pollMillis,
            SpaOverHttp http, PacketSink sink, RecordFilter.Compiler compiler) {
        this.name = name == null || name.isBlank() ? KIND : name.trim();
        this.file = file == null || file.isBlank() ? null : Paths.get(file.trim());
        this.follow = follow;
        this.fromStart = fromStart;
        this.filter = filter == null ? "" : filter.trim();
        this.pollMillis = pollMillis;
        this.http = http;
        this.outlet = new CaptureOutlet("pcapfile:" + name, sink, http);
        this.compiler = compiler;
    }

    @Activate
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        String problem = file == null ? "file is empty"
                : pollMillis < 10 || pollMillis > 60_000 ? "pollMillis " + pollMillis + " is outside 10..60000" : null;
        if (problem != null) {
            state = State.FAILED;
            LOG.error("Capture source pcapfile:{} not started: invalid configuration: {}", name, problem);
            return;
        }
        thread = new Thread(this::run, "postern-capture-pcapfile-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    @Deactivate
    public synchronized void stop() {
        stopSignal.countDown();
        if (thread != null) {
            try {
                thread.join(STOP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("Capture source pcapfile:{}: reader thread did not end within {} ms", name, STOP_MILLIS);
            }
            LOG.info("Capture source pcapfile:{} stopped after {} packets ({} records)", name, outlet.delivered(),
                    records.get());
        }
        state = State.STOPPED;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe() {
        return file + " " + (filter.isEmpty() ? "(no filter)" : "'" + filter + "'")
                + (follow ? " follow" : finished ? " read (" + records.get() + " records)" : " once")
                + (http == null ? "" : " http" + (http.allowsAnyUserAgent() ? "+any-agent" : "")
                        + (http.honoursForwardedFor() ? "+xff" : ""));
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public long packetsDelivered() {
        return outlet.delivered();
    }

    /** Records read from the file(s). */
    long recordsRead() {
        return records.get();
    }

    /** Records the filter turned away. */
    long recordsFiltered() {
        return filtered.get();
    }

    /** Records passed by the filter with no usable payload. */
    long recordsIgnored() {
        return ignored.get();
    }

    /** Files opened (more than one after a rotation). */
    long filesOpened() {
        return filesOpened.get();
    }

    /** The finished file was read to its end. */
    boolean finished() {
        return finished;
    }

    private boolean stopping() {
        return stopSignal.getCount() == 0;
    }

    private void run() {
        Reader reader = new Reader();
        try {
            reader.loop();
        } finally {
            reader.close();
            if (state != State.FAILED || stopping()) {
                state = State.STOPPED;
            }
        }
    }

    /** The reading loop and what it holds: run on the capture thread only. */
    private final class Reader {
        private PcapRecords current;
        private RecordFilter recordFilter;
        private int filterLinkType = -1;
        private boolean skipExisting = follow && !fromStart;
        private Object corruptKey;
        private boolean waitingLogged;

        void loop() {
            while (!stopping()) {
                try {
                    if (current == null && !openFile()) {
                        awaitStop(pollMillis);
                        continue;
                    }
                    if (!current.hasHeader() && !readHeader()) {
                        awaitStop(pollMillis);
                        continue;
                    }
                    int n = drain();
                    if (!follow) {
                        finishOnce();
                        return;
                    }
                    if (n == 0 && !rotated()) {
                        awaitStop(pollMillis);
                    }
                } catch (PcapFormatException e) {
                    LOG.error("Capture source pcapfile:{}: {}{}", name, e.getMessage(),
                            follow ? "; waiting for a new file at " + file : "");
                    state = State.FAILED;
                    if (!follow) {
                        return;
                    }
                    corruptKey = current.fileKey();
                    closeCurrent();
                } catch (FilterException e) {
                    LOG.error("Capture source pcapfile:{} failed: {}", name, e.getMessage());
                    state = State.FAILED;
                    return;
                } catch (IOException e) {
                    LOG.warn("Capture source pcapfile:{}: reading {} failed: {}; trying again in {} ms", name, file,
                            e.toString(), pollMillis);
                    state = State.FAILED;
                    closeCurrent();
                    awaitStop(pollMillis);
                }
            }
        }

        /** Opens the file at the path; false while there is none (or only the corrupt one). */
        private boolean openFile() throws IOException {
            Object key = keyAtPath();
            if (key == null) {
                skipExisting = false; // a file created after the start holds only new records
            }
            if (key == null || key.equals(corruptKey)) {
                if (key == null && !waitingLogged) {
                    waitingLogged = true;
                    state = State.FAILED;
                    LOG.warn("Capture source pcapfile:{}: {} does not exist; looking again every {} ms", name, file,
                            pollMillis);
                }
                return false;
            }
            try {
                current = PcapRecords.open(file);
            } catch (NoSuchFileException e) {
                return false;
            }
            corruptKey = null;
            waitingLogged = false;
            filesOpened.incrementAndGet();
            return true;
        }

        private boolean readHeader() throws IOException, PcapFormatException, FilterException {
            if (!current.readHeader()) {
                if (!follow) {
                    throw new PcapFormatException(file + " is shorter than a pcap file header");
                }
                return false; // the writer has not written it yet
            }
            int linkType = current.linkType();
            if (!FrameDecoder.supports(linkType)) {
                throw new PcapFormatException(file + " has link type " + linkType + ", which is not decoded");
            }
            if (recordFilter == null || filterLinkType != linkType) {
                if (recordFilter != null) {
                    recordFilter.close();
                }
                recordFilter = filter.isEmpty() ? RecordFilter.ALL
                        : compiler.compile(filter, linkType, current.snapLength());
                filterLinkType = linkType;
            }
            if (skipExisting) {
                skipExisting = false;
                long skipped = 0;
                while (current.next() != null) {
                    skipped++;
                }
                LOG.info("Capture source pcapfile:{}: skipped the {} records already in {} (fromStart is off)", name,
                        skipped, file);
            }
            if (state != State.RUNNING) { // not again for the new file of a rotation
                state = State.RUNNING;
                LOG.info("Capture source pcapfile:{} running: {} (link type {})", name, describe(), linkType);
            }
            return true;
        }

        /** Delivers every complete record there is; returns how many were read. */
        private int drain() throws IOException, PcapFormatException {
            int n = 0;
            for (Record r; !stopping() && (r = current.next()) != null;) {
                n++;
                records.incrementAndGet();
                if (!recordFilter.accepts(r.data(), r.originalLength())) {
                    filtered.incrementAndGet();
                    continue;
                }
                DecodedFrame frame = FrameDecoder.decode(current.linkType(), r.data());
                if (frame == null) {
                    ignored.incrementAndGet();
                    continue;
                }
                outlet.deliver(outlet.carried(frame.toPacket(r.time(), name)));
            }
            return n;
        }

        private void finishOnce() throws IOException {
            long rest = current.size() - current.position();
            if (rest > 0) {
                LOG.warn("Capture source pcapfile:{}: {} ends with an incomplete record ({} bytes); ignored", name,
                        file, rest);
            }
            finished = true;
            LOG.info("Capture source pcapfile:{} finished {}: {} records, {} packets delivered, {} filtered out, "
                    + "{} without payload", name, file, records.get(), outlet.delivered(), filtered.get(),
                    ignored.get());
        }

        /**
         * Nothing new in the open file: whether the path now names another file (rotation) or the file shrank
         * (truncation). Then the old file is read to its end and closed, and the next round opens the new one.
         */
        private boolean rotated() throws IOException, PcapFormatException {
            Object key = keyAtPath();
            if (key != null && !key.equals(current.fileKey())) {
                drain();
                LOG.info("Capture source pcapfile:{}: {} was rotated; reading the new file from its start", name,
                        file);
                closeCurrent();
                return true;
            }
            if (current.size() < current.position()) {
                LOG.info("Capture source pcapfile:{}: {} was truncated; reading it again from its start", name, file);
                closeCurrent();
                return true;
            }
            return false;
        }

        private Object keyAtPath() throws IOException {
            try {
                return Objects.requireNonNullElse(Files.readAttributes(file, BasicFileAttributes.class).fileKey(),
                        file);
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        private void closeCurrent() {
            if (current != null) {
                current.close();
                current = null;
            }
            skipExisting = false; // whatever is opened next is read from its start
        }

        void close() {
            closeCurrent();
            if (recordFilter != null) {
                recordFilter.close();
            }
        }
    }

    private void awaitStop(long millis) {
        try {
            stopSignal.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopSignal.countDown();
        }
    }
}
