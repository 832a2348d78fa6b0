package net.coopwan.luci.socket;

import java.io.IOException;
import java.nio.channels.Channel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketChannel;
import net.coopwan.luci.rpc.JsonRpc;
import net.coopwan.luci.rpc.JsonRpcHandler;
import net.coopwan.luci.wire.Lines;
import net.coopwan.luci.wire.UnixSockets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One acceptor thread and one thread per connection up to the cap. Blocking threads rather than a
 * selector: at most a handful of local clients, and no thread at all exists while nobody is connected.
 */
final class SocketServer {

    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);
    /** Pause after a failed accept (e.g. out of file descriptors) so the loop does not spin. */
    private static final long ACCEPT_RETRY_MS = 100;
    /** How long stop() waits for each thread. */
    private static final long JOIN_MS = 2000;

    private final UnixServerSocketChannel server;
    private final Supplier<JsonRpcHandler> handlerFactory;
    private JsonRpcHandler handler; // made and then only used by the acceptor thread; connections get it at start
    private final SocketLimits limits;
    private final Map<Connection, Thread> connections = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean stopping;
    private int serial;

    /**
     * @param handlerFactory called once on the acceptor thread: building the JSON mapper loads a few
     *                       hundred classes, which then happens beside the daemon's start instead of
     *                       in it; a client connecting meanwhile waits in the listen backlog
     */
    SocketServer(UnixServerSocketChannel server, Supplier<JsonRpcHandler> handlerFactory, SocketLimits limits) {
        this.server = server;
        this.handlerFactory = handlerFactory;
        this.limits = limits;
        this.acceptor = new Thread(this::acceptLoop, "coopwan-ctl-accept");
        acceptor.setDaemon(true);
    }

    void start() {
        acceptor.start();
    }

    /** Connections being served now. */
    int connections() {
        return connections.size();
    }

    private void acceptLoop() {
        try {
            handler = handlerFactory.get();
        } catch (RuntimeException | LinkageError e) {
            // Nothing could be answered; closing makes clients fail fast instead of waiting in the backlog.
            LOG.error("control socket: cannot start serving", e);
            closeQuietly(server);
            return;
        }
        while (!stopping) {
            UnixSocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException | RuntimeException e) {
                // Closing the server channel in stop() ends a blocked accept this way.
                if (stopping) {
                    return;
                }
                LOG.warn("control socket: accept failed: {}", e.toString());
                sleep(ACCEPT_RETRY_MS);
                continue;
            }
            if (ch != null) {
                admit(ch);
            }
        }
    }

    private void admit(UnixSocketChannel ch) {
        if (stopping || connections.size() >= limits.maxConnections()) {
            refuse(ch);
            return;
        }
        try {
            UnixSockets.setTimeouts(ch, limits.idleTimeout());
        } catch (IOException | RuntimeException e) {
            LOG.debug("control socket: cannot set timeouts: {}", e.toString());
            closeQuietly(ch);
            return;
        }
        Connection c = new Connection(ch, handler, limits, connections::remove);
        Thread t = new Thread(c, "coopwan-ctl-" + (++serial));
        t.setDaemon(true);
        connections.put(c, t);
        t.start();
    }

    private void refuse(UnixSocketChannel ch) {
        try {
            // A fresh socket's send buffer takes this short line without blocking the acceptor.
            Lines.write(ch, handler.transportError(JsonRpc.SERVER_BUSY, "server busy: " + limits.maxConnections()
                    + " connections already open; try again later"));
        } catch (IOException | RuntimeException e) {
            LOG.debug("control socket: refusing a connection: {}", e.toString());
        }
        closeQuietly(ch);
    }

    void stop() {
        stopping = true;
        closeQuietly(server);
        join(acceptor);
        for (Connection c : connections.keySet()) {
            c.shutdown();
        }
        for (Thread t : connections.values()) {
            join(t);
        }
    }

    private static void join(Thread t) {
        try {
            t.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Channel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("control socket: close: {}", e.toString());
        }
    }
}
