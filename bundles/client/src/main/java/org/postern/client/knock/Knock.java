package org.postern.client.knock;

import java.security.SecureRandom;
import java.util.Arrays;

import org.postern.api.EncryptionMode;
import org.postern.api.GpgKey;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaCipher;
import org.postern.api.SpaException;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.LegacySpaCodec;
import org.postern.fko.MessageRules;
import org.postern.fko.MessageType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaMessageCodec;
import org.postern.fko.SpaWire;

/**
 * One sealed SPA packet, built from {@link KnockOptions} with the fwknop 2.6.10 client's rules: the message
 * type from {@code -C}, {@code -N}, {@code --nat-local} and {@code -f}; the {@code --nat-port} substitution;
 * the key checks (Rijndael key at most 32 bytes, at most 16 used in legacy mode, HMAC key different from the
 * encryption key, no HMAC in legacy mode). Immutable; {@link #toString()} never shows key material.
 */
public final class Knock {

    /** fwknopd decrypts Rijndael data only while its prefixed base64 is shorter than this (libfko's GPG guess). */
    public static final int RIJNDAEL_DECODE_LIMIT = SpaWire.GPG_THRESHOLD;

    private static final String NULL = "<NULL>";
    private static SecureRandom random;

    private final SpaMessage message;
    private final String wire;
    private final String hmac;
    private final SpaCipher cipher;
    private final RijndaelKey key;
    private final HmacKey hmacKey;
    private final int natRandomPort;
    /** GnuPG mode: the key, and the two characters stripped from the message (fwknop assumes {@code hQ}). */
    private final GpgKey gpgKey;
    private final String gpgHeader;

    private Knock(SpaMessage message, String wire, String hmac, SpaCipher cipher, RijndaelKey key, HmacKey hmacKey,
            int natRandomPort) {
        this(message, wire, hmac, cipher, key, hmacKey, natRandomPort, null, null);
    }

    private Knock(SpaMessage message, String wire, String hmac, SpaCipher cipher, RijndaelKey key, HmacKey hmacKey,
            int natRandomPort, GpgKey gpgKey, String gpgHeader) {
        this.message = message;
        this.cipher = cipher;
        this.wire = wire;
        this.hmac = hmac;
        this.key = key;
        this.hmacKey = hmacKey;
        this.natRandomPort = natRandomPort;
        this.gpgKey = gpgKey;
        this.gpgHeader = gpgHeader;
    }

    /**
     * Builds, encrypts and (when HMAC is on) authenticates the packet.
     *
     * @param options         the request
     * @param cipher          the Rijndael {@link SpaCipher} ({@code new RijndaelCipher()} outside OSGi, the
     *                        {@code (cipher=rijndael)} service inside), or the GnuPG one ({@code new GpgCipher()},
     *                        {@code (cipher=gpg)}) when {@link KnockOptions#gpg()} is on
     * @param defaultUsername the user name when none is spoofed (see {@link KnockOptions#systemUsername})
     * @param nowEpochSeconds the current time; the options' time offset is added
     * @throws KnockException naming the first setting fwknop would refuse
     */
    public static Knock seal(KnockOptions options, SpaCipher cipher, String defaultUsername, long nowEpochSeconds)
            throws KnockException {
        String wanted = options.gpg().enabled() ? GpgKey.TYPE : RijndaelKey.TYPE;
        if (!wanted.equals(cipher.type())) {
            throw new KnockException("this knock needs the " + wanted + " cipher, not '" + cipher.type() + "'");
        }
        EncryptionMode mode = options.encryptionMode();
        if (mode == EncryptionMode.ASYMMETRIC && !options.gpg().enabled()) {
            throw new KnockException("Must specify GPG recipient/signing keys when Asymmetric encryption mode is used.");
        }
        if (mode == EncryptionMode.LEGACY && options.useHmac()) {
            throw new KnockException("Legacy encryption mode is incompatible with HMAC usage.");
        }
        if (options.legacy19() && (options.gpg().enabled() || options.useHmac())) {
            throw new KnockException("--legacy-1.9 packets have no HMAC and no GnuPG (fwknop 1.9.12 Rijndael only)");
        }
        SpaMessageBuilder b = new SpaMessageBuilder()
                .version(options.legacy19() ? LegacySpaCodec.VERSION_1_9_12 : SpaMessage.PROTOCOL_VERSION)
                .username(username(options, defaultUsername))
                .timestamp(nowEpochSeconds + options.timeOffset())
                .digestType(options.digestType())
                .allowIp(allowIp(options))
                .clientTimeout(Math.max(0, options.clientTimeout()));
        if (options.serverAuth() != null) {
            if (options.natLocal() || options.natAccess() != null) {
                throw new KnockException("--Server-auth cannot be combined with NAT access (as in fwknop 1.9)");
            }
            b.serverAuth(options.serverAuth());
        }
        int natRandomPort = 0;
        if (options.command() != null) {
            if (options.natLocal() || options.natAccess() != null) {
                throw new KnockException("NAT access (-N, --nat-local) cannot be combined with a server command (-C)");
            }
            b.command(options.command());
        } else {
            natRandomPort = options.natRandPort() ? randomHighPort() : 0;
            b.access(accessList(options, natRandomPort > 0 ? natRandomPort : options.natPort()));
            String nat = natAccess(options);
            if (nat != null && options.natLocal()) {
                b.localNat(nat);
            } else if (nat != null) {
                b.natAccess(nat);
            }
        }
        SpaMessage message;
        try {
            message = b.build();
        } catch (IllegalArgumentException e) {
            throw new KnockException(e.getMessage());
        }
        if (options.gpg().enabled()) {
            return sealGpg(options, cipher, message, natRandomPort);
        }
        if (options.legacy19()) {
            return sealLegacy19(options, cipher, message, natRandomPort);
        }
        RijndaelKey key = rijndaelKey(options);
        HmacKey hmacKey = hmacKey(options);
        try {
            String wire = SpaWire.seal(message, cipher, key, hmacKey);
            String mac = hmacKey == null ? null : wire.substring(wire.length() - hmacKey.type().base64Length());
            return new Knock(message, wire, mac, cipher, key, hmacKey, natRandomPort);
        } catch (SpaException e) {
            throw new KnockException("could not encrypt the SPA packet: " + e.getMessage());
        }
    }

    /** {@code --legacy-1.9}: the 1.9.12 plaintext ({@link LegacySpaCodec}), the key as 1.9 pads it, no HMAC. */
    private static Knock sealLegacy19(KnockOptions o, SpaCipher cipher, SpaMessage message, int natRandomPort)
            throws KnockException {
        byte[] k = o.keyBytes();
        if (k == null || k.length < 1 || k.length > 32) {
            throw new KnockException("--legacy-1.9 needs a Rijndael key of 1..32 bytes");
        }
        // 1.9 pads a short passphrase with '0' to 16 (the legacy mode) and uses a longer one as given (CBC)
        RijndaelKey key = new RijndaelKey(k, k.length < 16 ? EncryptionMode.LEGACY : EncryptionMode.CBC);
        try {
            String wire = SpaWire.sealPlaintext(LegacySpaCodec.encode(message), cipher, key, null);
            return new Knock(message, wire, null, cipher, key, null, natRandomPort);
        } catch (IllegalArgumentException e) {
            throw new KnockException(e.getMessage());
        } catch (SpaException e) {
            throw new KnockException("could not encrypt the SPA packet: " + e.getMessage());
        }
    }

    /**
     * GnuPG mode, as libfko's {@code gpg_encrypt} with fwknop's framing: {@code encoded:digest} encrypted to the
     * recipient (signed when a signer is set), base64, the first two characters stripped whatever they are (fwknop
     * strips them unconditionally; they are {@code hQ} for RSA/ElGamal keys of 2048 bits and more), then the HMAC
     * over the whole base64 message.
     */
    private static Knock sealGpg(KnockOptions o, SpaCipher cipher, SpaMessage message, int natRandomPort)
            throws KnockException {
        GpgKey key = o.gpg().key(o.gpg().homeDir(), o.keyBytes());
        HmacKey hmacKey = hmacKey(o);
        try {
            String ct = cipher.encrypt(SpaMessageCodec.encode(message).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    key);
            String mac = hmacKey == null ? null
                    : hmacKey.macBase64(ct.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String body = ct.substring(2);
            return new Knock(message, mac == null ? body : body + mac, mac, cipher, null, hmacKey, natRandomPort, key,
                    ct.substring(0, 2));
        } catch (SpaException e) {
            throw new KnockException("could not encrypt the SPA packet with GnuPG: " + e.getMessage());
        }
    }

    /** GnuPG mode: the two characters stripped from the message ({@code hQ} as fwknopd expects), else null. */
    public String gpgHeader() {
        return gpgHeader;
    }

    /** Whether fwknopd 2.6.10 can put back what was stripped: always for Rijndael, for GnuPG only {@code hQ}. */
    public boolean fwknopdCanRestorePrefix() {
        return gpgHeader == null || gpgHeader.equals("hQ");
    }

    /**
     * A random port in {@value KnockOptions#MIN_RANDOM_PORT}..65534, for {@code -r/--rand-port} and
     * {@code --nat-rand-port}. fwknop derives it from the packet's random value; this client draws it on its
     * own, so the port tells an observer nothing about the packet.
     */
    public static synchronized int randomHighPort() {
        if (random == null) {
            random = new SecureRandom();
        }
        return KnockOptions.MIN_RANDOM_PORT + random.nextInt(65535 - KnockOptions.MIN_RANDOM_PORT);
    }

    /** The port {@code --nat-rand-port} chose (it replaced the {@code -A} port), or 0. */
    public int natRandomPort() {
        return natRandomPort;
    }

    /**
     * The SPA data a transport puts into its packet, as fwknop 1.9's {@code --Max-packet-size} measured it: the
     * payload, for HTTP with the leading {@code /} of the request path.
     */
    public int payloadSize(KnockTransport transport) {
        return transport == KnockTransport.HTTP ? wire.length() + 1 : wire.length();
    }

    /**
     * Refuses a packet whose payload is larger than {@code maxBytes} ({@code --Max-packet-size}), before
     * anything is sent.
     *
     * @throws KnockException naming both sizes
     */
    public void requireSizeAtMost(int maxBytes, KnockTransport transport) throws KnockException {
        int size = payloadSize(transport);
        if (size > maxBytes) {
            throw new KnockException("SPA packet of " + size + " bytes is larger than --Max-packet-size " + maxBytes
                    + ": not sent");
        }
    }

    /** The message as sealed. */
    public SpaMessage message() {
        return message;
    }

    /** The payload to send: ciphertext base64 without its {@code U2FsdGVkX1} prefix, then the HMAC if any. */
    public String wire() {
        return wire;
    }

    /** The HMAC (unpadded base64), or null when HMAC is off. */
    public String hmac() {
        return hmac;
    }

    /** The HMAC algorithm, or null when HMAC is off. */
    public HmacType hmacType() {
        return hmacKey == null ? null : hmacKey.type();
    }

    public EncryptionMode encryptionMode() {
        return gpgKey != null ? EncryptionMode.ASYMMETRIC : key.mode();
    }

    /** The payload without the HMAC (what fwknop shows as the decoded "Final SPA Data"). */
    public String wireWithoutHmac() {
        return hmac == null ? wire : wire.substring(0, wire.length() - hmac.length());
    }

    /**
     * Whether a fwknopd 2.6.10 can decrypt this packet: libfko treats Rijndael data whose prefixed base64 is
     * {@value #RIJNDAEL_DECODE_LIMIT} characters or longer as GnuPG (long server commands hit this).
     */
    public boolean withinFwknopdDecodeLimit() {
        return gpgKey != null || cipher.wirePrefix().length() + wireWithoutHmac().length() < RIJNDAEL_DECODE_LIMIT;
    }

    /**
     * Decrypts the packet again with the same keys, as {@code fwknop --test} does to prove it.
     *
     * @throws KnockException when it does not authenticate, decrypt or decode
     */
    public SpaMessage verify() throws KnockException {
        if (gpgKey != null) {
            return verifyGpg();
        }
        try {
            return SpaWire.openWithLegacy(wire, cipher, key, hmacKey);
        } catch (SpaException e) {
            throw new KnockException("the SPA packet does not decode: " + e);
        }
    }

    /**
     * GnuPG mode: decrypts with the client's own keys (the recipient's secret key is seldom there; fwknop then
     * fails with "No access to recipient private key?"); the signature is not evaluated.
     */
    private SpaMessage verifyGpg() throws KnockException {
        GpgKey own = GpgKey.builder().homeDir(gpgKey.homeDir()).requireSignature(false).build();
        try {
            String ct = SpaWire.authenticate(wire, gpgHeader, hmacKey);
            byte[] plain = cipher.decrypt(ct, own);
            return SpaMessageCodec.decode(new String(plain, java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (SpaException e) {
            if (e.reason() == RefusalReason.WRONG_RECIPIENT || e.reason() == RefusalReason.DECRYPTION_FAILED) {
                throw new KnockException("GPG ERR: " + e.getMessage() + "\nNo access to recipient private key?");
            }
            throw new KnockException("the SPA packet does not decode: " + e);
        }
    }

    /** fwknop's "SPA Field Values" dump of this packet (ends with a newline). */
    public String describe() {
        return withGpgLines(fieldDump(message, encryptionMode(), hmacType(), hmac, wire));
    }

    /** The dump of a decoded copy, as fwknop prints it after "Dump of the Decoded Data". */
    public String describeDecoded(SpaMessage decoded) {
        return withGpgLines(fieldDump(decoded, encryptionMode(), hmacType(), hmac, wireWithoutHmac()));
    }

    /** GnuPG mode: libfko's dump says GPG and lists the GnuPG settings after the encryption mode. */
    private String withGpgLines(String dump) {
        if (gpgKey == null) {
            return dump;
        }
        StringBuilder g = new StringBuilder();
        line(g, "GPG signer", gpgKey.signer() != null ? gpgKey.signer() : gpgKey.defaultSigner() ? "(default key)" : NULL);
        line(g, "GPG recipient", gpgKey.recipient());
        line(g, "GPG sig verify", "Yes");
        line(g, "GPG ignore sig", "No");
        line(g, "GPG sig ID", NULL);
        line(g, "GPG sig fpr", NULL);
        line(g, "GPG sig summary", "-1");
        line(g, "GPG sig status", "-1");
        line(g, "GPG home dir", String.valueOf(gpgKey.homeDir()));
        line(g, "GPG exe", "(none: OpenPGP in-process)");
        String mode = "Encryption Mode: " + modeCode(EncryptionMode.ASYMMETRIC) + " (Asymmetric)\n";
        return dump.replace("Encryption Type: 1 (Rijndael)\n", "Encryption Type: 2 (GPG)\n")
                .replace(mode, mode + g);
    }

    /**
     * fwknop's {@code dump_ctx_to_buffer} layout.
     *
     * @param hmacType  null when HMAC is off
     * @param hmac      null when HMAC is off
     * @param finalData the packet data shown last
     */
    public static String fieldDump(SpaMessage m, EncryptionMode mode, HmacType hmacType, String hmac,
            String finalData) {
        String encoded = SpaMessageCodec.encodeFields(m);
        StringBuilder sb = new StringBuilder(1024);
        sb.append("SPA Field Values:\n=================\n");
        line(sb, "Random Value", m.random());
        line(sb, "Username", m.username());
        line(sb, "Timestamp", Long.toString(m.timestamp()));
        line(sb, "FKO Version", m.version());
        line(sb, "Message Type", m.type().code() + " (" + typeName(m.type()) + ")");
        line(sb, "Message String", m.message());
        line(sb, "Nat Access", m.natAccess() == null ? NULL : m.natAccess());
        line(sb, "Server Auth", m.serverAuth() == null ? NULL : m.serverAuth());
        line(sb, "Client Timeout", Integer.toString(m.clientTimeout()));
        line(sb, "Digest Type", m.digestType().code() + " (" + m.digestType().name() + ")");
        line(sb, "HMAC Type", hmacType == null ? "0 (None)" : hmacType.code() + " (" + hmacType.name() + ")");
        line(sb, "Encryption Type", "1 (Rijndael)");
        line(sb, "Encryption Mode", modeCode(mode) + " (" + modeName(mode) + ")");
        line(sb, "Encoded Data", encoded);
        line(sb, "SPA Data Digest", SpaMessageCodec.digest(encoded, m.digestType()));
        line(sb, "HMAC", hmac == null ? NULL : hmac);
        line(sb, "Final SPA Data", finalData);
        return sb.toString();
    }

    /** libfko's text for a message type ({@code msg_type_inttostr}). */
    public static String typeName(MessageType t) {
        return switch (t) {
            case COMMAND -> "Command msg";
            case ACCESS -> "Access msg";
            case NAT_ACCESS -> "NAT access msg";
            case CLIENT_TIMEOUT_ACCESS -> "Client timeout access msg";
            case CLIENT_TIMEOUT_NAT_ACCESS -> "Client timeout NAT access msg";
            case LOCAL_NAT_ACCESS -> "Local NAT access msg";
            case CLIENT_TIMEOUT_LOCAL_NAT_ACCESS -> "Client timeout local NAT access msg";
        };
    }

    /** libfko's number for an encryption mode. */
    public static int modeCode(EncryptionMode m) {
        return switch (m) {
            case ECB -> 1;
            case CBC -> 2;
            case CFB -> 3;
            case OFB -> 5;
            case CTR -> 6;
            case ASYMMETRIC -> 7;
            case LEGACY -> 8;
        };
    }

    /** libfko's name for an encryption mode ({@code CBC}, ..., {@code Asymmetric}, {@code legacy}). */
    public static String modeName(EncryptionMode m) {
        return switch (m) {
            case ASYMMETRIC -> "Asymmetric";
            case LEGACY -> "legacy";
            default -> m.name();
        };
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(" ".repeat(15 - label.length())).append(label).append(": ").append(value).append('\n');
    }

    private static String username(KnockOptions o, String defaultUsername) {
        String spoof = o.spoofUser();
        return spoof != null && !spoof.isEmpty() ? spoof : defaultUsername;
    }

    private static String allowIp(KnockOptions o) throws KnockException {
        String ip = o.allowIp();
        if (ip == null || ip.isEmpty()) {
            if (o.resolveAllowIp()) {
                throw new KnockException("the external IP (-R, ALLOW_IP resolve) is not resolved yet:"
                        + " call ExternalIp.resolve first");
            }
            throw new KnockException("Must use one of [-s|-a] to specify IP for SPA access.");
        }
        if (MessageRules.checkAllowIp(ip) != null) {
            throw new KnockException("Invalid allow IP specified for SPA access: '" + ip + "'");
        }
        return ip;
    }

    /** The access list, with the port replaced by {@code --nat-port} (or the random NAT port) when one is given. */
    private static String accessList(KnockOptions o, int natPort) throws KnockException {
        String access = o.access();
        if (access == null || access.isEmpty()) {
            throw new KnockException("no access request: use -A/--access <proto/port> (for example -A tcp/22)"
                    + " or ACCESS in ~/.fwknoprc");
        }
        if (natPort > 0) {
            int slash = access.indexOf('/');
            if (slash < 0) {
                throw new KnockException("Expecting <proto>/<port> for -A arg.");
            }
            if (access.indexOf('/', slash + 1) >= 0) {
                throw new KnockException("NAT for multiple ports/protocols not yet supported.");
            }
            return access.substring(0, slash + 1) + natPort;
        }
        return access;
    }

    /** The nat_access field {@code host,port}, or null when no NAT is requested (fwknop's set_nat_access). */
    private static String natAccess(KnockOptions o) throws KnockException {
        if (!o.natLocal() && o.natAccess() == null) {
            return null;
        }
        String access = o.access();
        int slash = access.indexOf('/');
        if (slash < 0) {
            throw new KnockException("Expecting <proto>/<port> for -A arg.");
        }
        int end = slash + 1;
        while (end < access.length() && end - slash - 1 < 5 && Character.isDigit(access.charAt(end))) {
            end++;
        }
        int accessPort = end > slash + 1 ? Integer.parseInt(access.substring(slash + 1, end)) : 0;
        if (accessPort < 1 || accessPort > 65535) {
            throw new KnockException("Invalid port value '" + accessPort + "' for -A arg.");
        }
        if (o.natAccess() == null) {
            if (o.destination() == null || o.destination().isEmpty()) {
                throw new KnockException("--nat-local needs the SPA server (-D)");
            }
            return o.destination() + "," + accessPort;
        }
        String nat = o.natAccess().replaceFirst(":", ",");
        String host = nat;
        int port = accessPort;
        int comma = nat.indexOf(',');
        if (comma >= 0) {
            host = nat.substring(0, comma);
            String p = nat.substring(comma + 1);
            if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
                throw new KnockException("Invalid port value in -N arg.");
            }
            port = Integer.parseInt(p);
        }
        if (MessageRules.checkAllowIp(host) != null && !isValidHostname(host)) {
            throw new KnockException("Invalid NAT destination '" + host + "' for -N arg.");
        }
        return host + "," + port;
    }

    /** fwknop's is_valid_hostname: labels of letters, digits and '-', not starting or ending with '-' or '.'. */
    static boolean isValidHostname(String h) {
        if (h.isEmpty() || h.length() > 254) {
            return false;
        }
        int label = 0;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            boolean alnum = c < 0x80 && Character.isLetterOrDigit(c);
            if (label == 0 && !alnum) {
                return false;
            }
            if (!alnum && c != '.' && c != '-') {
                return false;
            }
            if (c == '.') {
                if (label > 63 || !(h.charAt(i - 1) < 0x80 && Character.isLetterOrDigit(h.charAt(i - 1)))) {
                    return false;
                }
                label = 0;
            } else {
                label++;
            }
        }
        char last = h.charAt(h.length() - 1);
        return last != '-' && label <= 63;
    }

    private static RijndaelKey rijndaelKey(KnockOptions o) throws KnockException {
        byte[] k = o.keyBytes();
        if (k == null) {
            throw new KnockException("no encryption key: use --key-rijndael, --key-base64-rijndael, or KEY/KEY_BASE64"
                    + " in ~/.fwknoprc");
        }
        if (o.encryptionMode() == EncryptionMode.LEGACY && k.length > 16) {
            k = Arrays.copyOf(k, 16);
        }
        if (k.length < 1 || k.length > 32) {
            throw new KnockException("invalid Rijndael key length " + k.length + ": it must be 1..32 bytes");
        }
        return new RijndaelKey(k, o.encryptionMode());
    }

    private static HmacKey hmacKey(KnockOptions o) throws KnockException {
        if (!o.useHmac()) {
            return null;
        }
        byte[] h = o.hmacKeyBytes();
        if (h == null) {
            throw new KnockException("HMAC is on (--use-hmac, USE_HMAC) but no HMAC key was given: use --key-hmac,"
                    + " --key-base64-hmac, or HMAC_KEY/HMAC_KEY_BASE64 in ~/.fwknoprc");
        }
        if (h.length < 1 || h.length > KnockOptions.MAX_KEY_BYTES) {
            throw new KnockException("invalid HMAC key length " + h.length + ": it must be 1.."
                    + KnockOptions.MAX_KEY_BYTES + " bytes");
        }
        if (Arrays.equals(h, o.keyBytes())) {
            throw new KnockException("The encryption passphrase and HMAC key should not be identical, no SPA packet"
                    + " sent.");
        }
        return new HmacKey(h, o.effectiveHmacType());
    }

    /** Never shows key material. */
    @Override
    public String toString() {
        return "Knock[" + message.type() + ", " + (gpgKey != null ? gpgKey : key) + (hmacKey != null ? ", " + hmacKey : "") + ", " + wire.length()
                + " chars]";
    }
}
