package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;

class CommandWordsTest {

    @Test
    void wordsAndQuotesAsAUserReadsThem() throws SpaException {
        assertEquals(List.of("touch", "/tmp/x"), CommandWords.split("touch /tmp/x"));
        assertEquals(List.of("touch", "/tmp/a b"), CommandWords.split("touch '/tmp/a b'"));
        assertEquals(List.of("echo", "say \"hi\" \\"), CommandWords.split("echo \"say \\\"hi\\\" \\\\\""));
        assertEquals(List.of("echo", "a b"), CommandWords.split("  echo\ta\\ b  "));
        assertEquals(List.of("echo", "ab", ""), CommandWords.split("echo a'b' ''"));
        assertEquals(List.of("echo", "; $(id) `id` | & > * ? ~ #"), CommandWords.split("echo '; $(id) `id` | & > * ? ~ #'"));
        assertEquals(List.of("echo", "$HOME"), CommandWords.split("echo \\$HOME"));
        assertEquals(List.of("ls", "-l", "a~b", "c#d"), CommandWords.split("ls -l a~b c#d"));
    }

    /** The injection corpus of issue 7: each is refused, never passed on in a way a shell would have read it. */
    @ParameterizedTest
    @ValueSource(strings = {"touch /tmp/x; rm -rf /", "touch /tmp/`id`", "touch /tmp/$(id)", "touch /tmp/${HOME}",
            "touch /tmp/x\nrm -rf /", "touch /tmp/x\rid", "touch 'unbalanced", "touch \"unbalanced", "echo a | sh",
            "echo a > /etc/passwd", "echo a && id", "echo a || id", "sleep 9 &", "cat < /etc/shadow", "ls *",
            "ls /tmp/?", "ls [ab]", "echo {a,b}", "(id)", "~/x", "echo x \\", "", "   ", "# nothing", "echo \u0000x"})
    void unsafeCommandsAreRefusedWithTheirReason(String cmd) {
        SpaException e = assertThrows(SpaException.class, () -> CommandWords.split(cmd));
        assertEquals(RefusalReason.COMMAND_NOT_SPLITTABLE, e.reason());
    }
}
