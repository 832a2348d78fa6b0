package net.coopwan.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.coopwan.config.PasswordHash;
import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.store.EventLog;
import net.coopwan.daemon.store.Store;
import net.coopwan.daemon.testing.TestDaemon;

/**
 * The packaged daemon started the way procd starts it: foreground, every front-end on, SIGHUP
 * reloads, SIGTERM stops cleanly, bad config refused with file:line.
 */
class DaemonProcessIT {

    private static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private String config(String uplinkDevice, int web, int snmp) {
        return "config global 'global'\n"
                + "\toption role 'router'\n"
                + "\toption log_level 'info'\n"
                + "\toption control_socket '" + dir.resolve("ctl.sock") + "'\n\n"
                + "config uplink 'wan'\n"
                + "\toption device '" + uplinkDevice + "'\n\n"
                + "config web 'web'\n"
                + "\toption listen '127.0.0.1'\n"
                + "\toption port '" + web + "'\n"
                + "\toption user 'admin'\n"
                + "\toption password_hash '" + PasswordHash.hash("it-secret".toCharArray()) + "'\n\n"
                + "config snmp 'snmp'\n"
                + "\toption listen '127.0.0.1'\n"
                + "\toption port '" + snmp + "'\n"
                + "\toption v3_user 'ituser'\n"
                + "\toption v3_auth_protocol 'SHA-256'\n"
                + "\toption v3_auth_pass 'it-auth-pass'\n"
                + "\toption v3_priv_protocol 'AES-128'\n"
                + "\toption v3_priv_pass 'it-priv-pass'\n";
    }

    /**
     * Started with SIGHUP ignored (nohup), the JVM cannot take the signal back: the daemon says so
     * in its log, survives a SIGHUP, and reloads through the control socket.
     */
    @Test
    void saysSoWhenSighupIsIgnoredAndReloadsThroughTheControlSocket() throws Exception {
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, config("lo", TestDaemon.freeTcpPort(), TestDaemon.freeUdpPort()));
        try (DaemonProcess d = DaemonProcess.startIgnoringHangup(dir.resolve("log"), "run", "--config",
                cfg.toString(), "--state", dir.resolve("state").toString())) {
            d.await("coopwan ready in", START);
            d.await("SIGHUP is ignored in this process (started under nohup?): reload with 'coopwan ctl reload'",
                    START);
            d.signal("HUP");
            DaemonProcess.Result ctl = DaemonProcess.runToEnd(START, "ctl", "--socket",
                    dir.resolve("ctl.sock").toString(), "status");
            assertEquals(0, ctl.exit(), ctl.output());
            assertTrue(d.process.isAlive(), "an ignored SIGHUP does not stop it:\n" + d.output());

            Files.writeString(cfg, config("coopwan-none0", TestDaemon.freeTcpPort(), TestDaemon.freeUdpPort()));
            DaemonProcess.Result reload = DaemonProcess.runToEnd(START, "ctl", "--socket",
                    dir.resolve("ctl.sock").toString(), "reload");
            assertEquals(0, reload.exit(), reload.output());
            d.await("config: reloaded " + cfg, START);
            d.signal("TERM");
            assertEquals(0, d.awaitExit(START), d.output());
        }
    }

    @Test
    void runsInForegroundWithEveryFrontEndReloadsOnHupAndStopsOnTerm() throws Exception {
        int web = TestDaemon.freeTcpPort();
        int snmp = TestDaemon.freeUdpPort();
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, config("lo", web, snmp));
        Path state = dir.resolve("state");
        try (DaemonProcess d = DaemonProcess.start(dir.resolve("log"), "run", "--config", cfg.toString(),
                "--state", state.toString())) {
            d.await("coopwan ready in", START);
            String out = d.output();
            assertTrue(out.contains("http://127.0.0.1:" + web + "/"), out);
            assertTrue(out.contains("udp:127.0.0.1:" + snmp), out);
            assertTrue(out.contains(dir.resolve("ctl.sock").toString()), out);
            assertTrue(out.contains("uplink wan: lo up"), "one line per state change:\n" + out);

            HttpResponse<String> login = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/login")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, login.statusCode());

            DaemonProcess.Result ctl = DaemonProcess.runToEnd(START, "ctl", "--socket",
                    dir.resolve("ctl.sock").toString(), "--json", "status");
            assertEquals(0, ctl.exit(), ctl.output());
            assertTrue(ctl.output().contains("\"uplinksUp\" : 1") || ctl.output().contains("\"uplinksUp\":1"), ctl.output());

            // A good edit + SIGHUP is applied ...
            Files.writeString(cfg, config("coopwan-none0", web, snmp));
            d.signal("HUP");
            d.await("config: reloaded " + cfg, START);
            d.await("uplink wan: coopwan-none0 up -> missing (no such device)", START);

            // ... a bad one is refused and the daemon keeps running on the last good config.
            Files.writeString(cfg, config("lo", 99999, snmp));
            d.signal("HUP");
            d.await("reload failed, keeping the last good config", START);
            assertTrue(d.output().contains(cfg + ":"), "error names the file and line:\n" + d.output());
            assertTrue(d.process.isAlive());

            d.signal("TERM");
            assertEquals(0, d.awaitExit(START), "SIGTERM is a clean stop:\n" + d.output());
        }
        // The stop was recorded in the real H2 file, and the socket file is gone.
        assertFalse(Files.exists(dir.resolve("ctl.sock")), "control socket removed on stop");
        try (Store store = Store.open(state)) {
            List<Event> events = new EventLog(store, java.time.Clock.systemUTC()).newest(50);
            assertEquals("stopped", events.get(0).message(), events.toString());
            assertTrue(events.stream().anyMatch(e -> e.message().startsWith("reload failed")), events.toString());
        }
    }

    private static int apiLogin(int port, String password) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\",\"password\":\"" + password + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void passwdThenCtlReloadChangesTheWebPasswordWithoutARestart() throws Exception {
        int web = TestDaemon.freeTcpPort();
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, config("lo", web, TestDaemon.freeUdpPort()));
        try (DaemonProcess d = DaemonProcess.start(dir.resolve("log"), "run", "--config", cfg.toString(),
                "--state", dir.resolve("state").toString())) {
            d.await("coopwan ready in", START);
            assertEquals(200, apiLogin(web, "it-secret"));
            ProcessBuilder passwd = DaemonProcess.command("passwd", "--config", cfg.toString());
            Process p = passwd.start();
            p.getOutputStream().write("brand new secret\n".getBytes());
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            DaemonProcess.Result reload = DaemonProcess.runToEnd(START, "ctl", "--socket",
                    dir.resolve("ctl.sock").toString(), "reload");
            assertEquals(0, reload.exit(), reload.output());
            assertEquals(200, apiLogin(web, "brand new secret"));
            assertTrue(apiLogin(web, "it-secret") >= 400, "the old password no longer logs in");
        }
    }

    @Test
    void refusesToStartOnABadConfigNamingFileAndLine() throws Exception {
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, config("lo", 8080, 1161).replace("option port '8080'", "option port 'eighty'"));
        DaemonProcess.Result r = DaemonProcess.runToEnd(START, "run", "--config", cfg.toString(), "--state",
                dir.resolve("state").toString());
        assertEquals(3, r.exit(), r.output());
        assertTrue(r.output().contains("refusing to start: " + cfg + ":11:"), r.output());
        assertTrue(r.output().contains("port"), r.output());
        assertFalse(Files.exists(dir.resolve("state")), "nothing created on a refused start");
    }

    @Test
    void refusesASecondDaemonOnTheSameState() throws Exception {
        Path state = dir.resolve("state");
        try (Store held = Store.open(state)) {
            DaemonProcess.Result r = DaemonProcess.runToEnd(START, "run", "--state", state.toString());
            assertEquals(4, r.exit(), r.output());
            assertTrue(r.output().contains("in use by another coopwan"), r.output());
        }
    }

    @Test
    void checkAndUsageErrors() throws Exception {
        Path cfg = dir.resolve("coopwan");
        Files.writeString(cfg, config("lo", 8080, 1161));
        DaemonProcess.Result ok = DaemonProcess.runToEnd(START, "check", "--config", cfg.toString());
        assertEquals(0, ok.exit(), ok.output());
        DaemonProcess.Result bad = DaemonProcess.runToEnd(START, "frobnicate");
        assertEquals(2, bad.exit());
        assertTrue(bad.output().contains("unknown command 'frobnicate'"), bad.output());
        DaemonProcess.Result badArg = DaemonProcess.runToEnd(START, "run", "--bogus");
        assertEquals(2, badArg.exit());
        assertTrue(badArg.output().contains("unknown argument '--bogus'"), badArg.output());
    }
}
