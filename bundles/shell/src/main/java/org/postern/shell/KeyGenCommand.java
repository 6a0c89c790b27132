package org.postern.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.postern.fko.HmacType;
import org.postern.fko.KeyGen;

@Command(scope = "spa", name = "key-gen",
        description = "Prints a new random Rijndael key and HMAC key in base64, in the lines fwknop --key-gen and "
                + "fwknopd --key-gen print (KEY_BASE64 and HMAC_KEY_BASE64, for access.conf and ~/.fwknoprc)")
@Service
public class KeyGenCommand extends SpaCommand {

    @Option(name = "--key-len", description = "Rijndael key length in bytes, 1..32")
    int keyLength = KeyGen.DEFAULT_KEY_LENGTH;

    @Option(name = "--hmac-key-len", description = "HMAC key length in bytes (default: the HMAC type's)")
    int hmacKeyLength;

    @Option(name = "--hmac-digest-type", description = "md5, sha1, sha256, sha384, sha512, sha3_256, sha3_512")
    @Completion(value = StringsCompleter.class,
            values = {"md5", "sha1", "sha256", "sha384", "sha512", "sha3_256", "sha3_512"})
    String hmacType = "sha256";

    @Override
    public Object execute() {
        out().print(KeyGen.generate(keyLength, hmacKeyLength, HmacType.parse(hmacType)));
        return null;
    }
}
