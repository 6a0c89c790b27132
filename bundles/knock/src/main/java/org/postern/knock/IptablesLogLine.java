package org.postern.knock;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postern.api.KnockEvent;
import org.postern.api.Protocol;
import org.postern.api.SynSignature;

/**
 * A kernel iptables {@code LOG} line, as fwknop 1.9 reads it from syslog: {@code kernel ... IN= ... OUT= ...
 * SRC= DST= LEN= ... TTL= ... [DF] PROTO=TCP SPT= DPT= WINDOW= RES= flags URGP= [OPT (hex)]}, and UDP/ICMP lines.
 * A TCP SYN logged with {@code --log-tcp-options} carries a {@link SynSignature}.
 */
final class IptablesLogLine {

    private static final Pattern KERNEL = Pattern.compile("kernel.*IN=.*OUT=");
    private static final Pattern SRC = Pattern.compile("\\bSRC=(\\d{1,3}(?:\\.\\d{1,3}){3})\\s");
    private static final Pattern LEN = Pattern.compile("\\bLEN=(\\d+)\\s");
    private static final Pattern TTL = Pattern.compile("\\bTTL=(\\d+)\\s");
    private static final Pattern PROTO = Pattern.compile("(\\sDF)?\\sPROTO=(TCP|UDP|ICMP)\\s");
    private static final Pattern DPT = Pattern.compile("\\bDPT=(\\d+)\\s");
    private static final Pattern WINDOW = Pattern.compile("\\bWINDOW=(\\d+)\\s");
    private static final Pattern FLAGS = Pattern.compile("\\bRES=0x[0-9a-fA-F]+\\s((?:[A-Z]+\\s)*)URGP=");
    private static final Pattern OPT = Pattern.compile("\\bURGP=\\d+\\s+OPT \\(([0-9A-Fa-f]*)\\)");
    private static final Pattern ICMP = Pattern.compile("PROTO=ICMP TYPE=\\d+ CODE=\\d+");

    private IptablesLogLine() {
    }

    /** The knock a line describes, or empty when the line is not a kernel LOG line for TCP, UDP or ICMP. */
    static Optional<KnockEvent> parse(String line, long epochMillis) {
        if (line.length() > 4096 || !KERNEL.matcher(line).find()) {
            return Optional.empty();
        }
        Matcher src = SRC.matcher(line);
        Matcher proto = PROTO.matcher(line);
        if (!src.find() || !proto.find()) {
            return Optional.empty();
        }
        InetAddress source;
        try {
            source = InetAddress.getByName(src.group(1));
        } catch (UnknownHostException | RuntimeException e) {
            return Optional.empty();
        }
        String p = proto.group(2);
        if (p.equals("ICMP")) {
            return ICMP.matcher(line).find()
                    ? Optional.of(new KnockEvent(source, 0, Protocol.ICMP, epochMillis)) : Optional.empty();
        }
        Integer dpt = number(DPT, line);
        if (dpt == null || dpt > 65535) {
            return Optional.empty();
        }
        if (p.equals("UDP")) {
            return Optional.of(new KnockEvent(source, dpt, Protocol.UDP, epochMillis));
        }
        Matcher flags = FLAGS.matcher(line);
        if (!flags.find()) {
            return Optional.empty();
        }
        SynSignature syn = null;
        Matcher opt = OPT.matcher(line);
        if ((" " + flags.group(1)).contains(" SYN ") && opt.find() && opt.group(1).length() % 2 == 0) {
            Integer len = number(LEN, line);
            Integer ttl = number(TTL, line);
            Integer window = number(WINDOW, line);
            if (len != null && ttl != null && window != null) {
                byte[] options = HexFormat.of().parseHex(opt.group(1));
                syn = new SynSignature(ttl, window, proto.group(1) != null, len,
                        PassiveOsFingerprint.decodeOptions(options, 0, options.length));
            }
        }
        return Optional.of(new KnockEvent(source, dpt, Protocol.TCP, epochMillis, syn));
    }

    private static Integer number(Pattern p, String line) {
        Matcher m = p.matcher(line);
        if (!m.find() || m.group(1).length() > 9) {
            return null;
        }
        return Integer.valueOf(m.group(1));
    }
}
