package org.postern.server;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postern.fko.HmacKey;

/**
 * A wire-compatible shortcut through many stanzas: which stanza took each source address's last packet, to be
 * tried first for that source's next one. fwknopd's rule stays: the first stanza in order whose SOURCE matches and
 * whose keys verify wins. Trying stanza k first gives the same outcome only when no stanza before k can verify a
 * packet that k verifies, which holds when every stanza before k has an HMAC key and none of them has k's HMAC key
 * (a packet's HMAC verifies under another key only by a SHA-2 collision). That is worked out once per policy
 * (O(stanzas)); a stanza for which it does not hold is never remembered, so those packets take the trial in order.
 * When the remembered stanza does not take the packet, the trial runs in order from the first stanza as before.
 *
 * <p>Bounded ({@value #LIMIT} sources, least recently used first out); forgets everything when the policy changes
 * (a reload). Thread-safe.
 */
final class StanzaHints {

    static final int LIMIT = 4096;

    private PolicySet policy;
    private boolean[] safe = new boolean[0];
    private final Map<InetAddress, Integer> last = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Integer> eldest) {
            return size() > LIMIT;
        }
    };

    /** The stanza index to try first for {@code source}, or -1. */
    synchronized int lookup(PolicySet p, InetAddress source) {
        if (p != policy) {
            return -1;
        }
        Integer i = last.get(source);
        return i == null ? -1 : i;
    }

    /** Stanza {@code index} of {@code p} took a packet from {@code source}. */
    synchronized void remember(PolicySet p, InetAddress source, int index) {
        if (p != policy) {
            policy = p;
            safe = safeToTryFirst(p.stanzas());
            last.clear();
        }
        if (index > 0 && index < safe.length && safe[index]) {
            last.put(source, index);
        }
    }

    /** Per stanza: may it be tried before the stanzas in front of it (see the class comment)? */
    static boolean[] safeToTryFirst(List<AccessStanza> stanzas) {
        boolean[] safe = new boolean[stanzas.size()];
        Set<String> seen = new HashSet<>();
        boolean allBeforeHaveHmac = true;
        for (int k = 0; k < stanzas.size(); k++) {
            HmacKey h = stanzas.get(k).hmacKey();
            String id = h == null ? null : h.type() + ":" + java.util.Base64.getEncoder().encodeToString(h.bytes());
            safe[k] = allBeforeHaveHmac && id != null && !seen.contains(id);
            if (id == null) {
                allBeforeHaveHmac = false;
            } else {
                seen.add(id);
            }
        }
        return safe;
    }
}
