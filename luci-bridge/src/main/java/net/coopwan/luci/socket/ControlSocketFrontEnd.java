package net.coopwan.luci.socket;

import java.io.IOException;
import java.nio.file.Path;

import jnr.unixsocket.UnixServerSocketChannel;
import net.coopwan.daemon.frontend.FrontEnd;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.luci.rpc.JsonRpcHandler;
import net.coopwan.luci.rpc.RpcMethods;

/**
 * JSON-RPC 2.0 on the unix socket named by {@code option control_socket}: what the LuCI rpcd
 * plugin and {@code coopwan ctl} talk to. One JSON value per line, answers in order.
 */
public final class ControlSocketFrontEnd implements FrontEnd {

    private final SocketLimits limits;
    private UnixServerSocketChannel channel;
    private SocketFile file;
    private SocketServer server;

    /** For ServiceLoader: the {@link SocketLimits#DEFAULTS}. */
    public ControlSocketFrontEnd() {
        this(SocketLimits.DEFAULTS);
    }

    public ControlSocketFrontEnd(SocketLimits limits) {
        this.limits = limits;
    }

    @Override
    public String name() {
        return "control-socket";
    }

    @Override
    public boolean enabled(FrontEndContext context) {
        String s = context.config().global().controlSocket();
        return s != null && !s.isBlank();
    }

    @Override
    public synchronized String start(FrontEndContext context) throws IOException {
        if (channel != null) {
            throw new IllegalStateException("control socket already started");
        }
        Path path = Path.of(context.config().global().controlSocket()).normalize();
        UnixServerSocketChannel ch = UnixServerSocketChannel.open();
        try {
            file = SocketFile.bind(path, ch, limits.maxConnections());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        channel = ch;
        RpcMethods methods = new RpcMethods(context.api());
        server = new SocketServer(ch, () -> new JsonRpcHandler(methods), limits);
        server.start();
        return "control socket " + path;
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.stop();
        file.delete();
        server = null;
    }

    /** Connections being served now; for tests and diagnostics. */
    public synchronized int connections() {
        return server == null ? 0 : server.connections();
    }
}
