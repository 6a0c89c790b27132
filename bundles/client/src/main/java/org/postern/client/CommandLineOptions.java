package org.postern.client;

import java.util.Locale;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fwknop command line: every fwknop 2.6.10 client option, and the fwknop 1.9 (Perl) spellings mapped onto
 * them. Fields stay null (or false) when an option is absent, so that only what was given overrides the
 * {@code ~/.fwknoprc} stanza. Options whose order matters (the last of {@code -a}/{@code -s} wins, as does the
 * last of {@code -P}/{@code --TCP-sock}/{@code --HTTP}/{@code --Spoof-proto}) are setter methods.
 *
 * <p>Two parsers fill it: {@link QuickArgs} (no picocli: the fast path of every ordinary run) and picocli
 * (these annotations: the reference, and the fallback that reports malformed command lines). Adding an option
 * means an {@code @Option} here and a line in {@link QuickArgs}'s table; {@code QuickArgsTest} fails until
 * both agree. Help text lives in {@link Usage}.
 */
@Command(name = "fwknop", sortOptions = false, usageHelpAutoWidth = false)
public final class CommandLineOptions {

    // ---- the knock -------------------------------------------------------------------------------------
    @Option(names = {"-n", "--named-config"}, paramLabel = "<stanza>")
    String namedConfig;

    @Option(names = {"-A", "--access", "--Access"}, paramLabel = "<port list>")
    String access;

    /** The allow IP: an address from {@code -a}, or {@code 0.0.0.0} from {@code -s}; the last one given wins. */
    String allowIp;

    @Option(names = {"-a", "--allow-ip", "--allow-IP"}, paramLabel = "<IP>")
    void allowIp(String ip) {
        allowIp = ip;
    }

    @Option(names = {"-s", "--source-ip", "--source-IP"})
    void sourceIp(boolean on) {
        allowIp = "0.0.0.0";
    }

    @Option(names = {"-D", "--destination", "--Destination", "--knock-dst"}, paramLabel = "<host>")
    String destination;

    @Option(names = {"-p", "--server-port", "--Server-port"}, paramLabel = "<port>")
    Integer serverPort;

    /** The transport name ({@code -P} or its 1.9 spellings); the last one given wins. */
    String serverProto;
    /** {@code --HTTP} (fwknop 1.9) was given: HTTP to port 80 unless a port is given. */
    boolean http19;
    /** {@code --Spoof-proto} (fwknop 1.9) was given: ICMP knocks default to type 8 (echo request). */
    boolean spoofProto19;

    @Option(names = {"-P", "--server-proto", "--Server-proto"}, paramLabel = "<proto>")
    void serverProto(String proto) {
        serverProto = proto;
    }

    @Option(names = "--TCP-sock")
    void tcpSock(boolean on) {
        serverProto = "tcp";
    }

    @Option(names = "--HTTP")
    void http(boolean on) {
        serverProto = "http";
        http19 = true;
    }

    @Option(names = "--Spoof-proto", paramLabel = "<tcp|udp|icmp>")
    void spoofProto(String proto) {
        String p = proto.toLowerCase(Locale.ROOT);
        serverProto = p.equals("tcp") || p.equals("udp") ? p + "raw" : p;
        spoofProto19 = true;
    }

    @Option(names = {"-S", "--source-port", "--Source-port"}, paramLabel = "<port>")
    Integer sourcePort;

    @Option(names = {"-Q", "--spoof-source", "--spoof-src", "--Spoof-src"}, paramLabel = "<IP>")
    String spoofSource;

    @Option(names = {"-U", "--spoof-user", "--Spoof-user"}, paramLabel = "<user>")
    String spoofUser;

    @Option(names = "--icmp-type", paramLabel = "<type>")
    Integer icmpType;

    @Option(names = "--icmp-code", paramLabel = "<code>")
    Integer icmpCode;

    @Option(names = {"-r", "--rand-port"})
    boolean randPort;

    @Option(names = {"-u", "--user-agent", "--HTTP-user-agent", "--User-agent"}, paramLabel = "<agent>")
    String userAgent;

    @Option(names = {"-H", "--http-proxy", "--HTTP-proxy"}, paramLabel = "<proxy[:port]>")
    String httpProxy;

    @Option(names = "--server-resolve-ipv4")
    boolean serverResolveIpv4;

    @Option(names = {"-f", "--fw-timeout"}, paramLabel = "<seconds>")
    Integer fwTimeout;

    @Option(names = {"-C", "--server-cmd", "--Server-cmd"}, paramLabel = "<command>")
    String serverCmd;

    @Option(names = "--Server-auth", paramLabel = "<crypt>")
    String serverAuth;

    @Option(names = {"-N", "--nat-access", "--NAT-access", "-F", "--Forward-access"}, paramLabel = "<host:port>")
    String natAccess;

    @Option(names = {"--nat-local", "--NAT-local"})
    boolean natLocal;

    @Option(names = "--nat-port", paramLabel = "<port>")
    Integer natPort;

    @Option(names = {"--nat-rand-port", "--NAT-rand-port"})
    boolean natRandPort;

    @Option(names = "--time-offset-plus", paramLabel = "<offset>")
    String timeOffsetPlus;

    @Option(names = "--time-offset-minus", paramLabel = "<offset>")
    String timeOffsetMinus;

    @Option(names = "--Max-packet-size", paramLabel = "<bytes>")
    Integer maxPacketSize;

    // ---- fwknop 1.9 knock sequences (--Server-mode knock|shared) ------------------------------------------
    /** {@code knock} (encrypted sequence) or {@code shared}; with it {@code -r}, {@code -t}, {@code -u} take 1.9's meanings. */
    @Option(names = "--Server-mode", paramLabel = "<knock|shared>")
    String serverMode;

    @Option(names = "--offset", paramLabel = "<port>")
    Integer offset;

    @Option(names = "--rotate-proto")
    boolean rotateProto;

    @Option(names = "--time-delay", paramLabel = "<seconds>")
    Integer timeDelay;

    @Option(names = "--user-rc", paramLabel = "<file>")
    String userRc;

    /** Send a fwknop 1.9.12 SPA packet (Postern option). */
    @Option(names = "--legacy-1.9")
    boolean legacy19;

    // ---- external IP (-R) ------------------------------------------------------------------------------
    @Option(names = {"-R", "--resolve-ip-https", "--resolve-ip-http", "--Resolve-external-IP", "--whatismyip"})
    boolean resolveIp;

    @Option(names = "--resolve-http-only")
    boolean resolveHttpOnly;

    @Option(names = {"--resolve-url", "--URL"}, paramLabel = "<url>")
    String resolveUrl;

    @Option(names = {"-w", "--wget-cmd"}, paramLabel = "<path>")
    String wgetCmd;

    @Option(names = "--curl-cmd", paramLabel = "<path>")
    String curlCmd;

    @Option(names = "--use-wget-user-agent")
    boolean useWgetUserAgent;

    @Option(names = "--Max-resolve-http-size", paramLabel = "<bytes>")
    Integer maxResolveHttpSize;

    // ---- keys ------------------------------------------------------------------------------------------
    @Option(names = "--key-rijndael", paramLabel = "<key>")
    String keyRijndael;

    @Option(names = "--key-base64-rijndael", paramLabel = "<key>")
    String keyBase64Rijndael;

    @Option(names = "--key-hmac", paramLabel = "<key>")
    String keyHmac;

    @Option(names = "--key-base64-hmac", paramLabel = "<key>")
    String keyBase64Hmac;

    @Option(names = "--use-hmac")
    boolean useHmac;

    @Option(names = "--hmac-digest-type", paramLabel = "<type>")
    String hmacDigestType;

    @Option(names = {"-m", "--digest-type", "--digest-alg"}, paramLabel = "<type>")
    String digestType;

    @Option(names = {"-M", "--encryption-mode"}, paramLabel = "<mode>")
    String encryptionMode;

    @Option(names = {"-G", "--get-key"}, paramLabel = "<file>")
    String getKey;

    @Option(names = "--get-hmac-key", paramLabel = "<file>")
    String getHmacKey;

    @Option(names = "--stdin")
    boolean stdin;

    @Option(names = "--fd", paramLabel = "<n>")
    Integer fd;

    @Option(names = {"-k", "--key-gen"})
    boolean keyGen;

    @Option(names = {"-K", "--key-gen-file"}, paramLabel = "<file>")
    String keyGenFile;

    @Option(names = "--key-len", paramLabel = "<bytes>")
    Integer keyLen;

    @Option(names = "--hmac-key-len", paramLabel = "<bytes>")
    Integer hmacKeyLen;

    // ---- GnuPG (fwknop 2.6.10, and the fwknop 1.9 spellings) ------------------------------------------------
    @Option(names = {"-g", "--gpg-encryption"})
    boolean gpgEncryption;

    @Option(names = {"--gpg-recipient-key", "--gpg-recipient"}, paramLabel = "<key>")
    String gpgRecipient;

    @Option(names = {"--gpg-signer-key", "--gpg-signing-key"}, paramLabel = "<key>")
    String gpgSigner;

    /** fwknop 1.9: sign with the default key of the GnuPG home. */
    @Option(names = "--gpg-default-key")
    boolean gpgDefaultKey;

    @Option(names = "--gpg-home-dir", paramLabel = "<dir>")
    String gpgHomeDir;

    /** Accepted; Postern runs no gpg binary. */
    @Option(names = {"--gpg-exe", "--gpg-path"}, paramLabel = "<path>")
    String gpgExe;

    @Option(names = "--gpg-agent")
    boolean gpgAgent;

    /** fwknop 1.9: the agent's {@code socket:pid:protocol} (GPG_AGENT_INFO). */
    @Option(names = "--gpg-agent-info", paramLabel = "<info>")
    String gpgAgentInfo;

    @Option(names = "--gpg-no-signing-pw")
    boolean gpgNoSigningPw;

    /** The signing passphrase (visible to ps; GPG_SIGNING_PW, --stdin or the prompt keep it off the command line). */
    @Option(names = "--gpg-signing-pw", paramLabel = "<passphrase>")
    String gpgSigningPw;

    /** fwknop 1.9: say which keys are used. */
    @Option(names = "--gpg-verbose")
    boolean gpgVerbose;

    /** fwknop 1.9: gpg's {@code --no-options} / options file; accepted, no gpg.conf option applies here. */
    @Option(names = {"--gpg-no-options", "--gpg-use-options"})
    boolean gpgOptionsFile;

    // ---- rc file, saved arguments, saved packets ---------------------------------------------------------
    @Option(names = "--rc-file", paramLabel = "<file>")
    String rcFile;

    @Option(names = "--no-rc-file")
    boolean noRcFile;

    @Option(names = "--save-rc-stanza")
    boolean saveRcStanza;

    @Option(names = "--force-stanza")
    boolean forceStanza;

    @Option(names = "--stanza-list")
    boolean stanzaList;

    @Option(names = "--no-save-args")
    boolean noSaveArgs;

    @Option(names = {"-E", "--save-args-file"}, paramLabel = "<file>")
    String saveArgsFile;

    @Option(names = {"-l", "--last-cmd"})
    boolean lastCmd;

    @Option(names = {"--show-last", "--Show-last-cmd"})
    boolean showLast;

    @Option(names = "--Last-host", paramLabel = "<host>")
    String lastHost;

    @Option(names = "--Show-host-cmd", paramLabel = "<host>")
    String showHostCmd;

    @Option(names = "--Save-dst")
    boolean saveDst;

    @Option(names = "--Home-dir", paramLabel = "<dir>")
    String homeDir;

    @Option(names = "--no-home-dir")
    boolean noHomeDir;

    @Option(names = {"-B", "--save-packet"}, paramLabel = "<file>")
    String savePacket;

    @Option(names = "--Save-packet")
    boolean savePacket19;

    @Option(names = "--Save-packet-file", paramLabel = "<file>")
    String savePacketFile19;

    @Option(names = {"-b", "--save-packet-append", "--Save-packet-append"})
    boolean savePacketAppend;

    // ---- output and run mode ---------------------------------------------------------------------------
    @Option(names = {"-T", "--test", "--Test-mode"})
    boolean test;

    @Option(names = {"-v", "--verbose"})
    boolean[] verbose = new boolean[0];

    @Option(names = {"-d", "--debug"})
    boolean debug;

    @Option(names = {"-q", "--quiet"})
    boolean quiet;

    @Option(names = {"--locale", "--LC_ALL"}, paramLabel = "<locale>")
    String locale;

    @Option(names = {"--no-locale", "--no-LC_ALL"})
    boolean noLocale;

    @Option(names = {"-V", "--version", "--Version"})
    boolean version;

    @Option(names = {"-h", "--help"})
    boolean help;

    @Option(names = "--fault-injection-tag", paramLabel = "<tag>")
    String faultInjectionTag;

    /** fwknop 1.9's Perl-module switches: accepted, nothing to do here. */
    @Option(names = "--no-FKO-module")
    boolean noFkoModule;

    @Option(names = "--Lib-dir", paramLabel = "<dir>")
    String libDir;

    /** Verbosity: {@code -v} counts once each, {@code -d/--debug} (fwknop 1.9) twice. */
    int verbosity() {
        return verbose.length + (debug ? 2 : 0);
    }
}
