package org.postern.capture.http;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Timeout;
import org.postern.api.http.SpaOverHttp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * SPA over HTTP extraction (what capture-http and the pcap capture run on every request) under hostile requests:
 * never throws, always gives a verdict, and SPA data found is one token (no white space, no '-' or '_' left: they
 * are mapped back to '+' and '/'); the pipeline's pre-check then refuses anything outside base64.
 */
class SpaOverHttpFuzzTest {

    @FuzzTest(maxDuration = "15s")
    @Timeout(120)
    void requests(FuzzedDataProvider data) {
        SpaOverHttp http = new SpaOverHttp(data.consumeBoolean(), data.consumeBoolean());
        byte[] request = data.consumeRemainingAsBytes();
        int head = SpaOverHttp.headEnd(request, request.length);
        SpaOverHttp.Extraction e = http.extract(request, head < 0 ? request.length : head);
        assertNotNull(e.verdict());
        if (e.isSpa()) {
            for (byte b : e.spaData()) {
                assertTrue(b != ' ' && b != '\t' && b != '\r' && b != '\n' && b != '-' && b != '_',
                        "left in the SPA data: " + b);
            }
        }
    }
}
