package org.postern.shell;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * What every {@code spa:*} command shares: the {@code --no-format} option, table rendering, the message for
 * an absent service, and the lookup of all services of a kind with their properties.
 */
public abstract class SpaCommand implements Action {

    @Option(name = "--no-format", description = "Plain columns, without table borders")
    boolean noFormat;

    @Reference
    BundleContext bundleContext;

    /** Where output goes; null means System.out (which Karaf redirects to the session). Set by tests. */
    PrintStream out;

    /** The clock for "seconds left"; replaced by tests. */
    Clock clock = Clock.systemUTC();

    protected PrintStream out() {
        return out != null ? out : System.out;
    }

    protected ShellTable table(String... headers) {
        ShellTable table = new ShellTable();
        for (String header : headers) {
            table.column(header);
        }
        return table;
    }

    protected void print(ShellTable table) {
        table.print(out(), !noFormat);
    }

    /** Says that a service is absent; every command does so instead of failing. */
    protected Object absent(String service) {
        out().println("no " + service + " available");
        return null;
    }

    /** A service object with its registration properties. */
    protected record Registered<S>(S service, Map<String, Object> properties) {

        Object property(String key) {
            return properties.get(key);
        }

        int ranking() {
            return properties.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
        }

        long serviceId() {
            return properties.get(Constants.SERVICE_ID) instanceof Long l ? l : -1L;
        }
    }

    /**
     * Hands every registered service of a type, best ranked first, to {@code use}, and releases them
     * afterwards. Tests override it to supply services without a framework.
     */
    protected <S> void withServices(Class<S> type, Consumer<List<Registered<S>>> use) {
        Collection<ServiceReference<S>> references;
        try {
            references = bundleContext.getServiceReferences(type, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<ServiceReference<S>> got = new ArrayList<>();
        List<Registered<S>> services = new ArrayList<>();
        try {
            for (ServiceReference<S> reference : references) {
                S service = bundleContext.getService(reference);
                if (service == null) {
                    continue;
                }
                got.add(reference);
                Map<String, Object> properties = new HashMap<>();
                for (String key : reference.getPropertyKeys()) {
                    properties.put(key, reference.getProperty(key));
                }
                services.add(new Registered<>(service, properties));
            }
            services.sort(Comparator.<Registered<S>>comparingInt(Registered::ranking).reversed()
                    .thenComparingLong(Registered::serviceId));
            use.accept(services);
        } finally {
            for (ServiceReference<S> reference : got) {
                bundleContext.ungetService(reference);
            }
        }
    }

    /** A plug-in's failure, as one line, for a table cell. */
    static String failure(Throwable t) {
        String message = t.getMessage();
        return "error: " + t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
