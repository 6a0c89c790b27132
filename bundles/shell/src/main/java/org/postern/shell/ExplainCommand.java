package org.postern.shell;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.postern.api.PacketExplainer;
import org.postern.api.PacketExplainer.ExplainStep;

@Command(scope = "spa", name = "explain",
        description = "Decodes an SPA packet (base64, as sent) against the access stanzas in force and prints each "
                + "step's verdict, every stanza included, without acting on it: nothing is recorded, opened or run")
@Service
public class ExplainCommand extends SpaCommand {

    @Argument(index = 0, name = "packet", description = "the packet as sent (fwknop --save-packet, or -T -v output)",
            required = true)
    String packet;

    @Option(name = "--source", aliases = "-s", description = "the address the packet comes from", required = true)
    String source;

    @Option(name = "--destination", aliases = "-d", description = "the gateway address it is sent to (default: any)")
    String destination;

    @Reference(optional = true)
    PacketExplainer explainer;

    @Override
    public Object execute() throws UnknownHostException {
        if (explainer == null) {
            return absent("daemon (org.postern.server)");
        }
        List<ExplainStep> steps = explainer.explain(packet, InetAddress.getByName(source),
                destination == null ? null : InetAddress.getByName(destination));
        ShellTable t = table("Step", "Stanza", "Verdict", "Detail");
        for (ExplainStep s : steps) {
            t.addRow().addContent(s.step(), s.stanza(), s.passed() ? "pass" : s.reason() == null ? "skip"
                    : "refuse " + s.reason(), s.detail());
        }
        print(t);
        boolean opens = steps.stream().anyMatch(s -> s.passed() && s.step() == org.postern.api.RefusalReason.Step.POLICY);
        out().println(opens ? "Verdict: accepted (the first stanza that allows it would grant)"
                : "Verdict: refused");
        return null;
    }
}
