package org.postern.server;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Factory PID {@code org.postern.stanza} ({@code etc/org.postern.stanza-<name>.cfg}): one access stanza, with
 * access.conf's keywords in camelCase ({@code OPEN_PORTS} is {@code openPorts}). Values are written as in
 * access.conf and validated by the same rules. Only the keys present are applied: an absent key has fwknop's
 * default, shown here as each attribute's default. The keywords themselves ({@code OPEN_PORTS}) are accepted too.
 */
@ObjectClassDefinition(name = "Postern access stanza",
        description = "An access stanza of its own (access.conf syntax for each value), tried after access.conf's "
                + "stanzas, in the order of the names")
@interface StanzaConfig {

    @AttributeDefinition(name = "Name", description = "The stanza's name in logs and spa:stanzas; empty: the "
            + "configuration's name (web for etc/org.postern.stanza-web.cfg)")
    String name() default "";

    @AttributeDefinition(name = "Description", description = "Free text for the operator; not used")
    String description() default "";

    @AttributeDefinition(name = "SOURCE", description = "Source addresses or networks served: ANY, or a comma list "
            + "of addresses and networks (192.0.2.0/24); absent: ANY (the key still decides)")
    String source() default "ANY";

    @AttributeDefinition(name = "DESTINATION", description = "Destination addresses served; empty: any")
    String destination() default "";

    @AttributeDefinition(name = "KEY", description = "Rijndael key (text); KEY or KEY_BASE64 or GnuPG is required",
            type = AttributeType.PASSWORD)
    String key() default "";

    @AttributeDefinition(name = "KEY_BASE64", description = "Rijndael key, base64", type = AttributeType.PASSWORD)
    String keyBase64() default "";

    @AttributeDefinition(name = "HMAC_KEY", description = "HMAC key (text); empty: no HMAC",
            type = AttributeType.PASSWORD)
    String hmacKey() default "";

    @AttributeDefinition(name = "HMAC_KEY_BASE64", description = "HMAC key, base64", type = AttributeType.PASSWORD)
    String hmacKeyBase64() default "";

    @AttributeDefinition(name = "HMAC_DIGEST_TYPE", description = "md5, sha1, sha256, sha384 or sha512")
    String hmacDigestType() default "sha256";

    @AttributeDefinition(name = "ENCRYPTION_MODE", description = "cbc, ctr, legacy, ... (fwknop's modes)")
    String encryptionMode() default "cbc";

    @AttributeDefinition(name = "OPEN_PORTS", description = "proto/port list the stanza may open (tcp/22, udp/53); "
            + "empty: any the client asks for")
    String openPorts() default "";

    @AttributeDefinition(name = "RESTRICT_PORTS", description = "proto/port list never opened")
    String restrictPorts() default "";

    @AttributeDefinition(name = "FW_ACCESS_TIMEOUT", description = "Seconds a grant stays open when the client "
            + "asks for no timeout")
    String fwAccessTimeout() default "30";

    @AttributeDefinition(name = "MAX_FW_TIMEOUT", description = "Upper bound of a client's timeout, seconds")
    String maxFwTimeout() default "300";

    @AttributeDefinition(name = "REQUIRE_SOURCE_ADDRESS", description = "Y: refuse allow address 0.0.0.0")
    String requireSourceAddress() default "N";

    @AttributeDefinition(name = "REQUIRE_USERNAME", description = "The SPA username required; empty: any")
    String requireUsername() default "";

    @AttributeDefinition(name = "ACCESS_EXPIRE", description = "MM/DD/YYYY after which the stanza refuses")
    String accessExpire() default "";

    @AttributeDefinition(name = "ACCESS_EXPIRE_EPOCH", description = "Epoch seconds after which the stanza refuses")
    String accessExpireEpoch() default "";

    @AttributeDefinition(name = "ENABLE_CMD_EXEC", description = "Y: command messages may run (see CMD_REGEX)")
    String enableCmdExec() default "N";

    @AttributeDefinition(name = "CMD_REGEX", description = "Java regular expression a whole command must match")
    String cmdRegex() default "";

    @AttributeDefinition(name = "CMD_EXEC_USER", description = "User that runs commands; empty: root")
    String cmdExecUser() default "";

    @AttributeDefinition(name = "CMD_EXEC_GROUP", description = "Group that runs commands; empty: the user's")
    String cmdExecGroup() default "";

    @AttributeDefinition(name = "GPG_DECRYPT_ID", description = "GnuPG key that decrypts; empty: any of the home")
    String gpgDecryptId() default "";

    @AttributeDefinition(name = "GPG_DECRYPT_PW", description = "Passphrase of that key",
            type = AttributeType.PASSWORD)
    String gpgDecryptPw() default "";

    @AttributeDefinition(name = "GPG_ALLOW_NO_PW", description = "Y: the GnuPG key has no passphrase")
    String gpgAllowNoPw() default "N";

    @AttributeDefinition(name = "GPG_HOME_DIR", description = "GnuPG home; empty: fwknopd.conf's GPG_HOME_DIR")
    String gpgHomeDir() default "";

    @AttributeDefinition(name = "GPG_REMOTE_ID", description = "Allowed signers, comma list of short key IDs")
    String gpgRemoteId() default "";

    @AttributeDefinition(name = "GPG_FINGERPRINT_ID", description = "Allowed signers, comma list of fingerprints")
    String gpgFingerprintId() default "";
}
