package org.postern.exec;

import java.util.List;

import org.apache.commons.exec.CommandLine;

/**
 * A Commons Exec command line that hands the launcher exactly the argument vector it was built from.
 * Commons Exec builds it token by token ({@code addArgument(arg, false)}: no quoting, no splitting), but
 * its {@code CommandLine.Argument} also trims every argument, which would turn {@code " x "} into
 * {@code "x"}; the launcher only reads {@link #toStrings()}, so that is where the exact vector is kept.
 */
final class ArgvCommandLine extends CommandLine {

    private final List<String> argv;

    ArgvCommandLine(List<String> argv) {
        super(argv.get(0));
        for (String arg : argv.subList(1, argv.size())) {
            addArgument(arg, false);
        }
        this.argv = List.copyOf(argv);
    }

    @Override
    public String[] toStrings() {
        return argv.toArray(new String[0]);
    }

    @Override
    public String[] getArguments() {
        return argv.subList(1, argv.size()).toArray(new String[0]);
    }

    @Override
    public String getExecutable() {
        return argv.get(0);
    }
}
