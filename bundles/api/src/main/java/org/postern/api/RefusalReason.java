package org.postern.api;

/**
 * Every reason a packet can be refused for, each tied to the pipeline step that decides it. Logs,
 * counters and alerts use these names.
 */
public enum RefusalReason {
    // 1. pre-checks: cheap, before any cryptography
    TOO_SHORT(Step.PRE_CHECK, "payload shorter than 140 bytes"),
    TOO_LONG(Step.PRE_CHECK, "payload longer than 1500 bytes"),
    PREFIX_PRESENT(Step.PRE_CHECK, "payload carries a cipher prefix (replay evasion)"),
    NOT_BASE64(Step.PRE_CHECK, "payload has characters outside base64"),
    NO_STANZA_FOR_SOURCE(Step.PRE_CHECK, "no access stanza matches the source address"),
    // 2. replay cache
    REPLAY(Step.REPLAY, "packet seen before"),
    REPLAY_CACHE_UNAVAILABLE(Step.REPLAY, "replay cache could not record the digest"),
    CLUSTER_UNCONFIRMED(Step.REPLAY, "the cluster could not confirm the digest is new (partition policy closed)"),
    // 3. stanza trial (authentication and decoding)
    HMAC_MISMATCH(Step.STANZA_TRIAL, "HMAC does not verify"),
    HMAC_MISSING(Step.STANZA_TRIAL, "packet too short to carry the stanza's HMAC"),
    DECRYPTION_FAILED(Step.STANZA_TRIAL, "decryption failed"),
    CIPHER_UNAVAILABLE(Step.STANZA_TRIAL, "no cipher for the stanza's encryption type"),
    MALFORMED(Step.STANZA_TRIAL, "decrypted data is not an SPA message"),
    BAD_RANDOM(Step.STANZA_TRIAL, "random value field is not 16 digits"),
    BAD_USERNAME(Step.STANZA_TRIAL, "username field invalid"),
    BAD_TIMESTAMP(Step.STANZA_TRIAL, "timestamp field invalid"),
    BAD_VERSION(Step.STANZA_TRIAL, "version field invalid"),
    BAD_MESSAGE_TYPE(Step.STANZA_TRIAL, "message type invalid"),
    BAD_MESSAGE(Step.STANZA_TRIAL, "access or command message invalid"),
    BAD_NAT_ACCESS(Step.STANZA_TRIAL, "NAT access field invalid"),
    BAD_SERVER_AUTH(Step.STANZA_TRIAL, "server auth field invalid"),
    BAD_CLIENT_TIMEOUT(Step.STANZA_TRIAL, "client timeout field invalid"),
    DIGEST_MISMATCH(Step.STANZA_TRIAL, "message digest does not match"),
    WRONG_RECIPIENT(Step.STANZA_TRIAL, "GnuPG data is not encrypted to a key of the stanza"),
    NO_STANZA_MATCHED(Step.STANZA_TRIAL, "no stanza's keys opened the packet"),
    // 4. policy
    STANZA_EXPIRED(Step.POLICY, "access stanza has expired"),
    TIMESTAMP_OUT_OF_RANGE(Step.POLICY, "packet timestamp outside the allowed age"),
    BAD_ALLOW_IP(Step.POLICY, "invalid allow address in the message"),
    SOURCE_ADDRESS_REQUIRED(Step.POLICY, "0.0.0.0 allow address but the stanza requires a source address"),
    USERNAME_MISMATCH(Step.POLICY, "username does not match REQUIRE_USERNAME"),
    PORT_NOT_PERMITTED(Step.POLICY, "requested proto/port not permitted by OPEN_PORTS/RESTRICT_PORTS"),
    COMMAND_NOT_ALLOWED(Step.POLICY, "command messages are not allowed"),
    NAT_NOT_ALLOWED(Step.POLICY, "NAT access is not enabled"),
    NAT_TARGET_INVALID(Step.POLICY, "NAT target is not an IPv4 address or resolvable host name, or the allow address is not IPv4"),
    UNSUPPORTED_MESSAGE(Step.POLICY, "message type not supported by this server"),
    COMMAND_REGEX_MISMATCH(Step.POLICY, "command does not match the stanza's CMD_REGEX"),
    COMMAND_NOT_SPLITTABLE(Step.POLICY, "command cannot be split into words safely without a shell"),
    SIGNATURE_MISSING(Step.POLICY, "GnuPG data is not signed but the stanza requires a signature"),
    SIGNATURE_INVALID(Step.POLICY, "GnuPG signature does not verify or its key is not valid"),
    SIGNER_NOT_ALLOWED(Step.POLICY, "GnuPG signer not in GPG_REMOTE_ID / GPG_FINGERPRINT_ID"),
    // knock sequences (fwknop 1.9 knock mode)
    KNOCK_OUT_OF_ORDER(Step.STANZA_TRIAL, "knock does not continue the shared sequence"),
    KNOCK_TOO_FAST(Step.STANZA_TRIAL, "knock came no later than MIN_TIME_DIFF after the previous one"),
    KNOCK_TOO_SLOW(Step.STANZA_TRIAL, "knock came MAX_TIME_DIFF or later after the previous one"),
    KNOCK_EXPIRED(Step.STANZA_TRIAL, "partial sequence older than KNOCK_INTERVAL was dropped"),
    KNOCK_BAD_CHECKSUM(Step.STANZA_TRIAL, "encrypted sequence does not decrypt to a valid message (wrong key?)"),
    KNOCK_LIMIT(Step.POLICY, "KNOCK_LIMIT grants already given to this source"),
    OS_NOT_ALLOWED(Step.POLICY, "passive OS fingerprint does not match REQUIRE_OS / REQUIRE_OS_REGEX"),
    // 5. action
    FIREWALL_FAILED(Step.ACTION, "the firewall backend could not apply the grant"),
    NO_FIREWALL(Step.ACTION, "no firewall backend is available"),
    COMMAND_FAILED(Step.ACTION, "the command could not run, timed out or exited non-zero");

    /** The pipeline step that decides a refusal. */
    public enum Step { PRE_CHECK, REPLAY, STANZA_TRIAL, POLICY, ACTION }

    private final Step step;
    private final String description;

    RefusalReason(Step step, String description) {
        this.step = step;
        this.description = description;
    }

    public Step step() {
        return step;
    }

    public String description() {
        return description;
    }
}
