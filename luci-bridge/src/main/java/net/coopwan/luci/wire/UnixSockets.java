package net.coopwan.luci.wire;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import jnr.constants.platform.Errno;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;
import jnr.unixsocket.UnixSocketOptions;

/** Opening and checking unix socket paths with jnr-unixsocket. */
public final class UnixSockets {

    /** sun_path is 108 bytes on Linux, one of them the terminating NUL. */
    public static final int MAX_PATH_BYTES = 107;

    private UnixSockets() {
    }

    /**
     * Checks that a path can name a unix socket: absolute, ASCII (jnr-unixsocket 0.39 measures the
     * address in chars, so a multi-byte name would be cut short silently) and short enough.
     */
    public static void checkPath(Path path) {
        String s = path.toString();
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("control socket path must be absolute, got '" + s + "'");
        }
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(s)) {
            throw new IllegalArgumentException("control socket path must be ASCII, got '" + s + "'");
        }
        if (s.length() > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("control socket path is " + s.length()
                    + " bytes, a unix socket path may have at most " + MAX_PATH_BYTES + ": " + s);
        }
    }

    /**
     * Connects to a unix stream socket.
     *
     * @param timeout receive and send timeout of the connected channel
     * @throws NoSuchFileException when nothing is at the path
     * @throws ConnectException    when the path is a socket nobody listens on (a stale socket file)
     * @throws IOException         for anything else, e.g. permission denied
     */
    public static UnixSocketChannel connect(Path path, Duration timeout) throws IOException {
        checkPath(path);
        UnixSocketChannel ch;
        try {
            ch = UnixSocketChannel.open(new UnixSocketAddress(path.toString()));
        } catch (IOException e) {
            // jnr reports a failed connect(2) as IOException(Errno.toString()), so the errno is
            // recovered from the message.
            String m = e.getMessage();
            if (Errno.ENOENT.toString().equals(m)) {
                throw new NoSuchFileException(path.toString(), null, "no such file");
            }
            if (Errno.ECONNREFUSED.toString().equals(m)) {
                throw new ConnectException("connection refused");
            }
            throw new IOException(m, e);
        }
        try {
            setTimeouts(ch, timeout);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Sets receive and send timeouts (SO_RCVTIMEO, SO_SNDTIMEO): a blocking read or write that
     * waits longer returns 0, which {@link LineReader} and {@link Lines} turn into idle and error.
     */
    public static void setTimeouts(UnixSocketChannel ch, Duration timeout) throws IOException {
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        ch.setOption(UnixSocketOptions.SO_RCVTIMEO, ms);
        ch.setOption(UnixSocketOptions.SO_SNDTIMEO, ms);
    }
}
