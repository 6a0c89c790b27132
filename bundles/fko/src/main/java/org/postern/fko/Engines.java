package org.postern.fko;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;

/**
 * The JCA engines of one thread, made on first use: {@code getInstance} costs more than the work on one
 * packet. One thread-local for all of them keeps the lookup to a single probe. Holds JDK objects only, so a
 * parked thread never pins this bundle's class loader.
 */
final class Engines {

    private static final ThreadLocal<Engines> PER_THREAD = ThreadLocal.withInitial(Engines::new);

    private final MessageDigest[] digests = new MessageDigest[DigestType.values().length];
    private final Mac[] macs = new Mac[HmacType.values().length];
    private final boolean[] macMissing = new boolean[HmacType.values().length];

    private Engines() {
    }

    static Engines get() {
        return PER_THREAD.get();
    }

    MessageDigest digest(DigestType t, String algorithm) {
        MessageDigest md = digests[t.ordinal()];
        if (md == null) {
            try {
                md = MessageDigest.getInstance(algorithm);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK lacks " + algorithm, e);
            }
            digests[t.ordinal()] = md;
        }
        return md;
    }

    /** The thread's Mac, or null when the JDK has no such algorithm (then RFC 2104 by hand). */
    Mac mac(HmacType t, String algorithm) {
        Mac mac = macs[t.ordinal()];
        if (mac == null && !macMissing[t.ordinal()]) {
            try {
                mac = Mac.getInstance(algorithm);
                macs[t.ordinal()] = mac;
            } catch (GeneralSecurityException e) {
                macMissing[t.ordinal()] = true;
            }
        }
        return mac;
    }
}
