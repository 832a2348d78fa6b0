package net.coopwan.daemon.steer;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A network namespace the test creates ({@code cws} + 6 random hex digits, or another prefix such
 * as the emergency tests' {@code cwes}) and deletes on close. {@link #removeLeftovers} deletes
 * every such namespace of a prefix that a killed earlier run left.
 * Interfaces made inside die with it; a veth whose other end is elsewhere dies with either end.
 */
final class Netns implements AutoCloseable {
    static final String PREFIX = "cws";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration T = Duration.ofSeconds(10);
    private static final ProcessCommandRunner HOST = new ProcessCommandRunner();

    final String name;
    final CommandRunner runner;

    private Netns(String name) {
        this.name = name;
        this.runner = new NetnsCommandRunner(HOST, name);
    }

    static Netns create() {
        return create(PREFIX);
    }

    static Netns create(String prefix) {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        Netns ns = new Netns(prefix + HexFormat.of().formatHex(b));
        HOST.check(List.of("ip", "netns", "add", ns.name), null, T);
        try {
            ns.sh("ip", "link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Whether this host lets us create namespaces (root, iproute2); tests are skipped otherwise. */
    static boolean available() {
        try {
            return HOST.run(List.of("ip", "netns", "list"), null, T).succeeded()
                    && "0".equals(HOST.run(List.of("id", "-u"), null, T).stdout().trim());
        } catch (SteerException e) {
            return false;
        }
    }

    private static final Set<String> LEFTOVERS_REMOVED = new HashSet<>();

    static void removeLeftovers() {
        removeLeftovers(PREFIX);
    }

    /** Once per prefix and test JVM, so one test class can never delete another's live namespace. */
    static synchronized void removeLeftovers(String prefix) {
        if (!LEFTOVERS_REMOVED.add(prefix)) {
            return;
        }
        String list = HOST.check(List.of("ip", "netns", "list"), null, T).stdout();
        for (String line : list.split("\n")) {
            String n = line.trim().split("\\s+")[0];
            if (n.matches(Pattern.quote(prefix) + "[0-9a-f]{6}")) {
                HOST.run(List.of("ip", "netns", "del", n), null, T);
            }
        }
    }

    /** Runs a command in the namespace, demanding success. */
    String sh(String... argv) {
        return runner.check(List.of(argv), null, T).stdout();
    }

    CommandResult tryRun(Duration timeout, String... argv) {
        return runner.run(List.of(argv), null, timeout);
    }

    /** Creates a veth pair with {@code here} in this namespace and {@code there} in {@code other}. */
    void veth(String here, Netns other, String there) {
        sh("ip", "link", "add", here, "type", "veth", "peer", "name", there, "netns", other.name);
        sh("ip", "link", "set", here, "up");
        other.sh("ip", "link", "set", there, "up");
    }

    @Override
    public void close() {
        HOST.run(List.of("ip", "netns", "del", name), null, T);
    }
}
