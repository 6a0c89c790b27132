package org.postern.client;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The fwknop 2.6.10 command line, as far as this client implements it. Fields stay null (or false) when an
 * option is absent, so that only what was given overrides the {@code ~/.fwknoprc} stanza.
 */
@Command(name = "fwknop", sortOptions = false, usageHelpAutoWidth = false,
        headerHeading = "%n", header = "fwknop client (Postern), compatible with fwknop 2.6.10",
        synopsisHeading = "%nUsage: ",
        customSynopsis = "fwknop -A <port list> [-s|-a <IP>] -D <spa_server> [options]",
        optionListHeading = "%nOptions:%n",
        footer = {"", "Settings may also come from the [default] and named stanzas of ~/.fwknoprc;",
            "options given on the command line win."})
final class CommandLineOptions {

    @Option(names = {"-n", "--named-config"}, paramLabel = "<stanza>",
            description = "Use the named stanza of ~/.fwknoprc (on top of [default]).")
    String namedConfig;

    @Option(names = {"-A", "--access"}, paramLabel = "<port list>",
            description = "Ports/protocols to open on the server, e.g. tcp/22 or tcp/22,udp/53.")
    String access;

    @Option(names = {"-a", "--allow-ip"}, paramLabel = "<IP>", description = "IP address to allow within the SPA packet.")
    String allowIp;

    @Option(names = {"-s", "--source-ip"},
            description = "Allow whatever source IP the SPA packet has (0.0.0.0; not recommended).")
    boolean sourceIp;

    @Option(names = {"-D", "--destination"}, paramLabel = "<host>", description = "Host name or IP of the fwknop server.")
    String destination;

    @Option(names = {"-p", "--server-port"}, paramLabel = "<port>", description = "Destination port (default 62201).")
    Integer serverPort;

    @Option(names = {"-P", "--server-proto"}, paramLabel = "<proto>", description = "udp (default), tcp or http.")
    String serverProto;

    @Option(names = {"-u", "--user-agent"}, paramLabel = "<agent>",
            description = "HTTP User-Agent for -P http (default Fwknop/2.6.10).")
    String userAgent;

    @Option(names = "--server-resolve-ipv4",
            description = "Resolve the server to IPv4 only (always the case in this client).")
    boolean serverResolveIpv4;

    @Option(names = "--key-rijndael", paramLabel = "<key>", description = "The Rijndael key (visible to ps).")
    String keyRijndael;

    @Option(names = "--key-base64-rijndael", paramLabel = "<key>", description = "The Rijndael key, base64 encoded.")
    String keyBase64Rijndael;

    @Option(names = "--key-hmac", paramLabel = "<key>", description = "The HMAC key (turns HMAC on).")
    String keyHmac;

    @Option(names = "--key-base64-hmac", paramLabel = "<key>", description = "The HMAC key, base64 encoded (turns HMAC on).")
    String keyBase64Hmac;

    @Option(names = "--use-hmac", description = "Add an HMAC (the key is asked for when not given).")
    boolean useHmac;

    @Option(names = "--hmac-digest-type", paramLabel = "<type>",
            description = "md5, sha1, sha256 (default), sha384, sha512, sha3_256, sha3_512; implies --use-hmac.")
    String hmacDigestType;

    @Option(names = {"-m", "--digest-type"}, paramLabel = "<type>",
            description = "Inner message digest: md5, sha1, sha256 (default), sha384, sha512, sha3_256, sha3_512.")
    String digestType;

    @Option(names = {"-M", "--encryption-mode"}, paramLabel = "<mode>",
            description = "Rijndael mode: CBC (default), ECB, CFB, OFB, CTR or legacy.")
    String encryptionMode;

    @Option(names = {"-f", "--fw-timeout"}, paramLabel = "<seconds>",
            description = "Firewall timeout to request from the server.")
    Integer fwTimeout;

    @Option(names = {"-C", "--server-cmd"}, paramLabel = "<command>",
            description = "A command for the server to run instead of opening ports.")
    String serverCmd;

    @Option(names = {"-N", "--nat-access"}, paramLabel = "<host:port>", description = "Gain NAT access to an internal service.")
    String natAccess;

    @Option(names = "--nat-local", description = "Access a local service through a forwarded port on the server.")
    boolean natLocal;

    @Option(names = "--nat-port", paramLabel = "<port>", description = "The port to forward in NAT modes.")
    Integer natPort;

    @Option(names = {"-U", "--spoof-user"}, paramLabel = "<user>", description = "The user name in the SPA packet.")
    String spoofUser;

    @Option(names = "--time-offset-plus", paramLabel = "<offset>",
            description = "Add time to the timestamp: 60, 60sec, 5min, 5m, 1h, 2days, 2d.")
    String timeOffsetPlus;

    @Option(names = "--time-offset-minus", paramLabel = "<offset>", description = "Subtract time from the timestamp.")
    String timeOffsetMinus;

    @Option(names = {"-B", "--save-packet"}, paramLabel = "<file>", description = "Save the packet data to the file.")
    String savePacket;

    @Option(names = {"-b", "--save-packet-append"}, description = "Append to the -B file instead of replacing it.")
    boolean savePacketAppend;

    @Option(names = {"-T", "--test"}, description = "Build the packet and decrypt it locally; do not send it.")
    boolean test;

    @Option(names = {"-k", "--key-gen"}, description = "Generate Rijndael and HMAC keys.")
    boolean keyGen;

    @Option(names = {"-K", "--key-gen-file"}, paramLabel = "<file>", description = "Write the generated keys to the file.")
    String keyGenFile;

    @Option(names = "--key-len", paramLabel = "<bytes>", description = "Rijndael key length for -k (default 32).")
    Integer keyLen;

    @Option(names = "--hmac-key-len", paramLabel = "<bytes>", description = "HMAC key length for -k (default by type).")
    Integer hmacKeyLen;

    @Option(names = "--rc-file", paramLabel = "<file>", description = "Use this rc file instead of ~/.fwknoprc.")
    String rcFile;

    @Option(names = "--no-rc-file", description = "Do not read ~/.fwknoprc.")
    boolean noRcFile;

    @Option(names = "--no-save-args", description = "Do not save the arguments to ~/.fwknop.run.")
    boolean noSaveArgs;

    @Option(names = "--show-last", description = "Show the last command line (from ~/.fwknop.run).")
    boolean showLast;

    @Option(names = {"-v", "--verbose"}, description = "Verbose output.")
    boolean[] verbose = new boolean[0];

    @Option(names = {"-V", "--version"}, description = "Print the version and exit.")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this message and exit.")
    boolean help;
}
