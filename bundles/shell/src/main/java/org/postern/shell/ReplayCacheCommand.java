package org.postern.shell;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.postern.api.ReplayCacheControl;
import org.postern.api.ReplayRecord;

@Command(scope = "spa", name = "replay-cache",
        description = "The replay cache: 'size' (default) shows how many digests it holds and where; 'lookup <digest "
                + "or packet>' says whether a digest (or a packet's, given as sent) is held and what was recorded with it; "
                + "'rotate' moves the digest file to <file>-old as fwknopd --rotate-digest-cache does, keeping the "
                + "digests in force until the next start")
@Service
public class ReplayCacheCommand extends SpaCommand {

    /** Base64 SHA-256 without padding, as fwknop writes digests. */
    private static final int DIGEST_LENGTH = 43;

    @Argument(index = 0, name = "action", description = "size, lookup or rotate")
    @Completion(value = StringsCompleter.class, values = {"size", "lookup", "rotate"})
    String action = "size";

    @Argument(index = 1, name = "digest", description = "for lookup: a digest, or a packet as sent (base64)")
    String digest;

    @Reference(optional = true)
    ReplayCacheControl cache;

    @Override
    public Object execute() throws IOException {
        if (cache == null) {
            return absent("daemon (org.postern.server)");
        }
        switch (action) {
            case "size" -> out().println(cache.size() + " digest(s) in " + cache.location());
            case "lookup" -> lookup();
            case "rotate" -> out().println("rotated: the old digests are in " + cache.rotate() + "; "
                    + cache.size() + " digest(s) stay in force until the next start");
            default -> throw new IllegalArgumentException("unknown action '" + action + "': use "
                    + String.join(", ", List.of("size", "lookup", "rotate")));
        }
        return null;
    }

    private void lookup() {
        if (digest == null || digest.isBlank()) {
            throw new IllegalArgumentException("lookup needs a digest or a packet");
        }
        String d = digest.strip();
        if (d.length() != DIGEST_LENGTH) {
            d = cache.digestOf(d);
            out().println("packet digest " + d);
        }
        Optional<ReplayRecord> r = cache.lookup(d);
        if (r.isEmpty()) {
            out().println("not in the replay cache: a packet with this digest would be new");
            return;
        }
        ReplayRecord x = r.get();
        if (x.sourceAddress().isEmpty()) {
            out().println("held (no details recorded: rotated or in memory only): a replay would be refused");
            return;
        }
        out().println("held: accepted at " + java.time.Instant.ofEpochSecond(x.epochSeconds()) + " from "
                + x.sourceAddress() + ":" + x.sourcePort() + " to " + x.destinationAddress() + ":"
                + x.destinationPort() + " (protocol " + x.protocol() + "); a replay would be refused");
    }
}
