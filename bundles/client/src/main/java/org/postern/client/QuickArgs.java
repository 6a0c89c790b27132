package org.postern.client;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.postern.client.knock.KnockException;

/**
 * The command-line parser of every ordinary run: fills {@link CommandLineOptions} exactly as picocli would,
 * without loading picocli (whose classes alone cost about 110 ms of start-up and cannot go into a CDS archive,
 * being Java 5 class files). getopt rules, as fwknop's: short options cluster ({@code -vsT}), a value may be
 * attached ({@code -Dhost}, {@code --access=tcp/22}) or be the next argument even if it starts with '-';
 * repeating an option overrides it. The long names of fwknop 1.9 may also be written with one dash
 * ({@code -Server-port 62201}), as the Perl client allowed.
 *
 * <p>Anything it does not handle (an unknown option, a missing value, a value that is not a number, a stray
 * argument) makes {@link #parse} return null: picocli then parses the same arguments and reports the error in
 * its words. fwknop 1.9 options of features 2.x dropped are refused here with the reason.
 */
final class QuickArgs {

    /**
     * Member of {@link CommandLineOptions} (a field, or a one-argument method), whether it takes a value ("1") or
     * is a flag ("0"), then its option names. {@link #apply} sets the member.
     */
    private static final String[][] TABLE = {
        {"namedConfig", "1", "-n", "--named-config"},
        {"access", "1", "-A", "--access", "--Access"},
        {"allowIp", "1", "-a", "--allow-ip", "--allow-IP"},
        {"sourceIp", "0", "-s", "--source-ip", "--source-IP"},
        {"destination", "1", "-D", "--destination", "--Destination", "--knock-dst"},
        {"serverPort", "1", "-p", "--server-port", "--Server-port"},
        {"serverProto", "1", "-P", "--server-proto", "--Server-proto"},
        {"tcpSock", "0", "--TCP-sock"},
        {"http", "0", "--HTTP"},
        {"spoofProto", "1", "--Spoof-proto"},
        {"sourcePort", "1", "-S", "--source-port", "--Source-port"},
        {"spoofSource", "1", "-Q", "--spoof-source", "--spoof-src", "--Spoof-src"},
        {"spoofUser", "1", "-U", "--spoof-user", "--Spoof-user"},
        {"icmpType", "1", "--icmp-type"},
        {"icmpCode", "1", "--icmp-code"},
        {"randPort", "0", "-r", "--rand-port"},
        {"userAgent", "1", "-u", "--user-agent", "--HTTP-user-agent", "--User-agent"},
        {"httpProxy", "1", "-H", "--http-proxy", "--HTTP-proxy"},
        {"serverResolveIpv4", "0", "--server-resolve-ipv4"},
        {"fwTimeout", "1", "-f", "--fw-timeout"},
        {"serverCmd", "1", "-C", "--server-cmd", "--Server-cmd"},
        {"serverAuth", "1", "--Server-auth"},
        {"natAccess", "1", "-N", "--nat-access", "--NAT-access", "-F", "--Forward-access"},
        {"natLocal", "0", "--nat-local", "--NAT-local"},
        {"natPort", "1", "--nat-port"},
        {"natRandPort", "0", "--nat-rand-port", "--NAT-rand-port"},
        {"timeOffsetPlus", "1", "--time-offset-plus"},
        {"timeOffsetMinus", "1", "--time-offset-minus"},
        {"maxPacketSize", "1", "--Max-packet-size"},
        {"serverMode", "1", "--Server-mode"},
        {"offset", "1", "--offset"},
        {"rotateProto", "0", "--rotate-proto"},
        {"timeDelay", "1", "--time-delay"},
        {"userRc", "1", "--user-rc"},
        {"legacy19", "0", "--legacy-1.9"},
        {"resolveIp", "0", "-R", "--resolve-ip-https", "--resolve-ip-http", "--Resolve-external-IP", "--whatismyip"},
        {"resolveHttpOnly", "0", "--resolve-http-only"},
        {"resolveUrl", "1", "--resolve-url", "--URL"},
        {"wgetCmd", "1", "-w", "--wget-cmd"},
        {"curlCmd", "1", "--curl-cmd"},
        {"useWgetUserAgent", "0", "--use-wget-user-agent"},
        {"maxResolveHttpSize", "1", "--Max-resolve-http-size"},
        {"keyRijndael", "1", "--key-rijndael"},
        {"keyBase64Rijndael", "1", "--key-base64-rijndael"},
        {"keyHmac", "1", "--key-hmac"},
        {"keyBase64Hmac", "1", "--key-base64-hmac"},
        {"useHmac", "0", "--use-hmac"},
        {"hmacDigestType", "1", "--hmac-digest-type"},
        {"digestType", "1", "-m", "--digest-type", "--digest-alg"},
        {"encryptionMode", "1", "-M", "--encryption-mode"},
        {"getKey", "1", "-G", "--get-key"},
        {"getHmacKey", "1", "--get-hmac-key"},
        {"stdin", "0", "--stdin"},
        {"fd", "1", "--fd"},
        {"keyGen", "0", "-k", "--key-gen"},
        {"keyGenFile", "1", "-K", "--key-gen-file"},
        {"keyLen", "1", "--key-len"},
        {"hmacKeyLen", "1", "--hmac-key-len"},
        {"gpgEncryption", "0", "-g", "--gpg-encryption"},
        {"gpgRecipient", "1", "--gpg-recipient-key", "--gpg-recipient"},
        {"gpgSigner", "1", "--gpg-signer-key", "--gpg-signing-key"},
        {"gpgDefaultKey", "0", "--gpg-default-key"},
        {"gpgHomeDir", "1", "--gpg-home-dir"},
        {"gpgExe", "1", "--gpg-exe", "--gpg-path"},
        {"gpgAgent", "0", "--gpg-agent"},
        {"gpgAgentInfo", "1", "--gpg-agent-info"},
        {"gpgNoSigningPw", "0", "--gpg-no-signing-pw"},
        {"gpgSigningPw", "1", "--gpg-signing-pw"},
        {"gpgVerbose", "0", "--gpg-verbose"},
        {"gpgOptionsFile", "0", "--gpg-no-options", "--gpg-use-options"},
        {"rcFile", "1", "--rc-file"},
        {"noRcFile", "0", "--no-rc-file"},
        {"saveRcStanza", "0", "--save-rc-stanza"},
        {"forceStanza", "0", "--force-stanza"},
        {"stanzaList", "0", "--stanza-list"},
        {"noSaveArgs", "0", "--no-save-args"},
        {"saveArgsFile", "1", "-E", "--save-args-file"},
        {"lastCmd", "0", "-l", "--last-cmd"},
        {"showLast", "0", "--show-last", "--Show-last-cmd"},
        {"lastHost", "1", "--Last-host"},
        {"showHostCmd", "1", "--Show-host-cmd"},
        {"saveDst", "0", "--Save-dst"},
        {"homeDir", "1", "--Home-dir"},
        {"noHomeDir", "0", "--no-home-dir"},
        {"savePacket", "1", "-B", "--save-packet"},
        {"savePacket19", "0", "--Save-packet"},
        {"savePacketFile19", "1", "--Save-packet-file"},
        {"savePacketAppend", "0", "-b", "--save-packet-append", "--Save-packet-append"},
        {"test", "0", "-T", "--test", "--Test-mode"},
        {"verbose", "0", "-v", "--verbose"},
        {"debug", "0", "-d", "--debug"},
        {"quiet", "0", "-q", "--quiet"},
        {"locale", "1", "--locale", "--LC_ALL"},
        {"noLocale", "0", "--no-locale", "--no-LC_ALL"},
        {"version", "0", "-V", "--version", "--Version"},
        {"help", "0", "-h", "--help"},
        {"faultInjectionTag", "1", "--fault-injection-tag"},
        {"noFkoModule", "0", "--no-FKO-module"},
        {"libDir", "1", "--Lib-dir"},
    };

    /** fwknop 1.9 options of features that fwknop 2.x (and this client) dropped: name, then the reason. */
    private static final String[][] DROPPED_19 = {
        {"--Include-salted", "--Include-salted makes packets only fwknopd < 1.9.2 takes (fwknopd 2.x drops them)"},
        {"--Include-equals", "--Include-equals is for fwknopd < 1.9.6 only"},
        {"--Include-gpg-prefix", "--Include-gpg-prefix is for fwknopd < 1.9.6 only (fwknopd 2.x drops such packets)"},
        {"--test-FKO-exists", "--test-FKO-exists asks for fwknop 1.9's Perl FKO module, which does not apply here"},
    };

    private static final Map<String, String> MEMBER_BY_NAME = new HashMap<>(256);
    private static final Map<String, String> DROPPED = new HashMap<>(32);
    private static final Set<String> WITH_VALUE = new HashSet<>(128);

    static {
        for (String[] row : TABLE) {
            for (int i = 2; i < row.length; i++) {
                MEMBER_BY_NAME.put(row[i], row[0]);
            }
            if (row[1].equals("1")) {
                WITH_VALUE.add(row[0]);
            }
        }
        for (String[] d : DROPPED_19) {
            DROPPED.put(d[0], d[1]);
        }
    }

    private QuickArgs() {
    }

    /** Every option name this parser knows, for the consistency test. */
    static String[] names() {
        return MEMBER_BY_NAME.keySet().toArray(String[]::new);
    }

    /** The option names of one member, for the consistency test. */
    static String[] namesOf(String member) {
        for (String[] row : TABLE) {
            if (row[0].equals(member)) {
                return Arrays.copyOfRange(row, 2, row.length);
            }
        }
        return new String[0];
    }

    /**
     * Parses {@code args} into new options.
     *
     * @return the options, or null when picocli must parse (something unknown or malformed)
     * @throws KnockException for a dropped fwknop 1.9 option
     */
    static CommandLineOptions parse(String[] args) throws KnockException {
        CommandLineOptions o = new CommandLineOptions();
        int i = 0;
        while (i < args.length) {
            String a = args[i++];
            if (a.length() < 2 || a.charAt(0) != '-' || a.equals("--")) {
                return null; // a stray argument, or "--" followed by them: picocli reports it
            }
            String longName = null;
            String attached = null;
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                longName = eq < 0 ? a : a.substring(0, eq);
                attached = eq < 0 ? null : a.substring(eq + 1);
            } else {
                int eq = a.indexOf('=');
                String dashed = "-" + (eq < 0 ? a : a.substring(0, eq));
                if (is19LongName(dashed)) {
                    longName = dashed;
                    attached = eq < 0 ? null : a.substring(eq + 1);
                }
            }
            if (longName != null) {
                String reason = DROPPED.get(longName);
                if (reason != null) {
                    throw new KnockException(reason);
                }
                String member = MEMBER_BY_NAME.get(longName);
                if (member == null) {
                    return null;
                }
                if (takesValue(member)) {
                    String value = attached;
                    if (value == null) {
                        if (i >= args.length) {
                            return null;
                        }
                        value = args[i++];
                    }
                    if (!apply(o, member, value)) {
                        return null;
                    }
                } else if (attached != null || !apply(o, member, null)) {
                    return null;
                }
                continue;
            }
            for (int c = 1; c < a.length(); c++) {
                String member = MEMBER_BY_NAME.get("-" + a.charAt(c));
                if (member == null) {
                    return null;
                }
                if (!takesValue(member)) {
                    if (!apply(o, member, null)) {
                        return null;
                    }
                    continue;
                }
                String value;
                if (c + 1 < a.length()) {
                    value = a.substring(c + 1);
                } else if (i < args.length) {
                    value = args[i++];
                } else {
                    return null;
                }
                if (!apply(o, member, value)) {
                    return null;
                }
                break;
            }
        }
        return o;
    }

    /**
     * The arguments with fwknop 1.9 long options written with one dash ({@code -Server-port}) given their
     * second dash, for picocli; option values are left alone.
     */
    static String[] normalize19(String[] args) {
        String[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            String a = out[i];
            if (a.length() < 2 || a.charAt(0) != '-' || a.equals("--")) {
                if (a.equals("--")) {
                    break;
                }
                continue;
            }
            int eq = a.indexOf('=');
            String name = a.startsWith("--") ? (eq < 0 ? a : a.substring(0, eq)) : null;
            if (name == null) {
                String dashed = "-" + (eq < 0 ? a : a.substring(0, eq));
                if (is19LongName(dashed)) {
                    out[i] = "-" + a;
                    name = dashed;
                } else {
                    // a cluster of short options: the value of the last one may be the next argument
                    for (int c = 1; c < a.length(); c++) {
                        String member = MEMBER_BY_NAME.get("-" + a.charAt(c));
                        if (member == null) {
                            break;
                        }
                        if (takesValue(member)) {
                            if (c == a.length() - 1) {
                                i++;
                            }
                            break;
                        }
                    }
                    continue;
                }
            }
            String member = MEMBER_BY_NAME.get(name);
            if (member != null && eq < 0 && takesValue(member)) {
                i++;
            }
        }
        return out;
    }

    /**
     * With {@code --Server-mode knock|shared} on the command line, the short options take fwknop 1.9's knock
     * meanings: {@code -r} = {@code --rotate-proto} (2.x: {@code --rand-port}), {@code -t} = {@code --time-delay}
     * (not a 2.x option), {@code -u} = {@code --user-rc} (2.x: {@code --user-agent}). Only a separate {@code -r},
     * {@code -t [N]}/{@code -tN}, {@code -u [f]}/{@code -uf} is rewritten (not inside a cluster); option values are
     * left alone. Without a knock server mode the arguments are returned unchanged.
     */
    static String[] knockModeShorts(String[] args) {
        boolean knockMode = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = null;
            if (a.equals("--Server-mode") || a.equals("-Server-mode")) {
                v = i + 1 < args.length ? args[i + 1] : null;
            } else if (a.startsWith("--Server-mode=") || a.startsWith("-Server-mode=")) {
                v = a.substring(a.indexOf('=') + 1);
            }
            if (v != null && (v.equalsIgnoreCase("knock") || v.equalsIgnoreCase("shared"))) {
                knockMode = true;
            }
        }
        if (!knockMode) {
            return args;
        }
        String[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            String a = out[i];
            if (a.equals("--")) {
                break;
            }
            if (a.equals("-r")) {
                out[i] = "--rotate-proto";
            } else if (a.startsWith("-t") && !a.startsWith("--") && (a.length() == 2 || isDigits(a.substring(2)))) {
                out[i] = a.length() == 2 ? "--time-delay" : "--time-delay=" + a.substring(2);
                if (a.length() == 2) {
                    i++;
                }
            } else if (a.startsWith("-u") && !a.startsWith("--") && !is19LongName("-" + a)) {
                out[i] = a.length() == 2 ? "--user-rc" : "--user-rc=" + a.substring(2);
                if (a.length() == 2) {
                    i++;
                }
            } else {
                String member = a.startsWith("--") ? MEMBER_BY_NAME.get(a) : a.length() == 2 ? MEMBER_BY_NAME.get(a)
                        : is19LongName("-" + a) ? MEMBER_BY_NAME.get("-" + a) : null;
                if (member != null && takesValue(member)) {
                    i++; // its value, whatever it looks like
                }
            }
        }
        return out;
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A fwknop 1.9 long option written with one dash: {@code -Server-port} for {@code --Server-port}. */
    private static boolean is19LongName(String dashed) {
        return dashed.length() > 3 && (MEMBER_BY_NAME.containsKey(dashed) || DROPPED.containsKey(dashed))
                && has19Spelling(dashed);
    }

    /** The 1.9 names: those of the Perl client, which took one or two dashes. */
    private static boolean has19Spelling(String name) {
        for (int i = 2; i < name.length(); i++) {
            if (Character.isUpperCase(name.charAt(i))) {
                return true;
            }
        }
        return switch (name) {
            case "--rand-port", "--allow-IP", "--source-IP", "--icmp-type", "--icmp-code", "--fw-timeout",
                "--digest-alg", "--get-key", "--last-cmd", "--no-save-args", "--quiet", "--debug", "--verbose",
                "--help", "--locale", "--no-locale", "--time-offset-plus", "--time-offset-minus", "--knock-dst",
                "--whatismyip", "--offset", "--rotate-proto", "--time-delay", "--user-rc" -> true;
            default -> false;
        };
    }

    /** Whether the member's option takes a value. */
    static boolean takesValue(String member) {
        return WITH_VALUE.contains(member);
    }

    /** Sets one option; false when the value does not convert (picocli then reports it) or the member is unknown. */
    private static boolean apply(CommandLineOptions o, String member, String value) {
        try {
            return set(o, member, value);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean set(CommandLineOptions o, String member, String value) {
        switch (member) {
            case "namedConfig" -> o.namedConfig = value;
            case "access" -> o.access = value;
            case "allowIp" -> o.allowIp(value);
            case "sourceIp" -> o.sourceIp(true);
            case "destination" -> o.destination = value;
            case "serverPort" -> o.serverPort = Integer.valueOf(value);
            case "serverProto" -> o.serverProto(value);
            case "tcpSock" -> o.tcpSock(true);
            case "http" -> o.http(true);
            case "spoofProto" -> o.spoofProto(value);
            case "sourcePort" -> o.sourcePort = Integer.valueOf(value);
            case "spoofSource" -> o.spoofSource = value;
            case "spoofUser" -> o.spoofUser = value;
            case "icmpType" -> o.icmpType = Integer.valueOf(value);
            case "icmpCode" -> o.icmpCode = Integer.valueOf(value);
            case "randPort" -> o.randPort = true;
            case "userAgent" -> o.userAgent = value;
            case "httpProxy" -> o.httpProxy = value;
            case "serverResolveIpv4" -> o.serverResolveIpv4 = true;
            case "fwTimeout" -> o.fwTimeout = Integer.valueOf(value);
            case "serverCmd" -> o.serverCmd = value;
            case "serverAuth" -> o.serverAuth = value;
            case "natAccess" -> o.natAccess = value;
            case "natLocal" -> o.natLocal = true;
            case "natPort" -> o.natPort = Integer.valueOf(value);
            case "natRandPort" -> o.natRandPort = true;
            case "timeOffsetPlus" -> o.timeOffsetPlus = value;
            case "timeOffsetMinus" -> o.timeOffsetMinus = value;
            case "maxPacketSize" -> o.maxPacketSize = Integer.valueOf(value);
            case "serverMode" -> o.serverMode = value;
            case "offset" -> o.offset = Integer.valueOf(value);
            case "rotateProto" -> o.rotateProto = true;
            case "timeDelay" -> o.timeDelay = Integer.valueOf(value);
            case "userRc" -> o.userRc = value;
            case "legacy19" -> o.legacy19 = true;
            case "resolveIp" -> o.resolveIp = true;
            case "resolveHttpOnly" -> o.resolveHttpOnly = true;
            case "resolveUrl" -> o.resolveUrl = value;
            case "wgetCmd" -> o.wgetCmd = value;
            case "curlCmd" -> o.curlCmd = value;
            case "useWgetUserAgent" -> o.useWgetUserAgent = true;
            case "maxResolveHttpSize" -> o.maxResolveHttpSize = Integer.valueOf(value);
            case "keyRijndael" -> o.keyRijndael = value;
            case "keyBase64Rijndael" -> o.keyBase64Rijndael = value;
            case "keyHmac" -> o.keyHmac = value;
            case "keyBase64Hmac" -> o.keyBase64Hmac = value;
            case "useHmac" -> o.useHmac = true;
            case "hmacDigestType" -> o.hmacDigestType = value;
            case "digestType" -> o.digestType = value;
            case "encryptionMode" -> o.encryptionMode = value;
            case "getKey" -> o.getKey = value;
            case "getHmacKey" -> o.getHmacKey = value;
            case "stdin" -> o.stdin = true;
            case "fd" -> o.fd = Integer.valueOf(value);
            case "keyGen" -> o.keyGen = true;
            case "keyGenFile" -> o.keyGenFile = value;
            case "keyLen" -> o.keyLen = Integer.valueOf(value);
            case "hmacKeyLen" -> o.hmacKeyLen = Integer.valueOf(value);
            case "gpgEncryption" -> o.gpgEncryption = true;
            case "gpgRecipient" -> o.gpgRecipient = value;
            case "gpgSigner" -> o.gpgSigner = value;
            case "gpgDefaultKey" -> o.gpgDefaultKey = true;
            case "gpgHomeDir" -> o.gpgHomeDir = value;
            case "gpgExe" -> o.gpgExe = value;
            case "gpgAgent" -> o.gpgAgent = true;
            case "gpgAgentInfo" -> o.gpgAgentInfo = value;
            case "gpgNoSigningPw" -> o.gpgNoSigningPw = true;
            case "gpgSigningPw" -> o.gpgSigningPw = value;
            case "gpgVerbose" -> o.gpgVerbose = true;
            case "gpgOptionsFile" -> o.gpgOptionsFile = true;
            case "rcFile" -> o.rcFile = value;
            case "noRcFile" -> o.noRcFile = true;
            case "saveRcStanza" -> o.saveRcStanza = true;
            case "forceStanza" -> o.forceStanza = true;
            case "stanzaList" -> o.stanzaList = true;
            case "noSaveArgs" -> o.noSaveArgs = true;
            case "saveArgsFile" -> o.saveArgsFile = value;
            case "lastCmd" -> o.lastCmd = true;
            case "showLast" -> o.showLast = true;
            case "lastHost" -> o.lastHost = value;
            case "showHostCmd" -> o.showHostCmd = value;
            case "saveDst" -> o.saveDst = true;
            case "homeDir" -> o.homeDir = value;
            case "noHomeDir" -> o.noHomeDir = true;
            case "savePacket" -> o.savePacket = value;
            case "savePacket19" -> o.savePacket19 = true;
            case "savePacketFile19" -> o.savePacketFile19 = value;
            case "savePacketAppend" -> o.savePacketAppend = true;
            case "test" -> o.test = true;
            case "verbose" -> {
                o.verbose = Arrays.copyOf(o.verbose, o.verbose.length + 1);
                o.verbose[o.verbose.length - 1] = true;
            }
            case "debug" -> o.debug = true;
            case "quiet" -> o.quiet = true;
            case "locale" -> o.locale = value;
            case "noLocale" -> o.noLocale = true;
            case "version" -> o.version = true;
            case "help" -> o.help = true;
            case "faultInjectionTag" -> o.faultInjectionTag = value;
            case "noFkoModule" -> o.noFkoModule = true;
            case "libDir" -> o.libDir = value;
            default -> {
                return false;
            }
        }
        return true;
    }
}
