package org.postern.firewall.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ChainSpecTest {

    private final ChainSpec input = ChainSpec.parse("ACCEPT, filter, INPUT, 1, FWKNOP_INPUT, 1");

    @Test
    void parsesFwknopsDefault() {
        assertEquals(new ChainSpec("ACCEPT", "filter", "INPUT", 1, "FWKNOP_INPUT", 1), input);
        assertEquals(input, ChainSpec.parse(ChainSpec.DEFAULT_INPUT_ACCESS));
    }

    @Test
    void blanksAnywhereAreIgnoredAsFwknopDoes() {
        assertEquals(new ChainSpec("ACCEPT", "filter", "INPUT", 3, "MY_CHAIN", 1),
                ChainSpec.parse(" ACCEPT,filter ,  INPUT,3,MY_CHAIN , 1 "));
    }

    @Test
    void rejectsBadSpecifications() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChainSpec.parse("ACCEPT, filter, INPUT, 1, X"))
                .getMessage().contains("6 comma-separated fields"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChainSpec.parse("ACCEPT, filter, INPUT, 1, X; rm -rf /, 1")).getMessage().contains("[A-Za-z0-9_ ,]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ChainSpec.parse("ACCEPT, filter, INPUT, one, X, 1")).getMessage().contains("Jump_pos"));
        assertThrows(IllegalArgumentException.class, () -> ChainSpec.parse("ACCEPT, filter, INPUT, 0, X, 1"));
        assertThrows(IllegalArgumentException.class, () -> ChainSpec.parse("ACCEPT, , INPUT, 1, X, 1"));
        assertThrows(IllegalArgumentException.class, () -> ChainSpec.parse("ACCEPT, filter, INPUT, 1, X, 1, 2"));
        assertThrows(IllegalArgumentException.class, () -> ChainSpec.parse(""));
        assertThrows(IllegalArgumentException.class, () -> ChainSpec.parse("ACCEPT, filter, INPUT, 1, -X, 1"));
    }

    @Test
    void rendersChainCommandsLikeFwknop() {
        assertEquals(List.of("-t", "filter", "-L", "FWKNOP_INPUT", "-n"), input.chainExists());
        assertEquals(List.of("-t", "filter", "-N", "FWKNOP_INPUT"), input.newChain());
        assertEquals(List.of("-t", "filter", "-F", "FWKNOP_INPUT"), input.flushChain());
        assertEquals(List.of("-t", "filter", "-X", "FWKNOP_INPUT"), input.deleteChain());
        assertEquals(List.of("-t", "filter", "-S", "FWKNOP_INPUT"), input.listRules());
        assertEquals(List.of("-t", "filter", "-C", "INPUT", "-j", "FWKNOP_INPUT"), input.checkJump());
        assertEquals(List.of("-t", "filter", "-I", "INPUT", "1", "-j", "FWKNOP_INPUT"), input.insertJump());
        assertEquals(List.of("-t", "filter", "-D", "INPUT", "-j", "FWKNOP_INPUT"), input.deleteJump());
        assertEquals(List.of("-t", "filter", "-I", "INPUT", "1", "-s", "127.0.0.2", "-m", "comment", "--comment",
                "__TMPCOMMENT__", "-j", "ACCEPT"), input.insertCommentProbe());
        assertEquals(List.of("-t", "filter", "-D", "INPUT", "-s", "127.0.0.2", "-m", "comment", "--comment",
                "__TMPCOMMENT__", "-j", "ACCEPT"), input.deleteCommentProbe());
    }

    @Test
    void jumpPositionComesFromTheSpecification() {
        assertEquals(List.of("-t", "filter", "-I", "INPUT", "4", "-j", "FWKNOP_INPUT"),
                ChainSpec.parse("ACCEPT, filter, INPUT, 4, FWKNOP_INPUT, 1").insertJump());
    }
}
