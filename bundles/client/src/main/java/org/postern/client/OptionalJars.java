package org.postern.client;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Jars a plain knock does not need, kept out of the launcher's class path in {@code lib/<name>/} beside the
 * client's own jars and loaded only when used: at start-up the JDK's URL-handler lookup (set off by the first
 * {@code Cipher}) opens every jar of the class path, and Bouncy Castle's signed jars alone cost about 20 ms
 * there. {@code bin/fwknop} names the lib directory with {@code -Dpostern.client.lib}.
 */
final class OptionalJars {

    /** The system property holding the client's lib directory. */
    static final String LIB_PROPERTY = "postern.client.lib";

    private OptionalJars() {
    }

    /**
     * A class loader over {@code lib/<name>/*.jar} whose parent is the client's loader, or null when there is no
     * such directory (or no lib directory is known).
     */
    static ClassLoader loader(String name) {
        String lib = System.getProperty(LIB_PROPERTY);
        if (lib == null || lib.isEmpty()) {
            return null;
        }
        Path dir = Path.of(lib, name);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(dir)) {
            for (Path jar : (Iterable<Path>) jars.filter(p -> p.toString().endsWith(".jar")).sorted()::iterator) {
                urls.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            return null;
        }
        return urls.isEmpty() ? null : new URLClassLoader(urls.toArray(URL[]::new), OptionalJars.class.getClassLoader());
    }

    /** A new instance of {@code className} (public, no-argument constructor) from {@code lib/<name>/}, or null. */
    static Object instance(String name, String className) {
        ClassLoader loader = loader(name);
        if (loader == null) {
            return null;
        }
        try {
            return Class.forName(className, true, loader).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
