package net.coopwan.luci.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.LatencyStatus;
import net.coopwan.luci.ctl.CtlCommandTest.Run;
import net.coopwan.luci.rpc.Json;
import net.coopwan.luci.testsupport.RunningSocket;

/**
 * {@code coopwan ctl latency} through a real control socket: the test daemon's own answer (its peer
 * link is off, so everything is off), and a sample status put in front of it.
 */
class CtlLatencyTest {

    @TempDir
    static Path dir;
    static RunningSocket running;
    /** Null: the real daemon answers. */
    static volatile LatencyStatus shown;

    @BeforeAll
    static void start() throws Exception {
        running = RunningSocket.start(dir.resolve("latency.sock"), real -> (ControlApi) Proxy.newProxyInstance(
                ControlApi.class.getClassLoader(), new Class<?>[] {ControlApi.class}, (proxy, m, args) -> {
                    if (m.getName().equals("latency") && shown != null) {
                        return shown;
                    }
                    try {
                        return m.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }

    @BeforeEach
    void reset() {
        shown = null;
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    static Run ctl(String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = "--socket";
        argv[1] = running.socket.toString();
        System.arraycopy(args, 0, argv, 2, args.length);
        return CtlCommandTest.ctl(argv);
    }

    @Test
    void aDaemonWithoutPeerLinkShowsEverythingOff() throws Exception {
        Run r = ctl("latency");
        assertEquals(0, r.code(), r.err());
        assertEquals("classification off\nsuppression off\ncommon ISP off\nduplication off: peer link off\n", r.out());
        JsonNode j = Json.mapper().readTree(ctl("--json", "latency").out());
        assertEquals(false, j.path("classification").path("enabled").asBoolean(true));
        assertEquals("OFF", j.path("suppression").path("state").asText());
        assertEquals(-1, j.path("suppression").path("enforcedPercent").asInt());
        assertEquals(false, j.path("commonIsp").path("enabled").asBoolean(true));
    }

    @Test
    void theStatusComesThroughTheSocket() throws Exception {
        shown = new LatencyStatus(
                new LatencyStatus.Classification(true, "a", false, 99, Map.of("voip", 4L), 1, 0, 2, 3, 0, 0, 0, 1, 0),
                new LatencyStatus.Suppression(true, "WATCHING", "lc traffic current", -1, Map.of(), Map.of()),
                new LatencyStatus.Duplication(false, LatencyStatus.DUPLICATION_NOT_WIRED));
        Run r = ctl("latency");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("classification on, DSCP rule a, LC traffic not current; 99 LC packets"), r.out());
        assertTrue(r.out().contains("app voip       4\n"), r.out());
        assertTrue(r.out().contains("suppression WATCHING (lc traffic current), nothing enforced\n"), r.out());
        JsonNode j = Json.mapper().readTree(ctl("--json", "latency").out());
        assertEquals(Json.mapper().readTree(Json.mapper().writeValueAsString(shown)), j);
    }

    @Test
    void anArgumentIsAUsageError() {
        Run r = ctl("latency", "now");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unexpected argument 'now' after latency"), r.err());
    }
}
