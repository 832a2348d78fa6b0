package net.coopwan.luci.socket;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;

import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;
import net.coopwan.luci.client.ControlClient;
import net.coopwan.luci.wire.UnixSockets;

/**
 * The socket file of the control socket: created only root can use it, and removed again only
 * while it is still ours.
 */
final class SocketFile {

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    /** Length a temporary directory adds: "/.ctl" + up to 20 random digits + "/s". */
    private static final int TEMP_EXTRA = 1 + 4 + 20 + 2;
    /** How long to wait for another daemon to say who it is. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final Path path;
    private final Object fileKey;

    private SocketFile(Path path, Object fileKey) {
        this.path = path;
        this.fileKey = fileKey;
    }

    Path path() {
        return path;
    }

    /**
     * Binds {@code channel} to {@code path} with mode 0600.
     *
     * <p>A socket file is made with mode 0777 minus the umask by bind(2), and connect(2) checks
     * permissions only when it happens, so binding in place and then chmod-ing would leave a moment
     * in which any local user could connect and keep the connection. The socket is therefore bound
     * in a fresh 0700 directory beside the target, set to 0600, and renamed into place. When the
     * longer temporary path would not fit in sun_path, it is bound in place and chmod-ed at once.
     *
     * @throws IOException with a message for the admin: another daemon is live on the path, the
     *                     path is not a socket, the directory cannot be made, ...
     */
    static SocketFile bind(Path path, UnixServerSocketChannel channel, int backlog) throws IOException {
        UnixSockets.checkPath(path);
        if (path.getParent() == null || path.getFileName() == null) {
            throw new IllegalArgumentException("control socket path must name a file in a directory, got '" + path + "'");
        }
        ensureParent(path.getParent());
        removeIfStale(path);
        Path tempDir = null;
        Path bindAt = path;
        if (path.getParent().toString().length() + TEMP_EXTRA <= UnixSockets.MAX_PATH_BYTES) {
            tempDir = Files.createTempDirectory(path.getParent(), ".ctl"); // 0700, made atomically by mkdir(2)
            bindAt = tempDir.resolve("s");
        }
        try {
            channel.socket().bind(new UnixSocketAddress(bindAt.toString()), backlog);
            Files.setPosixFilePermissions(bindAt, PosixFilePermissions.fromString("rw-------"));
            if (tempDir != null) {
                try {
                    Files.move(bindAt, path, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot move the control socket into place at " + path + ": " + e.getMessage(), e);
                }
            }
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return new SocketFile(path, key);
        } catch (IOException | RuntimeException e) {
            if (tempDir != null) {
                Files.deleteIfExists(bindAt);
            }
            throw e;
        } finally {
            if (tempDir != null) {
                Files.deleteIfExists(tempDir);
            }
        }
    }

    /** Removes the socket file, unless another process has put its own there since. */
    void delete() {
        try {
            Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (Objects.equals(now, fileKey)) {
                Files.delete(path);
            }
        } catch (NoSuchFileException e) {
            // Already gone: someone cleaned up for us.
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove control socket " + path + ": " + e.getMessage(), e);
        }
    }

    private static void ensureParent(Path parent) throws IOException {
        if (Files.isDirectory(parent)) {
            return;
        }
        try {
            Files.createDirectories(parent);
            // 0755 whatever the umask: clients need to traverse it; the socket itself is 0600.
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create the directory of the control socket: " + e.getFile()
                    + " exists and is not a directory", e);
        } catch (IOException e) {
            throw new IOException("cannot create the directory of the control socket " + parent + ": " + e, e);
        }
    }

    /**
     * Deletes a socket file left behind by a daemon that died; refuses when a daemon still
     * answers on it or when the path is something else than a socket.
     */
    private static void removeIfStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException("control socket path " + path + " exists and is not a socket; refusing to replace it"
                    + " (remove it or set another control_socket)");
        }
        ControlClient other;
        try {
            other = ControlClient.connect(path, PROBE_TIMEOUT);
        } catch (ConnectException | NoSuchFileException e) {
            // Refused: the file of a daemon that is gone. Vanished meanwhile: nothing to remove.
            Files.deleteIfExists(path);
            return;
        } catch (IOException e) {
            throw new IOException("cannot tell whether control socket " + path + " is in use: " + e.getMessage(), e);
        }
        try (other) {
            String who = "another process is listening on it";
            try {
                who = "another coopwan " + other.call("version", null).path("version").asText("?") + " answers on it";
            } catch (Exception e) {
                // Something listens but does not speak our protocol; the message says so.
            }
            throw new IOException("control socket " + path + " is in use: " + who
                    + "; stop that daemon first or set another control_socket");
        }
    }
}
