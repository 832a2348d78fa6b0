package net.coopwan.daemon.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.stream.Stream;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.daemon.kernel.SysfsInterfaces;
import net.coopwan.daemon.main.ConfigHolder;
import net.coopwan.daemon.main.Daemon;
import net.coopwan.daemon.main.DaemonException;

/**
 * A real daemon (real H2 file, real /sys/class/net) in a temporary state directory, without
 * front-ends, for tests of one front-end: the test starts its own front-end with {@link #context()}.
 * Deletes its state directory on close.
 */
public final class TestDaemon implements AutoCloseable {

    private final Daemon daemon;
    private final Path stateDir;

    private TestDaemon(Daemon daemon, Path stateDir) {
        this.daemon = daemon;
        this.stateDir = stateDir;
    }

    /** Starts with the given config (no config file: reload reports embedded defaults). */
    public static TestDaemon start(CoopwanConfig config) {
        return start(ConfigHolder.of(null, config));
    }

    /** Starts with a config read from a file, so reload works. */
    public static TestDaemon start(ConfigHolder holder) {
        try {
            return start(holder, Files.createTempDirectory("coopwan-test-state"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts on a state directory the test prepared (e.g. a store with a pending approval). */
    public static TestDaemon start(ConfigHolder holder, Path state) {
        try {
            Daemon d = Daemon.start(holder, state, new SysfsInterfaces(), Clock.systemUTC(), false);
            return new TestDaemon(d, state);
        } catch (DaemonException e) {
            throw new IllegalStateException(e);
        }
    }

    public ControlApi api() {
        return daemon.api();
    }

    public Daemon daemon() {
        return daemon;
    }

    public FrontEndContext context() {
        return daemon.context();
    }

    public Path stateDir() {
        return stateDir;
    }

    /** A TCP port free on 127.0.0.1 right now. */
    public static int freeTcpPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A UDP port free on 127.0.0.1 right now. */
    public static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        daemon.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Temp dir cleanup is best effort.
        }
    }
}
