package org.postern.client.knock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * fwknop's {@code -R}: asks a web service which address the client's traffic comes from, to put that address
 * into the packet. By default over HTTPS with the JDK's own client (fwknop 2.6.10 runs wget for this; a
 * {@code --wget-cmd} or {@code --curl-cmd} makes this client run that program instead, with an argument vector
 * and an environment of PATH only, as fwknop does). With {@code --resolve-http-only}: one plain HTTP/1.0
 * request over a socket, fwknop's {@code try_url}. Either way the body must start with a dotted-quad IPv4
 * address, which is what {@code https://www.cipherdyne.org/cgi-bin/myip} answers.
 *
 * <p>The User-Agent is {@link KnockOptions#httpUserAgent()} ({@code Fwknop/2.6.10} unless {@code -u} says
 * otherwise); {@code --use-wget-user-agent} leaves the client's own.
 */
public final class ExternalIp {

    /** fwknop's plain-HTTP fallback URLs, tried in order. */
    static final List<String> DEFAULT_HTTP_URLS = List.of("http://www.cipherdyne.org/cgi-bin/myip",
            "http://www.cipherdyne.com/cgi-bin/myip");
    /** How long one lookup may take to connect, and to answer. */
    public static final int TIMEOUT_MILLIS = 10_000;
    /** The most of a response that is read (fwknop's HTTP_MAX_RESPONSE_LEN). */
    public static final int MAX_RESPONSE = 2000;

    private ExternalIp() {
    }

    /**
     * Resolves the external address as {@code options} asks ({@link KnockOptions#resolveUrl()},
     * {@link KnockOptions#resolveHttpOnly()}, {@link KnockOptions#wgetCmd()}, {@link KnockOptions#curlCmd()}).
     *
     * @param options  the knock; its allow IP is not changed (the caller sets it)
     * @param verbose  receives fwknop's {@code [+] Resolved external IP ...} line
     * @param warnings receives fwknop's warning about a non-HTTPS URL in {@code -R} mode
     * @param childEnv extra environment for a wget/curl child (for example LC_ALL from {@code --locale})
     * @return the dotted-quad address
     * @throws KnockException naming what was asked when no address came back
     */
    public static String resolve(KnockOptions options, Consumer<String> verbose, Consumer<String> warnings,
            Map<String, String> childEnv) throws KnockException {
        String ua = options.useWgetUserAgent() ? null : options.httpUserAgent();
        String url = options.resolveUrl();
        if (options.resolveHttpOnly()) {
            if (url != null && url.regionMatches(true, 0, "https", 0, 5)) {
                throw new KnockException("[*] https is not supported for --resolve-http-only.");
            }
            List<String> urls = url != null ? List.of(url) : DEFAULT_HTTP_URLS;
            KnockException last = null;
            for (String u : urls) {
                try {
                    String ip = plainHttp(u, ua);
                    verbose.accept("\n[+] Resolved external IP (via " + u + ") as: " + ip);
                    return ip;
                } catch (KnockException e) {
                    last = e;
                }
            }
            throw last;
        }
        if (url == null) {
            url = KnockOptions.DEFAULT_RESOLVE_URL;
        } else if (!url.regionMatches(true, 0, "https", 0, 5)) {
            warnings.accept("[-] Warning: IP resolution URL '" + url + "' should begin with 'https://' in -R mode.");
        }
        String via;
        String body;
        if (options.wgetCmd() != null || options.curlCmd() != null) {
            List<String> argv = new ArrayList<>();
            if (options.wgetCmd() != null) {
                argv.add(options.wgetCmd());
                if (ua != null) {
                    argv.add("-U");
                    argv.add(ua);
                }
                argv.addAll(List.of("--secure-protocol=auto", "--quiet", "-O", "-", url));
            } else {
                argv.add(options.curlCmd());
                if (ua != null) {
                    argv.add("-A");
                    argv.add(ua);
                }
                argv.addAll(List.of("--silent", "--max-time", Integer.toString(TIMEOUT_MILLIS / 1000), url));
            }
            via = String.join(" ", argv);
            body = program(argv, childEnv);
        } else {
            via = url;
            body = jdkHttp(url, ua);
        }
        String ip = leadingIpv4(body);
        if (ip == null) {
            throw new KnockException("[-] Could not resolve IP via: '" + via + "'");
        }
        verbose.accept("\n[+] Resolved external IP (via '" + via + "') as: " + ip);
        return ip;
    }

    /**
     * The dotted-quad IPv4 address the text starts with (digits and dots, at most 15, as fwknop reads it), or
     * null.
     */
    public static String leadingIpv4(String text) {
        if (text == null) {
            return null;
        }
        int i = 0;
        while (i < text.length() && i < 15 && (Character.isDigit(text.charAt(i)) && text.charAt(i) < 0x80
                || text.charAt(i) == '.')) {
            i++;
        }
        String candidate = text.substring(0, i);
        return KnockSender.ipv4(candidate) == null ? null : candidate;
    }

    private static String jdkHttp(String url, String userAgent) throws KnockException {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) new URI(url).toURL().openConnection();
            c.setConnectTimeout(TIMEOUT_MILLIS);
            c.setReadTimeout(TIMEOUT_MILLIS);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            if (userAgent != null) {
                c.setRequestProperty("User-Agent", userAgent);
            }
            c.setRequestProperty("Accept", "*/*");
            int status = c.getResponseCode();
            if (status != 200) {
                throw new KnockException("[-] Could not resolve IP via: '" + url + "': HTTP status " + status);
            }
            try (InputStream in = c.getInputStream()) {
                return new String(in.readNBytes(MAX_RESPONSE), StandardCharsets.ISO_8859_1);
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new KnockException("Error parsing resolve-url: " + url);
        } catch (IOException e) {
            throw new KnockException("[-] Could not resolve IP via: '" + url + "': " + e.getMessage());
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /** fwknop's {@code try_url}: one HTTP/1.0 GET on a socket; the address follows the blank line. */
    static String plainHttp(String url, String userAgent) throws KnockException {
        Url u = Url.parse(url);
        String request = "GET " + u.path + " HTTP/1.0\r\n" + (userAgent != null ? "User-Agent: " + userAgent + "\r\n"
                : "") + "Accept: */*\r\nHost: " + u.host + "\r\nConnection: close\r\n\r\n";
        byte[] response;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.host, u.port), TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            response = s.getInputStream().readNBytes(MAX_RESPONSE);
        } catch (IOException e) {
            throw new KnockException("resolve_ip_http: " + u.host + ":" + u.port + ": " + e.getMessage());
        }
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new KnockException("Did not find the end of HTTP header.");
        }
        String body = text.substring(end + 4);
        String ip = leadingIpv4(body);
        if (ip == null) {
            throw new KnockException("[-] From http://" + u.host + u.path + " Invalid IP in HTTP response");
        }
        return ip;
    }

    /** fwknop's {@code parse_url}: scheme dropped, {@code :port} (default 80), path (default {@code /}). */
    record Url(String host, int port, String path) {

        static Url parse(String url) throws KnockException {
            String s = url;
            if (s.regionMatches(true, 0, "https://", 0, 8)) {
                s = s.substring(8);
            } else if (s.regionMatches(true, 0, "http://", 0, 7)) {
                s = s.substring(7);
            }
            int slash = s.indexOf('/');
            String hostPort = slash < 0 ? s : s.substring(0, slash);
            String path = slash < 0 ? "/" : s.substring(slash);
            int port = 80;
            int colon = hostPort.indexOf(':');
            if (colon >= 0) {
                String p = hostPort.substring(colon + 1);
                port = -1;
                if (!p.isEmpty() && p.length() <= 5 && p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    port = Integer.parseInt(p);
                }
                if (port < 1 || port > 65535) {
                    throw new KnockException("[*] resolve-url port value is invalid, must be in [1-65535]");
                }
                hostPort = hostPort.substring(0, colon);
            }
            if (hostPort.isEmpty() || hostPort.length() > 256) {
                throw new KnockException("Error parsing resolve-url: " + url);
            }
            return new Url(hostPort, port, path);
        }
    }

    private static String program(List<String> argv, Map<String, String> childEnv) throws KnockException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        Map<String, String> env = pb.environment();
        String path = env.get("PATH");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        env.putAll(childEnv);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> {
                try (InputStream in = p.getInputStream()) {
                    out.write(in.readNBytes(MAX_RESPONSE));
                } catch (IOException e) {
                    // what was read so far counts
                }
            }, "resolve-output");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(TIMEOUT_MILLIS * 2L, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new KnockException("[-] Could not resolve IP via: '" + String.join(" ", argv) + "': timed out");
            }
            reader.join(TIMEOUT_MILLIS);
            return out.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new KnockException("[*] Could not run: " + argv.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KnockException("interrupted while resolving the external IP");
        }
    }
}
