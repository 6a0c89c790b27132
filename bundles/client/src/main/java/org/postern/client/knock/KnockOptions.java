package org.postern.client.knock;

import java.util.Map;

import org.postern.api.EncryptionMode;
import org.postern.fko.DigestType;
import org.postern.fko.HmacType;
import org.postern.fko.SpaBase64;

/**
 * What one fwknop invocation asks for: the settings of the command line and of a {@code ~/.fwknoprc}
 * stanza, with fwknop 2.6.10's meaning and defaults. Values are kept as given (strings for the access list
 * and NAT request, as fwknop keeps them) and checked when the packet is sealed ({@link Knock#seal}), so a
 * later source (a named stanza, then the command line) can replace an earlier one before anything fails.
 *
 * <p>Not thread-safe: fill it, then seal. {@link #toString()} never shows key material.
 */
public final class KnockOptions {

    /** fwknop's default destination port ({@code -p}). */
    public static final int DEFAULT_PORT = 62201;
    /** The HTTP User-Agent fwknop 2.6.10 sends with {@code -P http}. */
    public static final String DEFAULT_USER_AGENT = "Fwknop/2.6.10";
    /** The allow IP that means "the source address of the packet" ({@code -s}, {@code ALLOW_IP source}). */
    public static final String SOURCE_IP = "0.0.0.0";
    /** Upper bound of {@code -f/--fw-timeout} on the command line (libfko's limit). */
    public static final int MAX_CLIENT_TIMEOUT = 131072;
    /** fwknop copies {@code -U}/{@code SPOOF_USER} into a 30-byte buffer: longer names are cut to 29. */
    public static final int MAX_SPOOF_USER = 29;
    /** fwknop's key buffers hold 128 bytes. */
    public static final int MAX_KEY_BYTES = 128;
    /** Largest {@code --icmp-type} fwknop accepts. */
    public static final int MAX_ICMP_TYPE = 40;
    /** Largest {@code --icmp-code} fwknop accepts. */
    public static final int MAX_ICMP_CODE = 15;
    /** fwknop 1.9's default {@code --Max-packet-size}: fwknopd takes no SPA payload of more than 1500 bytes. */
    public static final int DEFAULT_MAX_PACKET_SIZE = 1500;
    /** Lowest port of {@code -r/--rand-port} and {@code --nat-rand-port} (fwknop's MIN_HIGH_PORT). */
    public static final int MIN_RANDOM_PORT = 10000;
    /** The external-IP URL fwknop 2.6.10 asks in {@code -R} mode. */
    public static final String DEFAULT_RESOLVE_URL = "https://www.cipherdyne.org/cgi-bin/myip";

    private String destination;
    private int port = DEFAULT_PORT;
    private boolean portSet;
    private KnockTransport transport = KnockTransport.UDP;
    private String httpUserAgent = DEFAULT_USER_AGENT;
    private String allowIp;
    private boolean resolveAllowIp;
    private String access;
    private String command;
    private String natAccess;
    private boolean natLocal;
    private int natPort;
    private int clientTimeout = -1;
    private String spoofUser;
    private int timeOffsetPlus;
    private int timeOffsetMinus;
    private DigestType digestType = DigestType.SHA256;
    private EncryptionMode encryptionMode = EncryptionMode.CBC;
    private byte[] key;
    private byte[] hmacKey;
    private HmacType hmacType;
    private boolean useHmac;
    private boolean legacy19;
    private boolean randPort;
    private boolean natRandPort;
    private int sourcePort;
    private String spoofSource;
    private int icmpType;
    private int icmpCode;
    private String httpProxy;
    private int maxPacketSize = DEFAULT_MAX_PACKET_SIZE;
    private String serverAuth;
    private String resolveUrl;
    private boolean resolveHttpOnly;
    private boolean useWgetUserAgent;
    private String wgetCmd;
    private String curlCmd;
    private final GpgOptions gpg = new GpgOptions();

    /** The GnuPG settings ({@code -g}, {@code --gpg-*}, {@code GPG_*}); off unless one is given. */
    public GpgOptions gpg() {
        return gpg;
    }

    /** The SPA server, host name or IPv4 address ({@code -D}, {@code SPA_SERVER}). */
    public KnockOptions destination(String host) {
        this.destination = host;
        return this;
    }

    public String destination() {
        return destination;
    }

    /** Destination port, 1..65535 ({@code -p}, {@code SPA_SERVER_PORT}; default 62201). */
    public KnockOptions port(int p) throws KnockException {
        if (p < 1 || p > 65535) {
            throw new KnockException("server port " + p + " must be in [1-65535]");
        }
        this.port = p;
        this.portSet = true;
        return this;
    }

    public int port() {
        return port;
    }

    /** Whether a port was given ({@link #port(int)} called), rather than fwknop's default. */
    public boolean portSet() {
        return portSet;
    }

    /** How to send ({@code -P}, {@code SPA_SERVER_PROTO}; default udp). */
    public KnockOptions transport(KnockTransport t) {
        this.transport = t;
        return this;
    }

    public KnockTransport transport() {
        return transport;
    }

    /** The User-Agent of {@code -P http} ({@code -u}, {@code HTTP_USER_AGENT}). */
    public KnockOptions httpUserAgent(String ua) {
        this.httpUserAgent = ua;
        return this;
    }

    public String httpUserAgent() {
        return httpUserAgent;
    }

    /** The IP to open for ({@code -a}, {@code ALLOW_IP}); {@link #SOURCE_IP} for {@code -s}. */
    public KnockOptions allowIp(String ip) {
        this.allowIp = ip;
        this.resolveAllowIp = false;
        return this;
    }

    public String allowIp() {
        return allowIp;
    }

    /**
     * Whether the allow IP is to be discovered over HTTPS ({@code -R}, {@code ALLOW_IP resolve},
     * {@code RESOLVE_IP_HTTPS Y}): {@link ExternalIp#resolve} asks {@link #resolveUrl()} before sealing.
     */
    public KnockOptions resolveAllowIp(boolean resolve) {
        this.resolveAllowIp = resolve;
        return this;
    }

    public boolean resolveAllowIp() {
        return resolveAllowIp;
    }

    /** The ports to open, {@code tcp/22} or {@code tcp/22,udp/53} ({@code -A}, {@code ACCESS}). */
    public KnockOptions access(String protoPorts) {
        this.access = protoPorts;
        return this;
    }

    public String access() {
        return access;
    }

    /** A command for the server to run instead of opening ports ({@code -C}). */
    public KnockOptions command(String cmd) {
        this.command = cmd;
        return this;
    }

    public String command() {
        return command;
    }

    /** NAT access {@code host:port}, {@code host,port} or {@code host} ({@code -N}, {@code NAT_ACCESS}). */
    public KnockOptions natAccess(String hostPort) {
        this.natAccess = hostPort;
        return this;
    }

    public String natAccess() {
        return natAccess;
    }

    /** Local NAT: reach a service on the server itself through a forwarded port ({@code --nat-local}). */
    public KnockOptions natLocal(boolean local) {
        this.natLocal = local;
        return this;
    }

    public boolean natLocal() {
        return natLocal;
    }

    /** The port to request instead of the {@code -A} port in NAT modes ({@code --nat-port}); 0 = none. */
    public KnockOptions natPort(int p) throws KnockException {
        if (p < 0 || p > 65535) {
            throw new KnockException("NAT port " + p + " must be in [0-65535]");
        }
        this.natPort = p;
        return this;
    }

    public int natPort() {
        return natPort;
    }

    /** The firewall timeout the client asks for ({@code -f}, {@code FW_TIMEOUT}); -1 = not given. */
    public KnockOptions clientTimeout(int seconds) throws KnockException {
        if (seconds < -1 || seconds > MAX_CLIENT_TIMEOUT) {
            throw new KnockException("--fw-timeout must be within [0-" + MAX_CLIENT_TIMEOUT + "]");
        }
        this.clientTimeout = seconds;
        return this;
    }

    public int clientTimeout() {
        return clientTimeout;
    }

    /** The user name to put in the packet ({@code -U}, {@code SPOOF_USER}); cut to 29 characters as fwknop does. */
    public KnockOptions spoofUser(String user) {
        this.spoofUser = user == null || user.length() <= MAX_SPOOF_USER ? user : user.substring(0, MAX_SPOOF_USER);
        return this;
    }

    public String spoofUser() {
        return spoofUser;
    }

    /** Seconds to add to the timestamp ({@code --time-offset-plus}, {@code TIME_OFFSET 5m}). */
    public KnockOptions timeOffsetPlus(int seconds) {
        this.timeOffsetPlus = Math.max(0, seconds);
        return this;
    }

    /** Seconds to subtract from the timestamp ({@code --time-offset-minus}, {@code TIME_OFFSET -5m}). */
    public KnockOptions timeOffsetMinus(int seconds) {
        this.timeOffsetMinus = Math.max(0, seconds);
        return this;
    }

    /** The effective offset: as in fwknop, a minus offset wins over a plus offset when both are set. */
    public int timeOffset() {
        return timeOffsetMinus > 0 ? -timeOffsetMinus : timeOffsetPlus;
    }

    /** The inner message digest ({@code -m}, {@code DIGEST_TYPE}; default sha256). */
    public KnockOptions digestType(DigestType t) {
        this.digestType = t;
        return this;
    }

    public DigestType digestType() {
        return digestType;
    }

    /** The Rijndael mode ({@code -M}, {@code ENCRYPTION_MODE}; default CBC). */
    public KnockOptions encryptionMode(EncryptionMode m) {
        this.encryptionMode = m;
        return this;
    }

    public EncryptionMode encryptionMode() {
        return encryptionMode;
    }

    /** The Rijndael passphrase bytes ({@code --key-rijndael}, {@code KEY}); fwknop keeps at most 128. */
    public KnockOptions key(byte[] passphrase) {
        this.key = passphrase == null ? null
                : java.util.Arrays.copyOf(passphrase, Math.min(passphrase.length, MAX_KEY_BYTES));
        return this;
    }

    /** The Rijndael key as base64 ({@code --key-base64-rijndael}, {@code KEY_BASE64}). */
    public KnockOptions keyBase64(String b64) throws KnockException {
        this.key = decodeKey(b64, "Rijndael");
        return this;
    }

    /** Whether a Rijndael key has been given. */
    public boolean hasKey() {
        return key != null;
    }

    /** The length of the Rijndael key in bytes, 0 when none is given. */
    public int keyLength() {
        return key == null ? 0 : key.length;
    }

    byte[] keyBytes() {
        return key;
    }

    /** The HMAC key bytes ({@code --key-hmac}, {@code HMAC_KEY}); giving one turns HMAC on. */
    public KnockOptions hmacKey(byte[] k) {
        this.hmacKey = k == null ? null : java.util.Arrays.copyOf(k, Math.min(k.length, MAX_KEY_BYTES));
        this.useHmac |= k != null;
        return this;
    }

    /** The HMAC key as base64 ({@code --key-base64-hmac}, {@code HMAC_KEY_BASE64}); turns HMAC on. */
    public KnockOptions hmacKeyBase64(String b64) throws KnockException {
        this.hmacKey = decodeKey(b64, "HMAC");
        this.useHmac = true;
        return this;
    }

    public boolean hasHmacKey() {
        return hmacKey != null;
    }

    byte[] hmacKeyBytes() {
        return hmacKey;
    }

    /** The HMAC algorithm ({@code --hmac-digest-type}, {@code HMAC_DIGEST_TYPE}); null = sha256. */
    public KnockOptions hmacType(HmacType t) {
        this.hmacType = t;
        return this;
    }

    /** The HMAC algorithm that applies: the one given, else sha256. */
    public HmacType effectiveHmacType() {
        return hmacType != null ? hmacType : HmacType.SHA256;
    }

    /** Whether the packet carries an HMAC ({@code --use-hmac}, {@code USE_HMAC Y}, or an HMAC key given). */
    public KnockOptions useHmac(boolean use) {
        this.useHmac = use;
        return this;
    }

    public boolean useHmac() {
        return useHmac;
    }

    /**
     * Send a fwknop 1.9.12 SPA packet ({@code --legacy-1.9}): version {@code 1.9.12}, base64 fields with their
     * {@code =} padding, a key shorter than 16 bytes padded with '0' as 1.9 did (longer keys as given), no HMAC,
     * no GnuPG, digests MD5/SHA1/SHA256 only.
     */
    public KnockOptions legacy19(boolean on) {
        this.legacy19 = on;
        return this;
    }

    public boolean legacy19() {
        return legacy19;
    }

    /** Send to a random destination port in 10000..65534 ({@code -r/--rand-port}, {@code RAND_PORT Y}). */
    public KnockOptions randPort(boolean on) {
        this.randPort = on;
        return this;
    }

    public boolean randPort() {
        return randPort;
    }

    /** Ask for NAT access through a random port in 10000..65534 ({@code --nat-rand-port}). */
    public KnockOptions natRandPort(boolean on) {
        this.natRandPort = on;
        return this;
    }

    public boolean natRandPort() {
        return natRandPort;
    }

    /** The source port of a raw packet ({@code -S}, {@code SPA_SOURCE_PORT}); 0 = a random high port. */
    public KnockOptions sourcePort(int p) throws KnockException {
        if (p < 0 || p > 65535) {
            throw new KnockException("source port " + p + " must be in [0-65535]");
        }
        this.sourcePort = p;
        return this;
    }

    public int sourcePort() {
        return sourcePort;
    }

    /** The spoofed IPv4 source address of a raw packet ({@code -Q/--spoof-src}, {@code SPOOF_SOURCE_IP}). */
    public KnockOptions spoofSource(String ip) {
        this.spoofSource = ip == null || ip.isEmpty() ? null : ip;
        return this;
    }

    public String spoofSource() {
        return spoofSource;
    }

    /** The ICMP type of {@code -P icmp} ({@code --icmp-type}, 0..40; default 0, echo reply). */
    public KnockOptions icmpType(int type) throws KnockException {
        if (type < 0 || type > MAX_ICMP_TYPE) {
            throw new KnockException("Invalid icmp type '" + type + "', must be in [0-" + MAX_ICMP_TYPE + "]");
        }
        this.icmpType = type;
        return this;
    }

    public int icmpType() {
        return icmpType;
    }

    /** The ICMP code of {@code -P icmp} ({@code --icmp-code}, 0..15; default 0). */
    public KnockOptions icmpCode(int code) throws KnockException {
        if (code < 0 || code > MAX_ICMP_CODE) {
            throw new KnockException("Invalid icmp code '" + code + "', must be in [0-" + MAX_ICMP_CODE + "]");
        }
        this.icmpCode = code;
        return this;
    }

    public int icmpCode() {
        return icmpCode;
    }

    /** An HTTP proxy {@code host[:port]} for {@code -P http} ({@code -H/--http-proxy}); implies HTTP. */
    public KnockOptions httpProxy(String proxy) {
        this.httpProxy = proxy == null || proxy.isEmpty() ? null : proxy;
        return this;
    }

    public String httpProxy() {
        return httpProxy;
    }

    /** The largest SPA payload the client sends ({@code --Max-packet-size}; default 1500 bytes). */
    public KnockOptions maxPacketSize(int bytes) throws KnockException {
        if (bytes < 1) {
            throw new KnockException("--Max-packet-size must be a positive number of bytes");
        }
        this.maxPacketSize = bytes;
        return this;
    }

    public int maxPacketSize() {
        return maxPacketSize;
    }

    /**
     * The server_auth field (fwknop 1.9 {@code --Server-auth crypt}: {@code crypt,<password>}); fwknopd 2.x
     * decodes it and ignores it. Null = none.
     */
    public KnockOptions serverAuth(String auth) {
        this.serverAuth = auth;
        return this;
    }

    public String serverAuth() {
        return serverAuth;
    }

    /** The URL that tells the client its external address ({@code --resolve-url}, 1.9 {@code --URL}). */
    public KnockOptions resolveUrl(String url) {
        this.resolveUrl = url == null || url.isEmpty() ? null : url;
        return this;
    }

    /** The URL given, or null for fwknop's default ({@link #DEFAULT_RESOLVE_URL}). */
    public String resolveUrl() {
        return resolveUrl;
    }

    /** Resolve the external address over plain HTTP ({@code --resolve-http-only}, {@code RESOLVE_HTTP_ONLY}). */
    public KnockOptions resolveHttpOnly(boolean on) {
        this.resolveHttpOnly = on;
        return this;
    }

    public boolean resolveHttpOnly() {
        return resolveHttpOnly;
    }

    /** Send the resolving program's own User-Agent instead of {@link #httpUserAgent()} ({@code --use-wget-user-agent}). */
    public KnockOptions useWgetUserAgent(boolean on) {
        this.useWgetUserAgent = on;
        return this;
    }

    public boolean useWgetUserAgent() {
        return useWgetUserAgent;
    }

    /** Resolve with this wget ({@code -w/--wget-cmd}, {@code WGET_CMD}) instead of the built-in HTTPS client. */
    public KnockOptions wgetCmd(String path) {
        this.wgetCmd = path == null || path.isEmpty() ? null : path;
        return this;
    }

    public String wgetCmd() {
        return wgetCmd;
    }

    /** Resolve with this curl ({@code --curl-cmd}) instead of the built-in HTTPS client. */
    public KnockOptions curlCmd(String path) {
        this.curlCmd = path == null || path.isEmpty() ? null : path;
        return this;
    }

    public String curlCmd() {
        return curlCmd;
    }

    /**
     * Where and how to send.
     *
     * @throws KnockException when no destination is set
     */
    public KnockTarget target() throws KnockException {
        if (destination == null || destination.isEmpty()) {
            throw new KnockException("Must use --destination unless --test mode is used");
        }
        return new KnockTarget(destination, port, transport, httpUserAgent, httpProxy, sourcePort, spoofSource,
                icmpType, icmpCode);
    }

    /**
     * Parses a time offset as fwknop does: its digits, in seconds unless the first unit letter after them is
     * {@code m} (minutes), {@code h} (hours) or {@code d} (days); other letters are skipped, so {@code 60sec},
     * {@code 5min}, {@code 5m}, {@code 1h} and {@code 2days} all work. The number may not exceed 65536.
     *
     * @throws KnockException naming the bad value
     */
    public static int parseTimeOffset(String text) throws KnockException {
        int multiplier = 1;
        StringBuilder digits = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
                if (digits.length() >= 9) {
                    throw new KnockException("Invalid time offset: '" + text + "'");
                }
            } else if (c == 'm' || c == 'M') {
                multiplier = 60;
                break;
            } else if (c == 'h' || c == 'H') {
                multiplier = 3600;
                break;
            } else if (c == 'd' || c == 'D') {
                multiplier = 86400;
                break;
            }
        }
        if (digits.length() == 0) {
            throw new KnockException("Invalid time offset: '" + text + "'");
        }
        long n = Long.parseLong(digits.toString());
        if (n > 65536) {
            throw new KnockException("Invalid time offset: '" + text + "'");
        }
        return (int) (n * multiplier);
    }

    /**
     * The user name libfko puts in a packet when none is spoofed: {@code SPOOF_USER}, {@code LOGNAME}, the
     * login name of the process (fwknop's {@code cuserid()}), {@code USER}, else {@code NO_USER}; empty values
     * are skipped; cut to 63 characters.
     *
     * @param env       the environment
     * @param loginName the process's user name ({@code user.name}), or null
     */
    public static String systemUsername(Map<String, String> env, String loginName) {
        String u = firstNonEmpty(env.get("SPOOF_USER"), env.get("LOGNAME"), loginName, env.get("USER"), "NO_USER");
        return u.length() > 63 ? u.substring(0, 63) : u;
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    private static byte[] decodeKey(String b64, String what) throws KnockException {
        if (b64 == null) {
            return null;
        }
        for (int i = 0; i < b64.length(); i++) {
            char c = b64.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+'
                    || c == '/' || c == '=';
            if (!ok) {
                throw new KnockException("the base64 encoded " + what + " key doesn't look like base64-encoded data");
            }
        }
        return SpaBase64.decode(b64);
    }

    /** Never shows key material. */
    @Override
    public String toString() {
        return "KnockOptions[" + transport.wireName() + "://" + destination + ":" + port
                + (randPort ? " (random port)" : "") + (spoofSource != null ? ", from " + spoofSource : "")
                + ", allow=" + (resolveAllowIp ? "resolve" : allowIp)
                + ", access=" + access + (command != null ? ", command" : "") + ", nat=" + natAccess
                + (natLocal ? " (local)" : "") + ", timeout=" + clientTimeout + ", " + digestType + ", "
                + encryptionMode + ", key=" + (key != null ? key.length + " bytes" : "none") + ", hmac="
                + (useHmac ? effectiveHmacType() + (hmacKey != null ? " " + hmacKey.length + " bytes" : " (no key)")
                        : "off")
                + (gpg.enabled() ? ", " + gpg : "") + "]";
    }
}
