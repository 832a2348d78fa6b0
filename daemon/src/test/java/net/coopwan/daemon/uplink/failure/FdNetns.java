package net.coopwan.daemon.uplink.failure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;
import net.coopwan.daemon.steer.CommandResult;
import net.coopwan.daemon.steer.ProcessCommandRunner;
import net.coopwan.daemon.steer.SteerException;

/**
 * A network namespace this test creates ({@code cwfd} + 6 random hex digits) and deletes on
 * close, with two ways in for the JVM itself: {@link #call} runs code on a fresh thread that
 * {@code setns()} moved into the namespace (a socket made there stays in it, whichever thread
 * uses it later), and {@link #mountSysfs} mounts the namespace's own sysfs view on the host, so
 * {@code SysfsInterfaces} reads its devices.
 */
final class FdNetns implements AutoCloseable {
    static final String PREFIX = "cwfd";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration T = Duration.ofSeconds(10);
    private static final ProcessCommandRunner HOST = new ProcessCommandRunner();
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;

    /** setns(2) through jnr-ffi. */
    public interface NsLibC {
        @SaveError
        int open(String path, int flags);

        @SaveError
        int setns(int fd, int nstype);

        @IgnoreError
        int close(int fd);
    }

    private static final NsLibC LIBC;
    private static final Runtime RT;

    static {
        NsLibC lib = null;
        Runtime rt = null;
        try {
            lib = LibraryLoader.create(NsLibC.class).load("c");
            rt = Runtime.getRuntime(lib);
        } catch (Throwable t) {
            // available() says no
        }
        LIBC = lib;
        RT = rt;
    }

    final String name;
    private final List<Path> mounts = new ArrayList<>();

    private FdNetns(String name) {
        this.name = name;
    }

    /** Root, iproute2 with netns, nsenter, mount, and libc through jnr: else the test is skipped. */
    static boolean available() {
        try {
            return LIBC != null && HOST.run(List.of("ip", "netns", "list"), null, T).succeeded()
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
        AtomicReference<V> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            int fd = LIBC.open("/run/netns/" + name, O_RDONLY);
            if (fd < 0) {
                failure.set(new IllegalStateException("open /run/netns/" + name + ": errno " + RT.getLastError()));
                return;
            }
            try {
                if (LIBC.setns(fd, CLONE_NEWNET) < 0) {
                    failure.set(new IllegalStateException("setns " + name + ": errno " + RT.getLastError()));
                    return;
                }
                result.set(body.call());
            } catch (Exception e) {
                failure.set(e);
            } finally {
                LIBC.close(fd);
            }
        }, "netns-" + name);
        t.start();
        t.join(T.toMillis());
        if (t.isAlive()) {
            throw new IllegalStateException("code in namespace " + name + " did not finish in " + T);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    /** Starts a daemon thread inside this namespace running {@code body} (it must end by itself). */
    Thread start(String threadName, Runnable body) {
        Thread t = new Thread(() -> {
            int fd = LIBC.open("/run/netns/" + name, O_RDONLY);
            try {
                if (fd < 0 || LIBC.setns(fd, CLONE_NEWNET) < 0) {
                    throw new IllegalStateException("cannot enter namespace " + name);
                }
                body.run();
            } finally {
                LIBC.close(fd);
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        return t;
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
