package org.postern.client;

import java.io.PrintStream;

/**
 * {@code fwknop -h}: fwknop 2.6.10's usage text, in its layout (options in a 29-column field, then the
 * description), grouped under headings, followed by the fwknop 1.9 spellings this client also takes. Plain
 * text, so it needs neither picocli nor a terminal (it is also what {@code spa:send -h} prints).
 */
final class Usage {

    static final String TEXT = """

            fwknop client version 2.6.10 (Postern)
            Single Packet Authorization client - compatible with fwknop 2.6.10 and 1.9

            Usage: fwknop -A <port list> [-s|-R|-a] -D <spa_server> [options]

            SPA request:
             -n, --named-config          Specify a named configuration stanza in the
                                         '$HOME/.fwknoprc' file to provide some of all
                                         of the configuration parameters.
                                         If more arguments are set through the command
                                         line, the configuration is updated accordingly.
             -A, --access                Provide a list of ports/protocols to open
                                         on the server (e.g. 'tcp/22').
             -a, --allow-ip              Specify IP address to allow within the SPA
                                         packet (e.g. '123.2.3.4').
             -s, --source-ip             Tell the fwknopd server to accept whatever
                                         source IP the SPA packet has as the IP that
                                         needs access (not recommended, and the
                                         fwknopd server can ignore such requests).
             -R, --resolve-ip-https      Resolve the external network IP by
                                         connecting to a URL such as the default of:
                                         https://www.cipherdyne.org/cgi-bin/myip
                                         (see 'External IP' below).
             -D, --destination           Specify the hostname or IP address of the
                                         fwknop server.
             -C, --server-cmd            Specify a command that the fwknop server will
                                         execute on behalf of the fwknop client.
             -N, --nat-access            Gain NAT access to an internal service.
                 --nat-local             Access a local service via a forwarded port
                                         on the fwknopd server system.
                 --nat-port              Specify the port to forward to access a
                                         service via NAT.
                 --nat-rand-port         Have the fwknop client assign a random port
                                         for NAT access.
             -f, --fw-timeout            Specify SPA server firewall timeout from the
                                         client side.
             -U, --spoof-user            Set the username within outgoing SPA packet.
                 --time-offset-plus      Add time to outgoing SPA packet timestamp
                                         (e.g. 60sec, 5min, 2days).
                 --time-offset-minus     Subtract time from outgoing SPA packet
                                         timestamp.

            Keys and encryption:
                 --use-hmac              Add an HMAC to the outbound SPA packet for
                                         authenticated encryption.
                 --key-rijndael          Specify the Rijndael key. Since the password is
                                         visible to utilities (like 'ps' under Unix)
                                         this form should only be used where security is
                                         not important.
                 --key-base64-rijndael   Specify the base64 encoded Rijndael key (same
                                         caveat).
                 --key-hmac              Specify the HMAC key (same caveat).
                 --key-base64-hmac       Specify the base64 encoded HMAC key (same
                                         caveat).
                 --hmac-digest-type      Set the HMAC digest algorithm (default is
                                         sha256). Options are md5, sha1, sha256,
                                         sha384, sha512, sha3_256 or sha3_512.
             -m, --digest-type           Specify the message digest algorithm to use
                                         (md5, sha1, sha256, sha384, sha512, sha3_256
                                         or sha3_512). The default is sha256.
             -M, --encryption-mode       Specify the encryption mode when AES is used
                                         for encrypting SPA packets: CBC (default),
                                         ECB, CFB, OFB, CTR, or 'legacy' for the
                                         initialization vector strategy of fwknop
                                         before 2.5 (and 1.9).
             -G, --get-key               Load an encryption key/password from a file
                                         (lines '<server>: <key>').
                 --get-hmac-key          Load an HMAC key from a file (same format).
                 --stdin                 Read the encryption key/password from stdin.
                 --fd                    Specify the file descriptor to read the
                                         encryption key/password from.
             -k, --key-gen               Generate SPA Rijndael + HMAC keys.
             -K, --key-gen-file          Write generated Rijndael + HMAC keys to a
                                         file.
                 --key-len               Rijndael key length for -k (default 32).
                 --hmac-key-len          HMAC key length for -k (default by type).

            GnuPG:
             -g, --gpg-encryption        Use GPG encryption (default is Rijndael).
                 --gpg-recipient-key     Specify the recipient GPG key name or ID.
                 --gpg-signer-key        Specify the signer's GPG key name or ID.
                 --gpg-no-signing-pw     Allow no signing password if none associated
                                         with GPG key.
                 --gpg-home-dir          Specify the GPG home directory.
                 --gpg-agent             Use GPG agent if available.
                 --gpg-exe               Accepted: no gpg binary is run (OpenPGP is
                                         done in-process).
                 --gpg-signing-pw        The signing passphrase (visible to ps; prefer
                                         GPG_SIGNING_PW, --stdin or the prompt).

            Transport:
             -p, --server-port           Set the destination port for outgoing SPA
                                         packet (default 62201).
             -P, --server-proto          Set the protocol (udp, tcp, http, udpraw,
                                         tcpraw, icmp) for the outgoing SPA packet.
                                         Note: the 'udpraw', 'tcpraw' and 'icmp' modes
                                         use raw sockets and thus require root access
                                         (or CAP_NET_RAW) to use.
             -r, --rand-port             Send the SPA packet over a randomly assigned
                                         port in 10000-65534 (requires a broader pcap
                                         filter on the server side than the default of
                                         udp 62201).
             -S, --source-port           Set the source port for outgoing SPA packet
                                         (raw modes).
             -Q, --spoof-source          Set the source IP for outgoing SPA packet
                                         (also --spoof-src; raw modes).
                 --icmp-type             Set the ICMP type (used with '-P icmp';
                                         default 0, echo reply).
                 --icmp-code             Set the ICMP code (used with '-P icmp').
             -H, --http-proxy            Specify an HTTP proxy host through which the
                                         SPA packet will be sent.  The port can also be
                                         specified here by following the host/ip with
                                         ":<port>".
             -u, --user-agent            Set the HTTP User-Agent for resolving the
                                         external IP via -R, or for sending SPA
                                         packets over HTTP. The default is
                                         Fwknop/2.6.10 if this option is not used.
                 --server-resolve-ipv4   Force IPv4 address resolution from DNS for
                                         SPA server when using a hostname.
                 --Max-packet-size       Do not send an SPA packet larger than this
                                         many bytes (default 1500).

            External IP (-R):
                 --resolve-http-only     Force external IP resolution via HTTP instead
                                         HTTPS (via the URL mentioned above). This is
                                         not recommended since it would open fwknop
                                         to potential MITM attacks if the IP resolution
                                         HTTP connection is altered en-route by a third
                                         party.
                 --resolve-url           Override the default URL used for resolving
                                         the source IP address.
             -w, --wget-cmd              Resolve with this wget instead of the built-in
                                         HTTPS client.
                 --curl-cmd              Resolve with this curl instead of the built-in
                                         HTTPS client.
                 --use-wget-user-agent   Use the HTTP client's own User-Agent string
                                         instead of Fwknop/<version>.

            rc file and saved arguments:
                 --rc-file               Specify path to the fwknop rc file (default
                                         is $HOME/.fwknoprc).
                 --no-rc-file            Perform fwknop client operations without
                                         referencing a ~/.fwknoprc file.
                 --save-rc-stanza        Save command line arguments to the
                                         $HOME/.fwknoprc stanza specified with the
                                         -n option (or named after -D).
                 --force-stanza          Used with --save-rc-stanza to overwrite all of
                                         the variables for the specified stanza.
                 --stanza-list           Dump a list of the stanzas found in
                                         $HOME/.fwknoprc.
                 --no-save-args          Do not save fwknop command line args to the
                                         $HOME/.fwknop.run file.
             -E, --save-args-file        Save (and read for -l) the args in this file
                                         instead of $HOME/.fwknop.run.
             -l, --last-cmd              Run the fwknop client with the same command
                                         line args as the last time it was executed
                                         (args are read from the ~/.fwknop.run file).
                 --show-last             Show the last fwknop command line arguments.
                 --no-home-dir           Do not allow the fwknop client to look for
                                         the user home directory.

            Output and run mode:
             -B, --save-packet           Save the generated packet data to the
                                         specified file.
             -b, --save-packet-append    Append the generated packet data to the
                                         file specified with the -B option.
             -T, --test                  Build the SPA packet but do not send it over
                                         the network.
             -v, --verbose               Set verbose mode (may specify multiple times).
             -q, --quiet                 Only print what is necessary.
             -V, --version               Print version number.
             -h, --help                  Print this usage message and exit.
                 --locale                Use this locale (LC_ALL) for messages and for
                                         programs the client runs.
                 --no-locale             Leave the locale as the environment sets it.

            fwknop 1.9 spellings (also with one dash, e.g. -Server-port):
                 --Access, --allow-IP, --source-IP, --Destination, --knock-dst,
                 --Server-port, --Server-proto, --Server-cmd, --Source-port,
                 --Spoof-src, --Spoof-user, --NAT-access, -F, --Forward-access,
                 --NAT-local, --NAT-rand-port, --digest-alg, --HTTP-proxy,
                 --HTTP-user-agent, --User-agent, --Resolve-external-IP, --whatismyip,
                 --URL, --Show-last-cmd, --Test-mode, --Version, --LC_ALL, --no-LC_ALL,
                 --Save-packet-append: the options above.
                 --Spoof-proto <tcp|udp|icmp>
                                         -P tcpraw|udpraw|icmp; ICMP defaults to type 8
                                         (echo request) as in fwknop 1.9.
                 --TCP-sock              -P tcp (fwknop 1.9 refused -T as ambiguous:
                                         -T is 2.6.10's --test).
                 --HTTP                  -P http, to port 80 unless a port is given.
                 --Save-packet           Save the packet in --Save-packet-file, else in
                                         ~/fwknop_save_packet.<pid>.
                 --Save-packet-file      The file for --Save-packet.
                 --Save-dst              Also keep these args in ~/.fwknop.save.
                 --Last-host             Run the last command line used for a server
                                         (~/.fwknop.save, then ~/.fwknop.hosts).
                 --Show-host-cmd         Show the last command line used for a server.
                 --Home-dir              Use this directory as the home directory.
                 --Server-auth crypt     Put 'crypt,<password>' (asked for) in the
                                         server_auth field.
                 --Max-resolve-http-size Read at most this much of the -R answer.
                 --gpg-recipient, --gpg-signing-key, --gpg-path: the options above.
                 --gpg-default-key       Sign with the GnuPG home's default key.
                 --gpg-agent-info        The gpg-agent to sign with (socket:pid:1).
                 --gpg-verbose           Say which GnuPG keys are used.
                 --gpg-no-options, --gpg-use-options
                                         Accepted and ignored (no gpg is run).
            fwknop 1.9 SPA:
                 --legacy-1.9            Send a fwknop 1.9.12 SPA packet (version 1.9.12,
                                         padded base64 fields, key padded with '0' to 16
                                         as 1.9; no HMAC, no GnuPG) for fwknopd 1.9.
                                         With --Server-auth crypt for REQUIRE_AUTH_METHOD.

            fwknop 1.9 port knocking (not SPA):
                 --Server-mode knock     Send an encrypted knock sequence (-A, -a/-s/-R,
                                         the key as for SPA, at least 8 characters).
                 --Server-mode shared    Send the shared sequence of -D from ~/.fwknoprc
                                         (1.9 lines '<ip>: tcp/N, udp/N, icmp'), -u, or -A.
                 --offset                Port offset of encrypted knocks (61000).
             -r, --rotate-proto          Odd encrypted knocks over UDP (-r only with
                                         --Server-mode; otherwise -r is --rand-port).
             -t, --time-delay            Seconds between knocks (1).
             -u, --user-rc               The 1.9 sequence file (-u only with
                                         --Server-mode; otherwise -u is --user-agent).
             -d, --debug                 Verbose, twice.
                 --fault-injection-tag   Refused: this client has no fault injection.
                 --no-FKO-module, --Lib-dir
                                         Accepted and ignored.

            """;

    private Usage() {
    }

    static void print(PrintStream out) {
        out.print(TEXT);
    }
}
