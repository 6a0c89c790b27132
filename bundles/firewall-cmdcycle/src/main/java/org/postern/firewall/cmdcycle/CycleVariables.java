package org.postern.firewall.cmdcycle;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import org.postern.api.AccessGrant;
import org.postern.api.GrantRequest;
import org.postern.api.PortSpec;

/**
 * The values of fwknop's command-cycle variables for one port of a grant (fwknopd 2.6.10 plus the NAT ones its
 * users asked for):
 * {@code $IP} and {@code $SRC} the allowed address, {@code $PKT_SRC} the SPA packet's source, {@code $DST} its
 * destination (0.0.0.0 when unknown), {@code $PORT}, {@code $PROTO} (6 or 17), {@code $TIMEOUT} the message
 * timestamp plus the granted timeout (as fwknopd computes it), {@code $CLIENT_TIMEOUT} the client's requested
 * timeout (0 for none), {@code $NAT_IP} and {@code $NAT_PORT} the NAT target (empty and 0 without NAT).
 */
final class CycleVariables {

    private CycleVariables() {
    }

    static Map<String, String> of(AccessGrant g, PortSpec port) {
        GrantRequest r = g.request();
        Map<String, String> v = new LinkedHashMap<>();
        String ip = literal(g.source());
        v.put("IP", ip);
        v.put("SRC", ip);
        v.put("PKT_SRC", r != null && r.packetSource() != null ? literal(r.packetSource()) : ip);
        v.put("DST", g.destination() != null ? literal(g.destination()) : "0.0.0.0");
        v.put("PORT", Integer.toString(port.port()));
        v.put("PROTO", Integer.toString(port.protocol().number()));
        long timeout = r != null ? r.messageTimestamp() + r.timeout() : g.expiresAt().getEpochSecond();
        v.put("TIMEOUT", Long.toString(timeout));
        v.put("CLIENT_TIMEOUT", Integer.toString(r != null ? r.clientTimeout() : 0));
        v.put("NAT_IP", r != null && r.natAddress() != null ? r.natAddress() : "");
        v.put("NAT_PORT", Integer.toString(r != null ? r.natPort() : 0));
        return v;
    }

    static String literal(InetAddress a) {
        String text = a.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }
}
