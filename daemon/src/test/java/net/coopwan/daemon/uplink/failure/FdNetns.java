package net.coopwan.daemon.uplink.failure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

import net.coopwan.daemon.steer.CommandResult;
import net.coopwan.daemon.steer.ProcessCommandRunner;
import net.coopwan.daemon.steer.SteerException;
import net.coopwan.daemon.testing.InNetns;

/**
 * A network namespace this test creates ({@code cwfd} + 6 random hex digits) and deletes on
 * close, with two ways in for the JVM itself: {@link #call} runs code on a fresh thread inside the
 * namespace ({@link InNetns}), and {@link #mountSysfs} mounts the namespace's own sysfs view on the host, so
 * {@code SysfsInterfaces} reads its devices.
 */
final class FdNetns implements AutoCloseable {
    static final String PREFIX = "cwfd";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration T = Duration.ofSeconds(10);
    private static final ProcessCommandRunner HOST = new ProcessCommandRunner();
    final String name;
    private final List<Path> mounts = new ArrayList<>();

    private FdNetns(String name) {
        this.name = name;
    }

    /** Root, iproute2 with netns, nsenter, mount, and libc through jnr: else the test is skipped. */
    static boolean available() {
        try {
            return InNetns.available() && HOST.run(List.of("ip", "netns", "list"), null, T).succeeded()
                    && "0".equals(HOST.run(List.of("id", "-u"), null, T).stdout().trim())
                    && HOST.run(List.of("nsenter", "--version"), null, T).succeeded()
                    && HOST.run(List.of("nft", "--version"), null, T).succeeded();
        } catch (SteerException e) {
            return false;
        }
    }

    static FdNetns create() {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        FdNetns ns = new FdNetns(PREFIX + HexFormat.of().formatHex(b));
        HOST.check(List.of("ip", "netns", "add", ns.name), null, T);
        try {
            ns.sh("ip", "link", "set", "lo", "up");
            // No IPv6: no router solicitations or MLD reports, so a dead line is really silent.
            ns.sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            ns.sh("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Runs a command in the namespace, demanding success; its stdout. */
    String sh(String... argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(argv));
        return HOST.check(full, null, T).stdout();
    }

    /** {@code nft -f -} in the namespace. */
    void nft(String script) {
        HOST.check(List.of("ip", "netns", "exec", name, "nft", "-f", "-"), script, T);
    }

    /** Runs {@code body} on a new thread inside this namespace and returns its result (bounded wait). */
    <V> V call(Callable<V> body) throws Exception {
        return InNetns.call(name, body);
    }

    /** Starts a daemon thread inside this namespace running {@code body} (it must end by itself). */
    Thread start(String threadName, Runnable body) {
        return InNetns.start(name, threadName, body);
    }

    /** Mounts this namespace's sysfs on a new temporary directory; its {@code class/net}. Unmounted on close. */
    Path mountSysfs() throws Exception {
        Path dir = Files.createTempDirectory(name + "-sys");
        mounts.add(dir);
        HOST.check(List.of("nsenter", "--net=/run/netns/" + name, "mount", "-t", "sysfs", "sysfs", dir.toString()),
                null, T);
        return dir.resolve("class").resolve("net");
    }

    @Override
    public void close() {
        for (Path m : mounts) {
            CommandResult r = HOST.run(List.of("umount", "-l", m.toString()), null, T);
            if (r.succeeded()) {
                try {
                    Files.deleteIfExists(m);
                } catch (java.io.IOException e) {
                    // an empty directory in /tmp: harmless
                }
            }
        }
        HOST.run(List.of("ip", "netns", "del", name), null, T);
    }
}
