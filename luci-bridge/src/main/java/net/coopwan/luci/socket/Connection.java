package net.coopwan.luci.socket;

import java.io.IOException;
import java.util.function.Consumer;

import jnr.unixsocket.UnixSocketChannel;
import net.coopwan.luci.rpc.JsonRpc;
import net.coopwan.luci.rpc.JsonRpcHandler;
import net.coopwan.luci.wire.LineReader;
import net.coopwan.luci.wire.Lines;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, served on its own thread: a line in, its answer out, in order, until the
 * client leaves, stays idle too long or sends an over-long line.
 */
final class Connection implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    private final UnixSocketChannel channel;
    private final JsonRpcHandler handler;
    private final SocketLimits limits;
    private final Consumer<Connection> onClosed;
    private boolean closed; // guarded by this

    Connection(UnixSocketChannel channel, JsonRpcHandler handler, SocketLimits limits, Consumer<Connection> onClosed) {
        this.channel = channel;
        this.handler = handler;
        this.limits = limits;
        this.onClosed = onClosed;
    }

    @Override
    public void run() {
        LineReader reader = new LineReader(channel, limits.maxLineBytes());
        try {
            serve(reader);
        } catch (IOException e) {
            LOG.debug("control socket: connection ended: {}", e.toString());
        } catch (RuntimeException e) {
            LOG.warn("control socket: connection failed", e);
        } finally {
            close();
            onClosed.accept(this);
        }
    }

    private void serve(LineReader reader) throws IOException {
        while (true) {
            switch (reader.next()) {
                case LINE:
                    byte[] answer = handler.handle(reader.line());
                    if (answer != null) {
                        Lines.write(channel, answer);
                    }
                    break;
                case TOO_LONG:
                    // Answer, then close: reading on to the next newline would let the client make
                    // us read without end, and skipping would leave the stream out of step.
                    Lines.write(channel, handler.transportError(JsonRpc.INVALID_REQUEST, "invalid request: line longer than "
                            + limits.maxLineBytes() + " bytes; closing the connection"));
                    return;
                case IDLE:
                    LOG.debug("control socket: closing a connection idle for {}", limits.idleTimeout());
                    return;
                default:
                    return;
            }
        }
    }

    /**
     * Wakes the serving thread from a blocked read by shutting the socket down; the thread then
     * closes it. Closing here instead could let the descriptor number be reused under the thread.
     */
    synchronized void shutdown() {
        if (closed) {
            return;
        }
        try {
            channel.shutdownInput();
            channel.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("control socket: shutdown: {}", e.toString());
        }
    }

    private synchronized void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("control socket: close: {}", e.toString());
        }
    }
}
