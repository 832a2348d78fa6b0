package net.coopwan.webui;

import java.net.URI;
import java.util.List;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Global;
import net.coopwan.config.PasswordHash;
import net.coopwan.config.PeerLink;
import net.coopwan.config.Snmp;
import net.coopwan.config.Uplink;
import net.coopwan.config.Web;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.daemon.testing.TestDaemon;

/**
 * A real daemon (TestDaemon) with the real web front-end on a free port of 127.0.0.1. More web
 * front-ends can be started on the same daemon, e.g. one per throttling test, since the throttle
 * is per client address and every test client is 127.0.0.1.
 */
final class WebUi implements AutoCloseable {

    static final String USER = "admin";

    final TestDaemon daemon;
    final CountingApi api;
    final WebFrontEnd web;
    final String startLine;
    final long startMillis;
    final Http http;

    private WebUi(TestDaemon daemon, String password) throws Exception {
        this.daemon = daemon;
        CoopwanConfig config = config(password, TestDaemon.freeTcpPort());
        this.api = new CountingApi(daemon.api(), config);
        this.web = new WebFrontEnd();
        long t0 = System.nanoTime();
        this.startLine = web.start(new FrontEndContext(api, config, daemon.stateDir()));
        this.startMillis = (System.nanoTime() - t0) / 1_000_000;
        this.http = new Http(web.uri());
    }

    /** A daemon and a web front-end whose password is {@code password}. */
    static WebUi start(String password) throws Exception {
        TestDaemon d = TestDaemon.start(config(password, 0));
        try {
            return new WebUi(d, password);
        } catch (Exception | Error e) {
            d.close();
            throw e;
        }
    }

    /**
     * Uplinks of {@link #startFromFile}: "wan" on lo and "lte" on a device that does not exist (a
     * bond member need not be up). No web or snmp section: the front-end gets its own config.
     */
    static final String BOND_CONFIG = """
            config global 'global'
            \toption control_socket ''

            config uplink 'wan'
            \toption device 'lo'

            config uplink 'lte'
            \toption device 'cwtnodev0'
            """;

    /**
     * A daemon running from a config FILE ({@link #BOND_CONFIG} written to {@code file}), as bonds
     * need: on embedded defaults the daemon refuses them.
     */
    static WebUi startFromFile(String password, java.nio.file.Path file) throws Exception {
        java.nio.file.Files.writeString(file, BOND_CONFIG);
        TestDaemon d = TestDaemon.start(net.coopwan.daemon.main.ConfigHolder.fromFile(file));
        try {
            return new WebUi(d, password);
        } catch (Exception | Error e) {
            d.close();
            throw e;
        }
    }

    /** Another web front-end on the same daemon; closing it leaves the daemon running. */
    Extra another(String password) throws Exception {
        CoopwanConfig config = config(password, TestDaemon.freeTcpPort());
        CountingApi a = new CountingApi(daemon.api(), config);
        WebFrontEnd w = new WebFrontEnd();
        w.start(new FrontEndContext(a, config, daemon.stateDir()));
        return new Extra(w, a, new Http(w.uri()));
    }

    record Extra(WebFrontEnd web, CountingApi api, Http http) implements AutoCloseable {
        @Override
        public void close() {
            web.stop();
        }
    }

    URI uri() {
        return web.uri();
    }

    static CoopwanConfig config(String password, int port) {
        return config(PasswordHash.hash(password.toCharArray()), port, 600);
    }

    static CoopwanConfig config(String passwordHash, int port, int sessionTimeout) {
        return new CoopwanConfig(
                new Global(Global.Role.ROUTER, "info", "/nonexistent/coopwan.sock"),
                List.of(new Uplink("wan", "lo", true, 0, 0)),
                new PeerLink(false, "br-coop", 4790),
                List.of(),
                new Web(true, "127.0.0.1", port, USER, passwordHash, sessionTimeout),
                new Snmp(false, "127.0.0.1", 0, "admin", "SHA-256", "authpass1", "AES-128", "privpass1", "", "", "", ""),
                List.of());
    }

    @Override
    public void close() {
        try {
            web.stop();
        } finally {
            daemon.close();
        }
    }
}
