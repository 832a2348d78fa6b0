package net.coopwan.luci.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Global;
import net.coopwan.daemon.frontend.FrontEnd;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.daemon.testing.TestDaemon;
import net.coopwan.luci.testsupport.RawClient;
import net.coopwan.luci.testsupport.RunningSocket;

/** The socket file: mode, stale and live sockets, removal; the connection cap. One daemon, many front-ends. */
class ControlSocketLifecycleTest {

    @TempDir
    Path dir;
    static TestDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        daemon = TestDaemon.start(RunningSocket.config(Path.of("/unused")));
    }

    @AfterAll
    static void stopDaemon() {
        daemon.close();
    }

    static FrontEndContext context(Path socket) {
        return new FrontEndContext(daemon.api(), RunningSocket.config(socket), daemon.stateDir());
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    static boolean isSocket(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000) == 0140000;
    }

    static String version(Path socket) throws IOException {
        try (RawClient c = RawClient.connect(socket)) {
            return c.call("version", null).get("version").asText();
        }
    }

    /** A socket file nobody listens on, as a daemon killed with SIGKILL leaves it. */
    static void makeStaleSocket(Path p) throws IOException {
        UnixServerSocketChannel ch = UnixServerSocketChannel.open();
        ch.socket().bind(new UnixSocketAddress(p.toString()));
        ch.close();
        assertTrue(isSocket(p));
    }

    @Test
    void socketFileIsMode0600InA0755DirectoryItCreatedAndNoTemporaryFilesRemain() throws Exception {
        Path sock = dir.resolve("var/run/coopwan/coopwan.sock");
        ControlSocketFrontEnd fe = new ControlSocketFrontEnd();
        fe.start(context(sock));
        try {
            assertTrue(isSocket(sock));
            assertEquals("rw-------", mode(sock));
            assertEquals("rwxr-xr-x", mode(sock.getParent()));
            try (Stream<Path> s = Files.list(sock.getParent())) {
                assertEquals(List.of(sock), s.toList());
            }
            assertEquals(daemon.api().status().version(), version(sock));
        } finally {
            fe.stop();
        }
    }

    @Test
    void stopRemovesTheSocketAndClosesConnections() throws Exception {
        Path sock = dir.resolve("s.sock");
        ControlSocketFrontEnd fe = new ControlSocketFrontEnd();
        fe.start(context(sock));
        try (RawClient c = RawClient.connect(sock)) {
            c.call("version", null);
            long t0 = System.nanoTime();
            fe.stop();
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 1500, "stop() should not wait for the idle timeout");
            assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
            assertTrue(c.closedByServer());
        }
        assertThrows(IOException.class, () -> RawClient.connect(sock));
    }

    @Test
    void aStaleSocketIsReplaced() throws Exception {
        Path sock = dir.resolve("stale.sock");
        makeStaleSocket(sock);
        Object staleKey = Files.readAttributes(sock, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).fileKey();
        ControlSocketFrontEnd fe = new ControlSocketFrontEnd();
        fe.start(context(sock));
        try {
            assertEquals(daemon.api().status().version(), version(sock));
            assertFalse(staleKey.equals(Files.readAttributes(sock, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey()));
            assertEquals("rw-------", mode(sock));
        } finally {
            fe.stop();
        }
    }

    @Test
    void aLiveDaemonOnThePathMakesStartFailClearlyAndKeepsServing() throws Exception {
        Path sock = dir.resolve("live.sock");
        ControlSocketFrontEnd first = new ControlSocketFrontEnd();
        first.start(context(sock));
        try {
            IOException e = assertThrows(IOException.class, () -> new ControlSocketFrontEnd().start(context(sock)));
            String m = e.getMessage();
            assertTrue(m.contains(sock.toString()) && m.contains("in use") && m.contains("another coopwan "
                    + daemon.api().status().version()), m);
            assertEquals(daemon.api().status().version(), version(sock));
        } finally {
            first.stop();
        }
    }

    @Test
    void anotherProgramListeningOnThePathMakesStartFail() throws Exception {
        Path sock = dir.resolve("other.sock");
        UnixServerSocketChannel other = UnixServerSocketChannel.open();
        other.socket().bind(new UnixSocketAddress(sock.toString()));
        Thread closer = new Thread(() -> {
            try {
                UnixSocketChannel c = other.accept();
                c.close();
            } catch (IOException e) {
                // The test closes the listener.
            }
        });
        closer.start();
        try {
            IOException e = assertThrows(IOException.class, () -> new ControlSocketFrontEnd().start(context(sock)));
            assertTrue(e.getMessage().contains("another process is listening on it"), e.getMessage());
            assertTrue(isSocket(sock), "the other program's socket must stay");
        } finally {
            other.close();
            closer.join(2000);
        }
    }

    @Test
    void aPathThatIsNotASocketIsNotReplaced() throws Exception {
        Path file = dir.resolve("precious.txt");
        Files.writeString(file, "keep me");
        IOException e = assertThrows(IOException.class, () -> new ControlSocketFrontEnd().start(context(file)));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        assertEquals("keep me", Files.readString(file));
        Path link = dir.resolve("link.sock");
        Files.createSymbolicLink(link, file);
        e = assertThrows(IOException.class, () -> new ControlSocketFrontEnd().start(context(link)));
        assertTrue(e.getMessage().contains("is not a socket"), e.getMessage());
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void aParentThatIsAFileIsAClearError() throws Exception {
        Path file = dir.resolve("plain");
        Files.writeString(file, "x");
        IOException e = assertThrows(IOException.class,
                () -> new ControlSocketFrontEnd().start(context(file.resolve("c.sock"))));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void badPathsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ControlSocketFrontEnd().start(context(Path.of("relative.sock")))).getMessage().contains("absolute"));
        Path tooLong = dir.resolve("x".repeat(120));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ControlSocketFrontEnd().start(context(tooLong))).getMessage().contains("at most 107"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ControlSocketFrontEnd().start(context(dir.resolve("caf\u00e9.sock")))).getMessage().contains("ASCII"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ControlSocketFrontEnd().start(context(Path.of("/")))).getMessage().contains("name a file"));
    }

    @Test
    void aPathTooLongForTheTemporaryDirectoryIsBoundInPlaceStill0600() throws Exception {
        String base = dir.toString() + "/";
        Path sock = Path.of(base + "y".repeat(105 - base.length()) + ".s");
        assertEquals(107, sock.toString().length());
        ControlSocketFrontEnd fe = new ControlSocketFrontEnd();
        fe.start(context(sock));
        try {
            assertEquals("rw-------", mode(sock));
            assertEquals(daemon.api().status().version(), version(sock));
        } finally {
            fe.stop();
        }
        assertFalse(Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void connectionsOverTheCapGetABusyErrorAndAFreedSlotIsReused() throws Exception {
        Path sock = dir.resolve("cap.sock");
        ControlSocketFrontEnd fe = new ControlSocketFrontEnd(new SocketLimits(1024, 3, Duration.ofSeconds(30)));
        fe.start(context(sock));
        List<RawClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawClient c = RawClient.connect(sock);
                open.add(c);
                c.call("version", null); // answered, so it holds a slot now
            }
            assertEquals(3, fe.connections());
            try (RawClient extra = RawClient.connect(sock)) {
                JsonNode r = extra.read();
                assertNotNull(r);
                assertEquals(-32000, r.get("error").get("code").asInt(), r.toString());
                assertTrue(r.get("error").get("message").asText().contains("3 connections"), r.toString());
                assertTrue(extra.closedByServer());
            }
            open.remove(0).close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (fe.connections() > 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            try (RawClient again = RawClient.connect(sock)) {
                assertEquals(daemon.api().status().version(), again.call("version", null).get("version").asText());
            }
            for (RawClient c : open) {
                c.call("status", null); // the others were never disturbed
            }
        } finally {
            for (RawClient c : open) {
                c.close();
            }
            fe.stop();
        }
    }

    @Test
    void enabledFollowsTheConfiguredPath() {
        ControlSocketFrontEnd fe = new ControlSocketFrontEnd();
        assertEquals("control-socket", fe.name());
        assertTrue(fe.enabled(context(dir.resolve("a.sock"))));
        CoopwanConfig c = RunningSocket.config(dir.resolve("a.sock"));
        CoopwanConfig off = new CoopwanConfig(new Global(Global.Role.ROUTER, "info", ""), c.uplinks(), c.peer(),
                c.offers(), c.web(), c.snmp(), c.bonds());
        assertFalse(fe.enabled(new FrontEndContext(daemon.api(), off, daemon.stateDir())));
    }

    @Test
    void theDaemonFindsItThroughServiceLoader() {
        List<String> names = new ArrayList<>();
        for (FrontEnd f : ServiceLoader.load(FrontEnd.class)) {
            names.add(f.getClass().getName());
        }
        assertTrue(names.contains(ControlSocketFrontEnd.class.getName()), names.toString());
    }
}
