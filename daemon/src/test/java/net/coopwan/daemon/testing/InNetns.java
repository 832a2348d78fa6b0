package net.coopwan.daemon.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.SaveError;

/**
 * Code of the JVM itself inside a network namespace the test made ({@code /run/netns/NAME}): a
 * fresh thread {@code setns()}es into it, so a socket made there belongs to the namespace whichever
 * thread uses it later.
 */
public final class InNetns {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY = 0;
    private static final Duration T = Duration.ofSeconds(10);

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

    private InNetns() {
    }

    /** Whether libc could be bound (the callers check root and iproute2 themselves). */
    public static boolean available() {
        return LIBC != null;
    }

    private static void enter(String namespace) {
        int fd = LIBC.open("/run/netns/" + namespace, O_RDONLY);
        if (fd < 0) {
            throw new IllegalStateException("open /run/netns/" + namespace + ": errno " + RT.getLastError());
        }
        try {
            if (LIBC.setns(fd, CLONE_NEWNET) < 0) {
                throw new IllegalStateException("setns " + namespace + ": errno " + RT.getLastError());
            }
        } finally {
            LIBC.close(fd);
        }
    }

    /** Runs {@code body} on a new thread inside {@code namespace} and returns its result (bounded wait). */
    public static <V> V call(String namespace, Callable<V> body) throws Exception {
        AtomicReference<V> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                enter(namespace);
                result.set(body.call());
            } catch (Exception e) {
                failure.set(e);
            }
        }, "netns-" + namespace);
        t.start();
        t.join(T.toMillis());
        if (t.isAlive()) {
            throw new IllegalStateException("code in namespace " + namespace + " did not finish in " + T);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    /** Starts a daemon thread inside {@code namespace} running {@code body} (it must end by itself). */
    public static Thread start(String namespace, String threadName, Runnable body) {
        Thread t = new Thread(() -> {
            enter(namespace);
            body.run();
        }, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
