package org.postern.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Timeout;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of the access.conf parser (the fwknopd.conf line reader plus {@link AccessConfParser}, no
 * %include files reached): any text is either parsed into stanzas or refused with a {@link ConfigException};
 * no other exception escapes and nothing hangs. Every build replays the corpus in
 * {@code src/test/resources/org/postern/server/ConfigFuzzTestInputs/accessConf}; fuzz for real with
 * {@code JAZZER_FUZZ=1 JAZZER_INSTRUMENT='org.postern.**' mvn -B -ntp -o test -pl bundles/server -Dtest=ConfigFuzzTest}.
 */
class ConfigFuzzTest {

    @FuzzTest(maxDuration = "15s")
    @Timeout(120)
    void accessConf(FuzzedDataProvider data) {
        String text = new String(data.consumeRemainingAsBytes(), StandardCharsets.ISO_8859_1);
        List<String> lines = Arrays.asList(text.split("\n", -1));
        try {
            List<ConfigLine> parsed = FwknopConfigReader.parse("fuzz.conf", lines);
            new AccessConfParser().parse(parsed);
        } catch (ConfigException e) {
            // a typed refusal: expected for hostile text
        }
    }
}
