package org.postern.firewall.nftables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An nft session that records each line and answers from a script: the first matching prefix wins, else ok. */
final class ScriptedNft implements NftSession {

    final List<String> sent = new ArrayList<>();
    final Map<String, Reply> answers = new LinkedHashMap<>();
    boolean closed;

    ScriptedNft answer(String prefix, boolean ok, String output) {
        answers.put(prefix, new Reply(ok, output));
        return this;
    }

    @Override
    public Reply send(String line) {
        sent.add(line);
        for (Map.Entry<String, Reply> a : answers.entrySet()) {
            if (line.startsWith(a.getKey())) {
                return a.getValue();
            }
        }
        return new Reply(true, "");
    }

    @Override
    public void close() {
        closed = true;
    }
}
