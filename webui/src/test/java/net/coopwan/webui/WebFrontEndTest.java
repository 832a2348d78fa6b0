package net.coopwan.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ServiceLoader;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.PasswordHash;
import net.coopwan.config.Web;
import net.coopwan.daemon.frontend.FrontEnd;
import net.coopwan.daemon.frontend.FrontEndContext;
import net.coopwan.daemon.testing.TestDaemon;

/** The FrontEnd contract: found by ServiceLoader, enabled by config, clear start failures, clean stop. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebFrontEndTest {

    private static final String PASSWORD = "lifecycle-pw";
    private TestDaemon daemon;

    @BeforeAll
    void start() {
        daemon = TestDaemon.start(WebUi.config(PASSWORD, 0));
    }

    @AfterAll
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private FrontEndContext context(Web web) {
        CoopwanConfig c = WebUi.config(PASSWORD, 0);
        CoopwanConfig withWeb = new CoopwanConfig(c.global(), c.uplinks(), c.peer(), c.offers(), web, c.snmp(), c.bonds());
        return new FrontEndContext(daemon.api(), withWeb, daemon.stateDir());
    }

    private static Web web(boolean enabled, int port, String hash, int timeout) {
        return new Web(enabled, "127.0.0.1", port, WebUi.USER, hash, timeout);
    }

    @Test
    void serviceLoaderFindsIt() {
        assertTrue(ServiceLoader.load(FrontEnd.class).stream().anyMatch(p -> p.type() == WebFrontEnd.class));
        assertEquals("web", new WebFrontEnd().name());
    }

    @Test
    void enabledFollowsTheConfig() {
        String hash = PasswordHash.hash(PASSWORD.toCharArray());
        assertTrue(new WebFrontEnd().enabled(context(web(true, 0, hash, 60))));
        assertFalse(new WebFrontEnd().enabled(context(web(false, 0, hash, 60))));
    }

    @Test
    void aBrokenPasswordHashIsRefusedAtStart() {
        for (String bad : new String[] {"", "plain", "pbkdf2-sha256$x$y$z", "pbkdf2-sha256$3000$@@@$@@@"}) {
            WebFrontEnd fe = new WebFrontEnd();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fe.start(context(web(true, 0, bad, 60))), bad);
            assertTrue(e.getMessage().contains("password_hash"), e.getMessage());
            assertEquals(null, fe.uri(), "nothing started");
        }
    }

    @Test
    void anEmptyUserOrTimeoutIsRefusedAtStart() {
        String hash = PasswordHash.hash(PASSWORD.toCharArray());
        Web noUser = new Web(true, "127.0.0.1", 0, " ", hash, 60);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new WebFrontEnd().start(context(noUser)))
                .getMessage().contains("user"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new WebFrontEnd().start(context(web(true, 0, hash, 0))))
                .getMessage().contains("timeout"));
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            WebFrontEnd fe = new WebFrontEnd();
            IOException e = assertThrows(IOException.class, () -> fe.start(context(web(true, taken.getLocalPort(),
                    PasswordHash.hash(PASSWORD.toCharArray()), 60))));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void stopReleasesThePortAndStartTwiceIsRefused() throws Exception {
        int port = TestDaemon.freeTcpPort();
        WebFrontEnd fe = new WebFrontEnd();
        FrontEndContext ctx = context(web(true, port, PasswordHash.hash(PASSWORD.toCharArray()), 60));
        assertEquals("web UI on http://127.0.0.1:" + port + "/", fe.start(ctx));
        assertThrows(IllegalStateException.class, () -> fe.start(ctx));
        fe.stop();
        fe.stop();
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "the port is free after stop");
        }
    }

    @Test
    void idleSessionsEnd() throws Exception {
        WebFrontEnd fe = new WebFrontEnd();
        fe.start(context(web(true, 0, PasswordHash.hash(PASSWORD.toCharArray()), 1)));
        try {
            Http http = new Http(fe.uri());
            Http.Login login = http.apiLogin(WebUi.USER, PASSWORD);
            assertEquals(200, http.get("/api/v1/status", login).statusCode());
            Thread.sleep(1200);
            assertEquals(401, http.get("/api/v1/status", login).statusCode(), "idle longer than the 1 s timeout");
        } finally {
            fe.stop();
        }
    }
}
