package org.postern.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.postern.api.CaptureSource;

@Command(scope = "spa", name = "captures", description = "Lists the capture sources: what they listen to and how much came in")
@Service
public class CapturesCommand extends SpaCommand {

    @Override
    public Object execute() {
        withServices(CaptureSource.class, sources -> {
            if (sources.isEmpty()) {
                absent("capture source");
                return;
            }
            ShellTable table = table("Name", "Kind", "Listens to", "State", "Packets");
            for (Registered<CaptureSource> registered : sources) {
                CaptureSource source = registered.service();
                Object[] cells;
                try {
                    cells = new Object[] {source.name(), source.kind(), source.describe(), source.state(),
                        source.packetsDelivered()};
                } catch (RuntimeException | LinkageError e) {
                    cells = new Object[] {"service " + registered.serviceId(), "", failure(e), "", ""};
                }
                table.addRow().addContent(cells);
            }
            print(table);
        });
        return null;
    }
}
