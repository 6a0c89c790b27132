package org.postern.shell;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.postern.api.SpaCipher;
import org.postern.client.knock.FwknopCommandLine;

/**
 * {@code spa:send <fwknop options>}: sends an SPA packet from the Karaf shell with exactly the command line of
 * {@code bin/fwknop} (fwknop 2.6.10's options, fwknop 1.9's spellings, {@code -n} stanzas of the Karaf user's
 * {@code ~/.fwknoprc}, {@code -h} for the list), using the {@code (cipher=rijndael)} {@link SpaCipher} service.
 * Unlike {@code bin/fwknop} it does not save the command line in {@code ~/.fwknop.run} and never asks for a
 * key: give keys as options, with {@code -G}, {@code --stdin} or in the rc file.
 *
 * <p>A Gogo command function (service properties {@code osgi.command.scope=spa},
 * {@code osgi.command.function=send}) rather than a Karaf {@code Action}: the arguments reach fwknop's getopt
 * rules untouched (clustered flags, values starting with '-', the 1.9 single-dash long names), which Karaf's
 * option parser would reject. Output goes to the session; a failure ends the command with the client's
 * one-line reason (exit status 1 over {@code bin/client -b}).
 */
@Component(service = SendCommand.class, immediate = true,
        property = {"osgi.command.scope=spa", "osgi.command.function=send"})
public class SendCommand {

    private final SpaCipher cipher;

    /** Where output goes; null means System.out (which Karaf redirects to the session). Set by tests. */
    PrintStream out;
    /** Where input comes from; null means System.in (the session's). Set by tests. */
    InputStream in;

    @Activate
    public SendCommand(@Reference(target = "(cipher=rijndael)") SpaCipher cipher) {
        this.cipher = cipher;
    }

    /**
     * Runs one fwknop command line.
     *
     * @return null (the output is printed)
     * @throws IllegalStateException with the client's reason when it fails
     */
    public Object send(String... args) {
        PrintStream o = out != null ? out : System.out;
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8);
        String home = System.getProperty("user.home");
        int status = FwknopCommandLine.run(Arrays.asList(args), cipher, o, err, in != null ? in : System.in,
                prompt -> null, home == null || home.isEmpty() ? null : Path.of(home),
                Path.of(System.getProperty("user.dir", ".")).toAbsolutePath());
        String text = errors.toString(StandardCharsets.UTF_8);
        if (status != 0) {
            throw new IllegalStateException(text.strip());
        }
        if (!text.isEmpty()) {
            o.print(text);
        }
        o.flush();
        return null;
    }
}
