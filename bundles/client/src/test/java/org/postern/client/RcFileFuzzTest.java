package org.postern.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Timeout;
import org.postern.client.knock.KnockException;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The {@code ~/.fwknoprc} parser under hostile text: only a {@link KnockException} (the client's typed refusal,
 * reported with the file and line) may escape, nothing hangs. Corpus replayed on every build; bounded fuzzing in CI
 * through scripts/fuzz-smoke.sh.
 */
class RcFileFuzzTest {

    @FuzzTest(maxDuration = "15s")
    @Timeout(120)
    void fwknoprc(FuzzedDataProvider data) {
        String stanza = data.consumeString(16);
        String text = new String(data.consumeRemainingAsBytes(), StandardCharsets.ISO_8859_1);
        RcFile rc = RcFile.parse(Path.of("/fuzz/.fwknoprc"), text);
        try {
            rc.stanzas();
            rc.applyDefault(new Invocation(), w -> { });
            if (rc.hasStanza(stanza)) {
                rc.apply(stanza, new Invocation(), w -> { });
            }
        } catch (KnockException e) {
            // a typed refusal: expected for hostile text
        }
    }
}
