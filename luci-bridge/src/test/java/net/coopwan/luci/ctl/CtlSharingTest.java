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
import net.coopwan.luci.testsupport.RunningSocket;
import net.coopwan.luci.testsupport.SharingApi;

/**
 * {@code coopwan ctl sharing} with its counters, and {@code sharing stop|resume PEER}, through a
 * real control socket whose ControlApi lends and borrows ({@link SharingApi}).
 */
class CtlSharingTest {

    @TempDir
    static Path dir;
    static RunningSocket running;
    static SharingApi api;

    @BeforeAll
    static void start() throws Exception {
        running = RunningSocket.start(dir.resolve("sharing.sock"), real -> (api = new SharingApi(real)).api());
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
    void sharingShowsTheCountersOfBothRolesAndTheTotals() {
        Run r = ctl("sharing");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.lines();
        assertEquals("lend on, borrow on; spare 7000 kbit/s down, 900 kbit/s up", lines.get(0));
        assertTrue(lines.get(1).startsWith("BORROWER ") && lines.get(1).contains("SESSIONS  RATE DOWN/UP"), r.out());
        assertTrue(lines.get(2).matches(SharingApi.BORROWER + "\\s+5000 kbit/s\\s+450 kbit/s\\s+LENDING\\s+610\\.4 KiB\\s+3"
                + "\\s+1500/150 kbit/s\\s+2\\.0 MiB/200\\.0 KiB"), r.out());
        assertTrue(lines.get(4).matches(SharingApi.SHARER + "\\s+BORROWING\\s+4000 kbit/s\\s+400 kbit/s\\s+83\\.3%\\s+2\\s+9"
                + "\\s+3000/200 kbit/s\\s+5\\.0 MiB/300\\.0 KiB"), r.out());
        assertEquals("in all: lent 2.0 MiB down, 200.0 KiB up, 3 sessions now; borrowed 5.0 MiB down, 300.0 KiB up,"
                + " 2 sessions now, 9 moved", lines.get(5));
        assertEquals("counted: {SHARING_REFUSED_STOPPED=1}", lines.get(6));
    }

    @Test
    void stopAndResumeChangeTheBorrowerAndAnUnknownOneIsNotFound() throws Exception {
        Run unknown = ctl("sharing", "stop", "coop-nobody");
        assertEquals(CtlCommand.DAEMON_ERROR, unknown.code(), unknown.out());
        assertEquals("coopwan ctl: sharing.stop: 'coop-nobody' borrows nothing from this router (NOT_FOUND, error -32012)\n",
                unknown.err());
        assertEquals(List.of(), api.changes());

        Run stop = ctl("sharing", "stop", SharingApi.BORROWER);
        assertEquals(0, stop.code(), stop.err());
        assertEquals("stopped lending to " + SharingApi.BORROWER + ": it is offered nothing and its use is refused until"
                + " 'coopwan ctl sharing resume " + SharingApi.BORROWER + "'\n", stop.out());
        assertTrue(ctl("sharing").lines().get(2).contains("STOPPED LENDING"), ctl("sharing").out());
        JsonNode j = Json.mapper().readTree(ctl("--json", "sharing").out());
        assertTrue(j.get("lending").get(0).get("stopped").asBoolean(), j.toString());

        Run resume = ctl("sharing", "resume", SharingApi.BORROWER);
        assertEquals(0, resume.code(), resume.err());
        assertEquals("resumed lending to " + SharingApi.BORROWER + "\n", resume.out());
        assertEquals(List.of("stop " + SharingApi.BORROWER + " via cli", "resume " + SharingApi.BORROWER + " via cli"),
                api.changes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sharing stop", "sharing stop a b", "sharing end a", "sharing a", "sharing resume"})
    void badSharingUsageExitsTwoAndAsksNothing(String line) {
        Run r = ctl(line.split(" "));
        assertEquals(CtlCommand.USAGE, r.code(), line + " -> " + r.err());
        assertTrue(r.err().startsWith("coopwan ctl: usage: coopwan ctl sharing | coopwan ctl sharing stop PEER"), r.err());
        assertEquals("", r.out());
        assertEquals(List.of(), api.changes());
    }

    @Test
    void stopIsSentAsSharingStopViaCli() throws Exception {
        CtlArgs a = CtlArgs.parse(new String[] {"sharing", "stop", "coop-7"});
        assertEquals("sharing.stop", a.command());
        assertEquals("{\"peer\":\"coop-7\",\"via\":\"cli\"}", a.params().toString());
        assertEquals("sharing.resume", CtlArgs.parse(new String[] {"sharing", "resume", "coop-7"}).command());
    }
}
