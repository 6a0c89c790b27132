package org.postern.fko;

import java.util.Arrays;
import java.util.Objects;

import javax.crypto.Mac;

/** An HMAC key ({@code HMAC_KEY} raw bytes or decoded {@code HMAC_KEY_BASE64}) and its algorithm. */
public final class HmacKey {

    private final byte[] key;
    private final HmacType type;
    /** This key's Mac per thread, keyed on first use (see {@link #macBase64(byte[], byte[], int, int)}). */
    private final ThreadLocal<Mac> keyed = new ThreadLocal<>();

    public HmacKey(byte[] key, HmacType type) {
        Objects.requireNonNull(key, "key");
        if (key.length == 0) {
            throw new IllegalArgumentException("empty HMAC key");
        }
        this.key = key.clone();
        this.type = Objects.requireNonNull(type, "type");
    }

    public HmacType type() {
        return type;
    }

    /** The MAC of {@code data}, as unpadded base64. */
    public String macBase64(byte[] data) {
        return SpaBase64.encode(type.mac(key, data));
    }

    /**
     * The MAC of {@code prefix} then {@code len} bytes of {@code data}, as unpadded base64 bytes. Uses this key's
     * own Mac of the calling thread, keyed once: {@code doFinal} returns it to the keyed state, so a packet costs
     * no key set-up (with 1,000 stanzas a packet is checked against 1,000 keys). A JDK object only, so a parked
     * thread pins nothing of this bundle.
     */
    byte[] macBase64(byte[] prefix, byte[] data, int off, int len) {
        Mac m = keyed.get();
        if (m == null) {
            m = type.keyedMac(key);
            if (m == null) {
                return SpaBase64.encodeToBytes(type.mac(key, prefix, data, off, len));
            }
            keyed.set(m);
        }
        if (prefix != null) {
            m.update(prefix);
        }
        m.update(data, off, len);
        return SpaBase64.encodeToBytes(m.doFinal());
    }

    /** Whether this key's bytes equal {@code other} (fwknop refuses an HMAC key equal to the cipher key). */
    public boolean sameBytes(byte[] other) {
        return Arrays.equals(key, other);
    }

    /** The key length in bytes. */
    public int length() {
        return key.length;
    }

    /** A copy of the key bytes. */
    public byte[] bytes() {
        return key.clone();
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "HmacKey[" + key.length + " bytes, " + type + "]";
    }
}
