package net.coopwan.luci.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.luci.ctl.CtlCommandTest.Run;
import net.coopwan.luci.rpc.Json;
import net.coopwan.luci.testsupport.EmergencyApi;
import net.coopwan.luci.testsupport.RunningSocket;

/**
 * {@code coopwan ctl emergency} and {@code emergency end PEER} through a real control socket,
 * whose ControlApi has an emergency in both roles ({@link EmergencyApi}): a test daemon's peer
 * link cannot carry one. CtlCommandTest covers the real daemon's answers with the peer link off.
 */
class CtlEmergencyTest {

    @TempDir
    static Path dir;
    static RunningSocket running;
    static EmergencyApi api;

    @BeforeAll
    static void start() throws Exception {
        running = RunningSocket.start(dir.resolve("emergency.sock"), real -> api = new EmergencyApi(real));
    }

    @BeforeEach
    void reset() {
        api.reset();
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
    void emergencyShowsTheRequesterLineAndTheNeighboursCarried() {
        Run r = ctl("emergency");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.lines();
        assertEquals("carried by neighbour " + EmergencyApi.HELPER + " since 12:00:05 (wan down: 3 probes lost), quota 50000000 B"
                + " per 1000 ms, sent 1.5 KiB, received 12.0 MiB", lines.get(0), r.out());
        assertTrue(lines.get(1).startsWith("PEER "), r.out());
        assertTrue(lines.get(2).matches(EmergencyApi.CARRIED + "\\s+HELPING\\s+12:01:00\\s+50000000 B/1000 ms\\s+37%\\s+12\\.0 MiB"
                + "\\s+0 B\\s+3 pkts\\s+lte down"), r.out());
        assertEquals("emergencies started 2, NO_AGREEMENT 1", lines.get(3));
    }

    @Test
    void jsonPrintsTheRawStatus() throws Exception {
        Run r = ctl("--json", "emergency");
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.mapper().readTree(r.out());
        assertEquals("CARRIED", j.get("requester").get("state").asText());
        assertEquals("2026-11-01T12:00:05.500Z", j.get("requester").get("since").asText());
        assertEquals(Json.mapper().readTree(Json.mapper().writeValueAsString(api.emergency())), j);
        // "peers" carries it too, for LuCI's view (one call)
        JsonNode peers = Json.mapper().readTree(ctl("--json", "peers").out());
        assertEquals(j, peers.get("emergency"));
    }

    @Test
    void endStopsCarryingTheNeighbourAndAnUnknownOneIsNotFound() throws Exception {
        Run unknown = ctl("emergency", "end", "coop-nobody");
        assertEquals(CtlCommand.DAEMON_ERROR, unknown.code(), unknown.out());
        assertEquals("coopwan ctl: emergency.end: this router carries no emergency for 'coop-nobody' (NOT_FOUND, error -32012)\n",
                unknown.err());
        assertEquals("", unknown.out());
        assertEquals(List.of(), api.ended());

        Run end = ctl("emergency", "end", EmergencyApi.CARRIED);
        assertEquals(0, end.code(), end.err());
        assertEquals("ended the emergency of " + EmergencyApi.CARRIED + ": its traffic is no longer carried, and it is told\n",
                end.out());
        assertEquals(List.of(EmergencyApi.CARRIED + " via cli"), api.ended());
        Run after = ctl("emergency");
        assertTrue(after.out().contains("\ncarrying no neighbour\n"), after.out());
        // the second time there is nothing left to end
        Run again = ctl("--json", "emergency", "end", EmergencyApi.CARRIED);
        assertEquals(CtlCommand.DAEMON_ERROR, again.code());
        assertTrue(again.err().contains("(NOT_FOUND, error -32012)"), again.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"emergency end", "emergency end a b", "emergency stop a", "emergency a", "emergency status x"})
    void badEmergencyUsageExitsTwoAndAsksNothing(String line) {
        Run r = ctl(line.split(" "));
        assertEquals(CtlCommand.USAGE, r.code(), line + " -> " + r.err());
        assertTrue(r.err().startsWith("coopwan ctl: usage: coopwan ctl emergency | coopwan ctl emergency end PEER\n"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void endIsSentAsEmergencyEndViaCli() throws Exception {
        CtlArgs a = CtlArgs.parse(new String[] {"emergency", "end", "coop-7"});
        assertEquals("emergency.end", a.command());
        assertEquals("{\"peer\":\"coop-7\",\"via\":\"cli\"}", a.params().toString());
        CtlArgs s = CtlArgs.parse(new String[] {"--json", "emergency"});
        assertEquals("emergency", s.command());
        assertEquals(null, s.params());
        assertTrue(s.json());
    }
}
