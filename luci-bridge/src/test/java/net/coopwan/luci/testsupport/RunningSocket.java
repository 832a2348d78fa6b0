package net.coopwan.luci.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Global;
import net.coopwan.config.PeerLink;
import net.coopwan.config.Snmp;
import net.coopwan.config.Uplink;
import net.coopwan.config.Web;
import net.coopwan.daemon.testing.TestDaemon;
import net.coopwan.luci.socket.ControlSocketFrontEnd;
import net.coopwan.luci.socket.SocketLimits;

/** A real TestDaemon with a started {@link ControlSocketFrontEnd} on a socket in a temp dir. */
public final class RunningSocket implements AutoCloseable {

    public final TestDaemon daemon;
    public final ControlSocketFrontEnd frontEnd;
    public final Path socket;
    public final String startLine;
    /** Nanoseconds start() took. */
    public final long startNanos;
    private boolean stopped;

    private RunningSocket(TestDaemon daemon, ControlSocketFrontEnd frontEnd, Path socket, String startLine, long nanos) {
        this.daemon = daemon;
        this.frontEnd = frontEnd;
        this.socket = socket;
        this.startLine = startLine;
        this.startNanos = nanos;
    }

    /** A config with one uplink "wan" on "lo" (present on every machine) and the given control socket. */
    public static CoopwanConfig config(Path socket) {
        return new CoopwanConfig(new Global(Global.Role.ROUTER, "info", socket.toString()),
                List.of(new Uplink("wan", "lo", true, 0, 0)),
                new PeerLink(false, "br-coop", 4790), List.of(),
                new Web(false, "127.0.0.1", 8080, "admin", "", 600),
                new Snmp(false, "127.0.0.1", 1161, "admin", "SHA-256", "authpass1", "AES-128", "privpass1", "", "", "", ""),
                List.of());
    }

    public static RunningSocket start(Path socket) throws IOException {
        return start(socket, SocketLimits.DEFAULTS);
    }

    /**
     * A daemon running from a config FILE, as bonds need (on embedded defaults it refuses them):
     * uplinks "wan" on lo and "lte" on a device that does not exist, the control socket at
     * {@code socket}. The file is written next to the socket.
     */
    public static RunningSocket startFromFile(Path socket) throws IOException {
        Path file = socket.resolveSibling("coopwan.conf");
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, """
                config global 'global'
                \toption control_socket '%s'

                config uplink 'wan'
                \toption device 'lo'

                config uplink 'lte'
                \toption device 'cwtnodev0'
                """.formatted(socket));
        TestDaemon d;
        try {
            d = TestDaemon.start(net.coopwan.daemon.main.ConfigHolder.fromFile(file));
        } catch (net.coopwan.config.ConfigException e) {
            throw new IllegalStateException(e);
        }
        return start(d, socket, SocketLimits.DEFAULTS);
    }

    public static RunningSocket start(Path socket, SocketLimits limits) throws IOException {
        return start(TestDaemon.start(config(socket)), socket, limits);
    }

    /**
     * As {@link #start(Path)}, but the control socket serves {@code wrap} applied to the daemon's
     * ControlApi: a test's stand-in for what the daemon cannot be made to show (an emergency).
     */
    public static RunningSocket start(Path socket, java.util.function.UnaryOperator<net.coopwan.daemon.api.ControlApi> wrap)
            throws IOException {
        return start(TestDaemon.start(config(socket)), socket, SocketLimits.DEFAULTS, wrap);
    }

    private static RunningSocket start(TestDaemon d, Path socket, SocketLimits limits) throws IOException {
        return start(d, socket, limits, java.util.function.UnaryOperator.identity());
    }

    private static RunningSocket start(TestDaemon d, Path socket, SocketLimits limits,
            java.util.function.UnaryOperator<net.coopwan.daemon.api.ControlApi> wrap) throws IOException {
        try {
            ControlSocketFrontEnd fe = new ControlSocketFrontEnd(limits);
            long t0 = System.nanoTime();
            net.coopwan.daemon.frontend.FrontEndContext c = d.context();
            String line = fe.start(new net.coopwan.daemon.frontend.FrontEndContext(wrap.apply(c.api()), c.config(), c.stateDir()));
            long nanos = System.nanoTime() - t0;
            return new RunningSocket(d, fe, socket, line, nanos);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Stops the front-end only; the daemon stays for further checks. */
    public void stopFrontEnd() {
        if (!stopped) {
            stopped = true;
            frontEnd.stop();
        }
    }

    public RawClient connect() throws IOException {
        return RawClient.connect(socket);
    }

    @Override
    public void close() {
        stopFrontEnd();
        daemon.close();
    }
}
