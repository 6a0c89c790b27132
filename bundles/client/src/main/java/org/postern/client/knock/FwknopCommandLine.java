package org.postern.client.knock;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import org.postern.api.SpaCipher;
import org.postern.client.ClientContext;
import org.postern.client.Fwknop;

/**
 * The whole fwknop command line (2.6.10 options, 1.9 spellings, {@code ~/.fwknoprc}, saved arguments) for a
 * caller that is not the {@code fwknop} launcher, such as the Karaf command {@code spa:send}: the same parsing,
 * checks, messages and exit status, with the cipher, streams and directories the caller gives. Unlike the
 * launcher it does not save the command line in {@code ~/.fwknop.run} (an operator shell is not the user's own
 * client); {@code -l} and {@code --show-last} still read it.
 */
public final class FwknopCommandLine {

    private FwknopCommandLine() {
    }

    /**
     * Runs one command line.
     *
     * @param args      the arguments, as {@code fwknop} takes them
     * @param cipher    the Rijndael {@link SpaCipher} (the {@code (cipher=rijndael)} service in OSGi)
     * @param out       ordinary output
     * @param err       errors ({@code fwknop: <reason>}) and warnings
     * @param in        standard input ({@code --stdin}, questions of {@code --save-rc-stanza})
     * @param keyPrompt asks for a key without echo (null answer: no terminal)
     * @param home      the home directory ({@code ~/.fwknoprc}); null for none
     * @param cwd       what relative file names are relative to
     * @return the exit status: 0 on success, 1 on any error
     */
    public static int run(List<String> args, SpaCipher cipher, PrintStream out, PrintStream err, InputStream in,
            Function<String, char[]> keyPrompt, Path home, Path cwd) {
        ClientContext ctx = new ClientContext(System.getenv(), home, System.getProperty("user.name"), out, err,
                keyPrompt == null ? p -> null : keyPrompt::apply, () -> System.currentTimeMillis() / 1000, cwd, in,
                cipher, false);
        return new Fwknop(ctx).run(args.toArray(String[]::new));
    }
}
