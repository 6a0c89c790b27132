package org.postern.fko;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;

/**
 * The plaintext rules of libfko 2.6.10 ({@code lib/fko_decode.c}, {@code fko_encode.c}, {@code fko_message.c}),
 * one test per quirk, named after it. Packets are built as plaintext with a valid digest so that each test
 * exercises exactly one rule.
 */
class CodecQuirksTest {

    private static final String R = "1234567890123456";
    /** "alice" */
    private static final String USER = "YWxpY2U";
    private static final String TS = "1700000000";
    /** "1.2.3.4,tcp/22" */
    private static final String MSG = b64("1.2.3.4,tcp/22");

    @Test
    void quirkDigestIsUnpaddedBase64OfTheHashOfTheJoinedFields() throws Exception {
        // fwknop-2.6.10.md section 1.5 (made with libfko 2.6.10, fixed random value and user)
        SpaMessage m = new SpaMessageBuilder().random("1234567890123456").username("alice").timestamp(1795860521L)
                .allowIp("1.2.3.4").access("tcp/22").natAccess("192.168.1.5,22").clientTimeout(45).build();
        assertEquals("1234567890123456:YWxpY2U:1795860521:3.0.0:4:MS4yLjMuNCx0Y3AvMjI:MTkyLjE2OC4xLjUsMjI:45",
                SpaMessageCodec.encodeFields(m));
        assertEquals("1234567890123456:YWxpY2U:1795860521:3.0.0:4:MS4yLjMuNCx0Y3AvMjI:MTkyLjE2OC4xLjUsMjI:45"
                + ":5ig7jmkLp8UasjNHqM2L/iJFSDviS3HYcu2oW1RD6gI", SpaMessageCodec.encode(m));
        assertEquals(m, SpaMessageCodec.decode(SpaMessageCodec.encode(m)));
    }

    @Test
    void quirkDigestTypeIsInferredFromItsLengthWithSha3TriedAfterSha2For43And86() throws Exception {
        String fields = f("1", MSG);
        for (DigestType t : DigestType.values()) {
            SpaMessage m = SpaMessageCodec.decode(fields + ":" + SpaMessageCodec.digest(fields, t));
            assertEquals(t, m.digestType(), t.name());
            assertEquals(t.base64Length(), SpaMessageCodec.digest(fields, t).length());
        }
        // a length that is no digest's
        String sha1 = SpaMessageCodec.digest(fields, DigestType.SHA1);
        assertRefused(RefusalReason.DIGEST_MISMATCH, fields + ":" + sha1 + "A");
        // a SHA3-256 digest of other data is tried as SHA-256 and SHA3-256 and refused
        assertRefused(RefusalReason.DIGEST_MISMATCH, fields + ":" + SpaMessageCodec.digest(fields + "x", DigestType.SHA3_256));
    }

    @Test
    void quirkPlaintextLengthIs36To1499PrintableCharacters() {
        assertRefused(RefusalReason.MALFORMED, "1234567890123456:a:1:2:1:b:cccccccc");
        assertRefused(RefusalReason.MALFORMED, plain(f("1", MSG)).replace("YWxpY2U", "YWxp\tY2U"));
        assertRefused(RefusalReason.MALFORMED, plain(f("1", MSG)) + "\n");
        assertRefused(RefusalReason.MALFORMED, plain(f("1", MSG)) + "x".repeat(1500));
    }

    @Test
    void quirkAtLeastSixColonsOverall() {
        assertRefused(RefusalReason.MALFORMED, "1234567890123456:YWxpY2U:1700000000:3.0.0:1" + "x".repeat(30));
    }

    @Test
    void quirkFieldCountLimitsPerMessageType() throws Exception {
        String nat = b64("10.0.0.2,22");
        String auth = b64("crypt,pw");
        // types 0 and 1: message and an optional server_auth (2 separators from the type field on)
        assertEquals("crypt,pw", decode(f("1", MSG, auth)).serverAuth());
        assertRefused(RefusalReason.MALFORMED, plain(f("1", MSG, auth, auth)));
        assertEquals("crypt,pw", decode(f("0", b64("1.2.3.4,ls"), auth)).serverAuth());
        assertRefused(RefusalReason.MALFORMED, plain(f("0", b64("1.2.3.4,ls"), auth, auth)));
        // types 2, 3 and 5: one more (nat or timeout)
        assertEquals("crypt,pw", decode(f("2", MSG, nat, auth)).serverAuth());
        assertRefused(RefusalReason.MALFORMED, plain(f("2", MSG, nat, auth, auth)));
        assertEquals("crypt,pw", decode(f("5", MSG, nat, auth)).serverAuth());
        assertRefused(RefusalReason.MALFORMED, plain(f("5", MSG, nat, auth, auth)));
        assertEquals(30, decode(f("3", MSG, auth, "30")).clientTimeout());
        assertRefused(RefusalReason.MALFORMED, plain(f("3", MSG, auth, auth, "30")));
        // types 4 and 6: nat and timeout
        assertEquals(30, decode(f("4", MSG, nat, auth, "30")).clientTimeout());
        assertRefused(RefusalReason.MALFORMED, plain(f("4", MSG, nat, auth, auth, "30")));
        assertEquals(30, decode(f("6", MSG, nat, auth, "30")).clientTimeout());
        assertRefused(RefusalReason.MALFORMED, plain(f("6", MSG, nat, auth, auth, "30")));
    }

    @Test
    void quirkServerAuthBeforeTimeoutIsTheTextBeforeTheLastColon() throws Exception {
        SpaMessage m = decode(f("3", MSG, b64("crypt,pw"), "45"));
        assertEquals("crypt,pw", m.serverAuth());
        assertEquals(45, m.clientTimeout());
        SpaMessage plainTimeout = decode(f("3", MSG, "45"));
        assertNull(plainTimeout.serverAuth());
        // an empty server_auth before the timeout is carried as an empty string, as libfko does
        assertEquals("", decode(f("3", MSG, "", "45")).serverAuth());
        // server_auth is never validated, only bounded by 256 base64 characters (not 64)
        assertEquals("x".repeat(192), decode(f("1", MSG, b64("x".repeat(192)))).serverAuth());
        assertRefused(RefusalReason.BAD_SERVER_AUTH, plain(f("1", MSG, "QUFB".repeat(64) + "QQ")));
        // an empty trailing field after the message of types 0..2/5 is no server_auth
        assertNull(decode(f("1", MSG, "")).serverAuth());
        assertRefused(RefusalReason.BAD_SERVER_AUTH, plain(f("1", MSG, "!!")));
    }

    @Test
    void quirkClientTimeoutIs0To65536DigitsOnDecode() throws Exception {
        assertEquals(0, decode(f("3", MSG, "0")).clientTimeout());
        assertEquals(65536, decode(f("3", MSG, "65536")).clientTimeout());
        assertEquals(45, decode(f("3", MSG, "0000000045")).clientTimeout());
        assertRefused(RefusalReason.BAD_CLIENT_TIMEOUT, plain(f("3", MSG, "65537")));
        assertRefused(RefusalReason.BAD_CLIENT_TIMEOUT, plain(f("3", MSG, "+45")));
        assertRefused(RefusalReason.BAD_CLIENT_TIMEOUT, plain(f("3", MSG, "4x")));
        assertRefused(RefusalReason.BAD_CLIENT_TIMEOUT, plain(f("3", MSG)));
        assertRefused(RefusalReason.BAD_CLIENT_TIMEOUT, plain(f("4", MSG, b64("10.0.0.2,22"))));
        // strtol into an int: 2^32 + 1 wraps to 1 (libfko's quirk), 2^64 overflows (ERANGE)
        assertEquals(1, decode(f("3", MSG, "4294967297")).clientTimeout());
        assertRefused(RefusalReason.BAD_CLIENT_TIMEOUT, plain(f("3", MSG, "18446744073709551617")));
    }

    @Test
    void quirkClientTimeoutIsOnlySentForTypes346AndZeroDemotesTheType() {
        SpaMessageBuilder b = new SpaMessageBuilder().random(R).allowIp("1.2.3.4").access("tcp/22");
        assertEquals(MessageType.ACCESS, b.clientTimeout(0).build().type());
        assertEquals(MessageType.CLIENT_TIMEOUT_ACCESS, b.clientTimeout(30).build().type());
        assertEquals(MessageType.CLIENT_TIMEOUT_LOCAL_NAT_ACCESS,
                new SpaMessageBuilder().allowIp("1.2.3.4").access("tcp/22").localNat("10.0.0.1,22").clientTimeout(9)
                        .build().type());
        SpaMessage cmd = new SpaMessageBuilder().random(R).allowIp("1.2.3.4").command("ls").clientTimeout(30).build();
        assertEquals(MessageType.COMMAND, cmd.type());
        assertEquals(0, cmd.clientTimeout());
        assertEquals(6, SpaMessageCodec.encodeFields(cmd).split(":").length);
    }

    @Test
    void quirkClientMayAskForUpTo131072SecondsButTheDecoderStopsAt65536() throws Exception {
        SpaMessage m = new SpaMessageBuilder().random(R).allowIp("1.2.3.4").access("tcp/22").clientTimeout(131072).build();
        assertEquals(131072, m.clientTimeout());
        assertRefused(RefusalReason.BAD_CLIENT_TIMEOUT, SpaMessageCodec.encode(m));
        assertThrows(IllegalArgumentException.class,
                () -> new SpaMessageBuilder().allowIp("1.2.3.4").access("tcp/22").clientTimeout(131073).build());
    }

    @Test
    void quirkKeyGenPrintsPaddedBase64AndNeedsAnHmacKeyLengthForSha3() {
        String[] lines = KeyGen.generate(KeyGen.DEFAULT_KEY_LENGTH, 0, HmacType.SHA256).split("\n");
        assertEquals(2, lines.length);
        assertEquals(12 + 44, lines[0].length());
        assertEquals(17 + 88, lines[1].length());
        assertEquals('=', lines[0].charAt(lines[0].length() - 1));
        assertEquals(64, java.util.Base64.getDecoder().decode(lines[1].substring(17)).length);
        assertEquals(16, java.util.Base64.getDecoder().decode(
                KeyGen.generate(32, 0, HmacType.MD5).split("\n")[1].substring(17)).length);
        assertThrows(IllegalArgumentException.class, () -> KeyGen.generate(32, 0, HmacType.SHA3_256));
        assertEquals(48, java.util.Base64.getDecoder().decode(
                KeyGen.generate(32, 48, HmacType.SHA3_512).split("\n")[1].substring(17)).length);
    }

    @Test
    void quirkDigestAndHmacNamesAreFwknopsCaseInsensitive() {
        assertEquals(DigestType.SHA3_256, DigestType.parse("sha3_256"));
        assertEquals(DigestType.SHA384, DigestType.parse("SHA384"));
        assertEquals(HmacType.SHA3_512, HmacType.parse("Sha3_512"));
        assertEquals(HmacType.MD5, HmacType.parse("md5"));
        assertThrows(IllegalArgumentException.class, () -> HmacType.parse("sha224"));
        for (DigestType t : DigestType.values()) {
            assertEquals(t.ordinal() + 1, t.code());
        }
        for (HmacType t : HmacType.values()) {
            assertEquals(t.ordinal() + 1, t.code());
        }
    }

    @Test
    void quirkRandomValueOfMoreThan16CharactersIsCutTo16() throws Exception {
        SpaMessage m = decode("12345678901234567890:" + USER + ":" + TS + ":3.0.0:1:" + MSG);
        assertEquals("1234567890123456", m.random());
        assertRefused(RefusalReason.BAD_RANDOM, plain("123456789012345:" + USER + ":" + TS + ":3.0.0:1:" + MSG));
    }

    @Test
    void quirkUsernameCharacterRules() throws Exception {
        for (String ok : new String[] {"a", "john.doe", "x-y_z", "me@host", "two words", "!$%&'()#~^`{}", "u0_a52"}) {
            assertEquals(ok, decode(R + ":" + b64(ok) + ":" + TS + ":3.0.0:1:" + MSG).username(), ok);
            assertNull(MessageRules.checkUsername(ok), ok);
        }
        for (char bad : "\"/\\[]:;|=,+*?<>\u007f\u00e9".toCharArray()) {
            String name = "ab" + bad;
            assertRefused(RefusalReason.BAD_USERNAME, plain(R + ":" + b64(name) + ":" + TS + ":3.0.0:1:" + MSG));
            assertThrows(IllegalArgumentException.class,
                    () -> new SpaMessageBuilder().username(name).allowIp("1.2.3.4").access("tcp/22").build());
        }
        // the client may send up to 63 characters; the decoder takes at most 64 base64 characters (48 bytes)
        assertNull(MessageRules.checkUsername("u".repeat(63)));
        assertEquals("u".repeat(48), decode(R + ":" + b64("u".repeat(48)) + ":" + TS + ":3.0.0:1:" + MSG).username());
        assertRefused(RefusalReason.BAD_USERNAME, plain(R + ":" + b64("u".repeat(49)) + ":" + TS + ":3.0.0:1:" + MSG));
        assertRefused(RefusalReason.BAD_USERNAME, plain(R + "::" + TS + ":3.0.0:1:" + MSG));
        assertRefused(RefusalReason.BAD_USERNAME, plain(R + ":A:" + TS + ":3.0.0:1:" + MSG));
    }

    @Test
    void quirkTimestampIsReadLikeStrtolIntoASignedInt() throws Exception {
        assertEquals(2147483647L, decode(R + ":" + USER + ":2147483647:3.0.0:1:" + MSG).timestamp());
        // Y2038: 2147483648 comes out negative and is refused
        assertRefused(RefusalReason.BAD_TIMESTAMP, plain(R + ":" + USER + ":2147483648:3.0.0:1:" + MSG));
        // 12 characters at most
        assertRefused(RefusalReason.BAD_TIMESTAMP, plain(R + ":" + USER + ":0001700000000:3.0.0:1:" + MSG));
        // strtol: a sign, and digits up to the first non-digit; 2^32 + 5 wraps to 5
        assertEquals(1700000000L, decode(R + ":" + USER + ":+1700000000:3.0.0:1:" + MSG).timestamp());
        assertEquals(1700000000L, decode(R + ":" + USER + ":1700000000xy:3.0.0:1:" + MSG).timestamp());
        assertEquals(5L, decode(R + ":" + USER + ":4294967301:3.0.0:1:" + MSG).timestamp());
        assertRefused(RefusalReason.BAD_TIMESTAMP, plain(R + ":" + USER + ":-1:3.0.0:1:" + MSG));
    }

    @Test
    void quirkVersionIsCarriedUnvalidatedUpTo8Characters() throws Exception {
        for (String v : new String[] {"1.9.12", "2.0", "2.0.2", "2.5.0", "3.0.0", "whatever"}) {
            assertEquals(v, decode(R + ":" + USER + ":" + TS + ":" + v + ":1:" + MSG).version());
        }
        assertRefused(RefusalReason.BAD_VERSION, plain(R + ":" + USER + ":" + TS + ":123456789:1:" + MSG));
    }

    @Test
    void quirkMessageTypeIs0To6ReadLikeStrtol() throws Exception {
        assertEquals(MessageType.ACCESS, decode(f("01", MSG)).type());
        assertEquals(MessageType.ACCESS, decode(f("+1", MSG)).type());
        assertRefused(RefusalReason.BAD_MESSAGE_TYPE, plain(f("7", MSG)));
        assertRefused(RefusalReason.BAD_MESSAGE_TYPE, plain(f("-1", MSG)));
        assertRefused(RefusalReason.BAD_MESSAGE_TYPE, plain(f("001", MSG)));
    }

    @Test
    void quirkBase64IsWrittenUnpaddedAndReadLeniently() throws Exception {
        // padded (Perl 1.9.x) and unpadded fields read the same; reading stops at the first '='
        assertEquals("alice", decode(R + ":YWxpY2U=:" + TS + ":3.0.0:1:" + MSG).username());
        assertEquals("alice", decode(R + ":YWxpY2U=garbage:" + TS + ":3.0.0:1:" + MSG).username());
        // a dangling single character (six bits) is dropped: "Ym9i" is "bob"
        assertEquals("bob", decode(R + ":Ym9iQ:" + TS + ":3.0.0:1:" + MSG).username());
        assertRefused(RefusalReason.BAD_USERNAME, plain(R + ":YWxp-Y2U:" + TS + ":3.0.0:1:" + MSG));
        assertEquals("YWxpY2U", SpaBase64.encode("alice"));
    }

    @Test
    void quirkDecodedFieldsEndAtTheirFirstNulByte() throws Exception {
        SpaMessage m = decode(R + ":" + SpaBase64.encode("bob\0junk/".getBytes()) + ":" + TS + ":3.0.0:1:"
                + SpaBase64.encode("1.2.3.4,tcp/22\0??".getBytes()));
        assertEquals("bob", m.username());
        assertEquals("1.2.3.4,tcp/22", m.message());
    }

    @Test
    void quirkAllowIpRules() throws Exception {
        for (String ok : new String[] {"0.0.0.0", "1.2.3.4", "255.255.255.255", "010.0.0.1", "0377.0.0.00"}) {
            assertNull(MessageRules.checkAllowIp(ok), ok);
            assertEquals(ok + ",tcp/22", decode(f("1", b64(ok + ",tcp/22"))).message());
        }
        // inet_aton: a leading zero means octal, so 010 is 8 (and 09 is no number)
        assertEquals("8.0.0.1", decode(f("1", b64("010.0.0.1,tcp/22"))).allowAddress().getHostAddress());
        for (String bad : new String[] {"1.2.3", "1.2.3.4.5", "1.2.3.256", "09.0.0.1", "1..2.3", ".1.2.3", "1.2.3.",
                "1.2.3.4a", "1.2.3.0400", " 1.2.3.4", "1.2.3.-4", "host.example", "1234.5.6.7890"}) {
            assertRefused(RefusalReason.BAD_MESSAGE, plain(f("1", b64(bad + ",tcp/22"))));
            assertThrows(IllegalArgumentException.class,
                    () -> new SpaMessageBuilder().allowIp(bad).access("tcp/22").build(), bad);
        }
    }

    @Test
    void quirkProtoPortRules() throws Exception {
        assertEquals("1.2.3.4,tcp/22,udp/53,tcp/65535,udp/1",
                decode(f("1", b64("1.2.3.4,tcp/22,udp/53,tcp/65535,udp/1"))).message());
        assertEquals("1.2.3.4,tcp/00022", decode(f("1", b64("1.2.3.4,tcp/00022"))).message());
        for (String bad : new String[] {"icmp/0", "none/0", "TCP/22", "tcp/0", "tcp/65536", "tcp/123456", "tcp/",
                "tcp/22,", "tcp/22,,udp/53", "sctp/22", "tcp/2x", "tcpx/22", "tcp"}) {
            assertRefused(RefusalReason.BAD_MESSAGE, plain(f("1", b64("1.2.3.4," + bad))));
            assertThrows(IllegalArgumentException.class,
                    () -> new SpaMessageBuilder().allowIp("1.2.3.4").access(bad).build(), bad);
        }
        assertRefused(RefusalReason.BAD_MESSAGE, plain(f("1", b64("1.2.3.4"))));
        assertRefused(RefusalReason.BAD_MESSAGE, plain(f("1", b64("1.2.3.4,"))));
    }

    @Test
    void quirkCommandMessageRules() throws Exception {
        assertEquals("1.2.3.4,echo a:b,c", decode(f("0", b64("1.2.3.4,echo a:b,c"))).message());
        assertRefused(RefusalReason.BAD_MESSAGE, plain(f("0", b64("1.2.3.4,"))));
        assertRefused(RefusalReason.BAD_MESSAGE, plain(f("0", b64("1.2.3.4"))));
        assertRefused(RefusalReason.BAD_MESSAGE, plain(f("0", b64("nohost,ls"))));
        // fko_set_spa_message: the whole message must be shorter than 256 characters
        new SpaMessageBuilder().allowIp("1.2.3.4").command("x".repeat(255 - 8)).build();
        assertThrows(IllegalArgumentException.class,
                () -> new SpaMessageBuilder().allowIp("1.2.3.4").command("x".repeat(256 - 8)).build());
    }

    @Test
    void quirkMessagesOf193To255BytesEncodeButDoNotDecode() throws Exception {
        // the decoder takes at most 256 base64 characters (192 bytes); libfko lets a client set up to 255
        String cmd192 = "x".repeat(192 - 8);
        assertEquals("1.2.3.4," + cmd192, decode(f("0", b64("1.2.3.4," + cmd192))).message());
        SpaMessage m = new SpaMessageBuilder().random(R).allowIp("1.2.3.4").command("x".repeat(193 - 8)).build();
        assertRefused(RefusalReason.BAD_MESSAGE, SpaMessageCodec.encode(m));
    }

    @Test
    void quirkNatFieldRules() throws Exception {
        for (String ok : new String[] {"192.168.1.5,22", "internal-host.example.com,2222", "a,1", "host.,65535",
                "1.2.3.400,22", "h".repeat(63) + ",80"}) {
            assertEquals(ok, decode(f("2", MSG, b64(ok))).natAccess(), ok);
        }
        for (String bad : new String[] {"bad%host,22", "host,0", "host,65536", "host,", "host", ",22",
                "a,b,22", "host name,22", "host/x,22", "ho?st,22", "ho\"st,22", "ho'st,22", "ho\\st,22",
                "-host,22", "host-,22", "a..b,22", "a-.b,22", "h".repeat(64) + ",22", "h.".repeat(36) + ",22",
                "host,2x"}) {
            assertRefused(RefusalReason.BAD_NAT_ACCESS, plain(f("2", MSG, b64(bad))));
            assertThrows(IllegalArgumentException.class,
                    () -> new SpaMessageBuilder().allowIp("1.2.3.4").access("tcp/22").natAccess(bad).build(), bad);
        }
        // a NAT type without its nat_access field
        assertRefused(RefusalReason.BAD_NAT_ACCESS, plain(f("2", MSG)));
        assertRefused(RefusalReason.BAD_NAT_ACCESS, plain(f("5", MSG)));
        // the field is only read for the NAT types
        assertNull(decode(f("3", MSG, "30")).natAccess());
    }

    @Test
    void quirkPromotionOfTheMessageTypeFollowsLibfko() {
        SpaMessageBuilder b = new SpaMessageBuilder().allowIp("1.2.3.4").access("tcp/22");
        assertEquals(MessageType.ACCESS, b.build().type());
        assertEquals(MessageType.CLIENT_TIMEOUT_ACCESS, b.clientTimeout(30).build().type());
        assertEquals(MessageType.CLIENT_TIMEOUT_NAT_ACCESS, b.natAccess("10.0.0.2,22").build().type());
        assertEquals(MessageType.NAT_ACCESS, b.clientTimeout(0).build().type());
    }

    // ----------------------------------------------------------------------------------------------------

    private static SpaMessage decode(String fields) throws SpaException {
        return SpaMessageCodec.decode(plain(fields));
    }

    private static String plain(String fields) {
        return fields + ":" + SpaMessageCodec.digest(fields, DigestType.SHA256);
    }

    /** The fixed leading fields, then the type and the rest joined by ':'. */
    private static String f(String type, String... rest) {
        return R + ":" + USER + ":" + TS + ":3.0.0:" + type + (rest.length == 0 ? "" : ":" + String.join(":", rest));
    }

    static String b64(String s) {
        return SpaBase64.encode(s);
    }

    private static void assertRefused(RefusalReason reason, String plaintext) {
        SpaException e = assertThrows(SpaException.class, () -> SpaMessageCodec.decode(plaintext), plaintext);
        assertEquals(reason, e.reason(), () -> plaintext + " -> " + e);
    }
}
