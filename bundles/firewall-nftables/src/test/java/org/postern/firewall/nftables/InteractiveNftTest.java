package org.postern.firewall.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The session protocol with stand-ins for nft: {@code sed} echoes every line and answers the marker as nft
 * does (its syntax error, the marker, a caret line), {@code sleep} never answers, {@code true} exits at once.
 * The real nft is exercised by {@link NftablesNamespaceTest}.
 */
class InteractiveNftTest {

    /** Echoes each line; answers a marker line the way nft 1.0.6 answers it. */
    private static final List<String> FAKE_NFT = List.of("/bin/sed", "-u", "-e",
            "s/^postern-sync-.*/Error: syntax error, unexpected newline, expecting string\\n&\\n              ^/");

    @Test
    void eachLineGetsItsOwnAnswerOverOneProcess() {
        assumeTrue(new File("/bin/sed").canExecute());
        try (InteractiveNft s = new InteractiveNft(FAKE_NFT, Duration.ofSeconds(5))) {
            NftSession.Reply a = s.send("list set inet filter postern_allow4");
            assertTrue(a.ok());
            assertEquals("list set inet filter postern_allow4", a.output());
            NftSession.Reply b = s.send("Error: pretend");
            assertFalse(b.ok(), "a line of its own starting with Error: is a failure");
            assertEquals("Error: pretend", b.error());
            assertTrue(s.send("add table inet postern").ok());
        }
    }

    @Test
    void aSilentProcessTimesOutAndADeadOneIsReported() {
        assumeTrue(new File("/bin/sleep").canExecute() && new File("/bin/true").canExecute());
        try (InteractiveNft s = new InteractiveNft(List.of("/bin/sleep", "30"), Duration.ofMillis(300))) {
            NftSession.Reply r = s.send("list tables");
            assertFalse(r.ok());
            assertTrue(r.output().contains("did not answer"), r.output());
        }
        try (InteractiveNft s = new InteractiveNft(List.of("/bin/true"), Duration.ofSeconds(5))) {
            NftSession.Reply r = s.send("list tables");
            assertFalse(r.ok());
            assertTrue(r.output().startsWith("nft exited") || r.output().startsWith("nft session ended"), r.output());
        }
        try (InteractiveNft s = new InteractiveNft(List.of("/nonexistent/nft"), Duration.ofSeconds(5))) {
            assertTrue(s.send("list tables").output().startsWith("cannot start"));
        }
    }

    @Test
    void oneLinePerTransaction() {
        try (InteractiveNft s = new InteractiveNft(FAKE_NFT, Duration.ofSeconds(5))) {
            assertThrows(IllegalArgumentException.class, () -> s.send("a\nb"));
        }
    }
}
