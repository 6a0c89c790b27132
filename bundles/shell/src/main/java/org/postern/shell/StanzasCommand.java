package org.postern.shell;

import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.postern.api.AccessStanzaView;
import org.postern.api.StanzaCatalog;

@Command(scope = "spa", name = "stanzas",
        description = "Lists the access stanzas in force (access.conf and native org.postern.stanza configurations), "
                + "in trial order, with each setting and where it came from (keys masked)")
@Service
public class StanzasCommand extends SpaCommand {

    @Reference(optional = true)
    StanzaCatalog catalog;

    @Override
    public Object execute() {
        if (catalog == null) {
            return absent("stanza catalog");
        }
        List<AccessStanzaView> stanzas = catalog.stanzas();
        ShellTable table = table("Stanza", "Origin", "Setting", "Value", "From");
        table.emptyTableText("no access stanzas");
        for (AccessStanzaView stanza : stanzas) {
            boolean first = true;
            for (Map.Entry<String, String> setting : stanza.settings().entrySet()) {
                table.addRow().addContent(first ? stanza.name() : "", first ? stanza.origin() : "",
                        setting.getKey(), setting.getValue(), stanza.sources().getOrDefault(setting.getKey(), ""));
                first = false;
            }
            if (first) {
                table.addRow().addContent(stanza.name(), stanza.origin(), "", "", "");
            }
        }
        print(table);
        return null;
    }
}
