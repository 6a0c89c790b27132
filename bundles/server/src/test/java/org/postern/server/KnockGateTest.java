package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.FirewallBackend;
import org.postern.api.KnockDecoder;
import org.postern.api.KnockEvent;
import org.postern.api.KnockStanza;
import org.postern.api.KnockVerdict;
import org.postern.api.PortSpec;
import org.postern.api.Protocol;

class KnockGateTest {

    @Test
    void aGrantedSequenceOpensTheFirewall() throws Exception {
        List<String> calls = new ArrayList<>();
        FirewallBackend fw = new FirewallBackend() {
            public String name() {
                return "rec";
            }

            public void grant(AccessGrant g) {
                calls.add("grant " + g.source().getHostAddress() + " " + g.ports());
            }

            public void revoke(AccessGrant g) {
                calls.add("revoke " + g.source().getHostAddress());
            }

            public List<String> list() {
                return List.of();
            }

            public void flush() {
            }
        };
        FirewallSlot slot = new FirewallSlot();
        slot.set(fw);
        List<KnockStanza> stanzas = KnockConfParser.parse(List.of("SOURCE: ANY;",
                "SHARED_SEQUENCE: tcp/1001, tcp/1002;", "OPEN_PORTS: tcp/22;", "FW_ACCESS_TIMEOUT: 30;"), "a.conf");
        KnockDecoder decoder = new KnockDecoder() {
            public List<KnockVerdict> offer(KnockEvent e, List<KnockStanza> s) {
                return e.port() == 1002 ? List.of(new KnockVerdict.Granted(s.get(0), e.source(), e.source(),
                        s.get(0).openPorts(), s.get(0).accessTimeout(), "")) : List.of();
            }

            public void reset() {
            }
        };
        try (LiveGrants grants = new LiveGrants(slot)) {
            KnockGate gate = new KnockGate(stanzas, decoder, grants, false);
            InetAddress src = InetAddress.getByName("10.9.0.2");
            gate.accept(new KnockEvent(src, 1001, Protocol.TCP, 0));
            gate.accept(new KnockEvent(src, 1002, Protocol.TCP, 1000));
            assertEquals(List.of("grant 10.9.0.2 [tcp/22]"), calls);
            assertEquals(1, grants.grants().size());
            assertEquals(List.of(PortSpec.parse("tcp/22")), grants.grants().get(0).ports());
            assertEquals(Duration.ofSeconds(30), stanzas.get(0).accessTimeout());
        }
    }
}
