package org.postern.client;

import java.util.Map;
import java.util.Set;

import org.postern.client.knock.KnockException;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * picocli over {@link CommandLineOptions}: the reference parser, used when {@link QuickArgs} declines (an
 * unknown or malformed option), so that errors come in picocli's words. Loaded only then.
 */
final class PicocliArgs {

    /** fwknop 2.6.10 options this client does not offer (yet), with their other spelling. */
    private static final Map<String, String> NOT_YET = Map.of();
    private static final Set<String> NOT_YET_LONG = Set.of();

    private PicocliArgs() {
    }

    static CommandLineOptions parse(String[] args) throws KnockException {
        CommandLineOptions cli = new CommandLineOptions();
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setExpandAtFiles(false);
        commandLine.setOverwrittenOptionsAllowed(true);
        commandLine.setAllowOptionsAsOptionParameters(true); // as getopt: an option's value may start with '-'
        try {
            commandLine.parseArgs(QuickArgs.normalize19(args));
        } catch (ParameterException e) {
            throw new KnockException(describe(e));
        }
        return cli;
    }

    /** One line for a command-line error, naming fwknop options this client does not offer yet. */
    private static String describe(ParameterException e) {
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            if (NOT_YET.containsKey(name)) {
                return "option " + name + " (" + NOT_YET.get(name) + ") is not supported by this client yet";
            }
            if (NOT_YET_LONG.contains(name)) {
                return "option " + name + " is not supported by this client yet";
            }
        }
        return e.getMessage();
    }
}
