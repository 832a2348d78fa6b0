package net.coopwan.luci.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import jnr.unixsocket.UnixServerSocketChannel;
import jnr.unixsocket.UnixSocketAddress;
import net.coopwan.config.ConfigLoader;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.Status;
import net.coopwan.luci.rpc.Json;
import net.coopwan.luci.rpc.RpcMethods;
import net.coopwan.luci.testsupport.RunningSocket;

/** {@code coopwan ctl} against a real daemon's control socket. */
class CtlCommandTest {

    @TempDir
    static Path dir;
    static RunningSocket running;
    static ControlApi api;

    @BeforeAll
    static void start() throws Exception {
        running = RunningSocket.start(dir.resolve("ctl.sock"));
        api = running.daemon.api();
        for (int i = 0; i < 7; i++) {
            running.daemon.daemon().events().record("test", "ctl event " + i);
        }
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    record Run(int code, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run ctl(String... args) {
        return ctlWith(null, args);
    }

    static Run ctlWith(Path systemConfig, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CtlCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), systemConfig);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String sock() {
        return running.socket.toString();
    }

    @Test
    void statusShowsHostnameUplinkCountAndFrontEnds() {
        Status s = api.status();
        Run r = ctl("--socket", sock(), "status");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("hostname   " + s.hostname() + "\n"), r.out());
        assertTrue(r.out().contains("role       " + s.role() + "\n"), r.out());
        assertTrue(r.out().contains("version    " + s.version() + "\n"), r.out());
        assertTrue(r.out().contains("uplinks    " + s.uplinksUp() + "/" + s.uplinksTotal() + " up\n"), r.out());
        assertTrue(r.out().contains("config     " + s.configFile() + "\n"), r.out());
        assertTrue(r.out().contains("uptime     "), r.out());
        assertEquals(s.frontEnds().size(), r.lines().stream().filter(l -> l.startsWith("front-end ")).count());
    }

    @Test
    void jsonStatusParsesAsTheApisStatus() throws Exception {
        Run r = ctl("--json", "--socket", sock(), "status");
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.mapper().readTree(r.out());
        assertEquals(api.status().hostname(), j.get("hostname").asText());
        assertEquals(api.status().uplinksTotal(), j.get("uplinksTotal").asInt());
        assertTrue(r.out().contains("\n  \""), "pretty-printed for people reading script output: " + r.out());
    }

    @Test
    void eventsNPrintsTheNewestNOldestFirst() {
        Run r = ctl("--socket", sock(), "events", "5");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.lines();
        assertEquals(5, lines.size(), r.out());
        assertTrue(lines.get(4).endsWith(" test: ctl event 6"), r.out());
        assertTrue(lines.get(0).endsWith(" test: ctl event 2"), r.out());
        String time = api.events(1).get(0).time().truncatedTo(ChronoUnit.SECONDS).toString();
        assertTrue(lines.get(4).startsWith(time + " "), lines.get(4) + " should start with " + time);
    }

    @Test
    void jsonEventsIsTheRawArray() throws Exception {
        Run r = ctl("--socket", sock(), "--json", "events", "3");
        assertEquals(0, r.code(), r.err());
        JsonNode j = Json.mapper().readTree(r.out());
        assertEquals(3, j.size());
        assertEquals(api.events(1).get(0).id(), j.get(0).get("id").asLong());
    }

    @Test
    void uplinksIsATable() {
        Run r = ctl("--socket", sock(), "uplinks");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.lines();
        assertTrue(lines.get(0).matches("NAME\\s+DEVICE\\s+STATE\\s+RX\\s+TX\\s+TUNNEL"), lines.get(0));
        assertEquals(api.uplinks().size() + 1, lines.size(), r.out());
        assertTrue(lines.get(1).matches("wan\\s+lo\\s+" + api.uplinks().get(0).state() + "\\s+\\d.*B\\s+\\d.*B\\s+-"), lines.get(1));
    }

    @Test
    void peersSaysCooperationIsOffWhenThePeerLinkIsDisabled() throws Exception {
        Run r = ctl("--socket", sock(), "peers");
        assertEquals(0, r.code(), r.err());
        assertEquals("Cooperation is off (peer.enabled 0)\n", r.out());
        Run j = ctl("--socket", sock(), "--json", "peers");
        assertEquals(0, j.code(), j.err());
        JsonNode d = Json.mapper().readTree(j.out());
        assertEquals(false, d.get("enabled").asBoolean());
        assertEquals(api.config().peer().device(), d.get("device").asText());
        assertEquals(0, d.get("routers").size());
        Run bad = ctl("--socket", sock(), "peers", "x");
        assertEquals(CtlCommand.USAGE, bad.code());
    }

    @Test
    void pairNeedsThePeerLinkAndChecksItsArguments() throws Exception {
        Run off = ctl("--socket", sock(), "pair", "start", "100.64.77.2");
        assertEquals(1, off.code(), off.out());
        assertTrue(off.err().contains("the peer link is off"), off.err());
        Run enter = ctl("--socket", sock(), "pair", "enter", "100.64.77.2", "1234", "5678");
        assertEquals(1, enter.code(), enter.out());
        assertTrue(enter.err().contains("RESOURCE_UNAVAILABLE"), enter.err());
        for (String[] bad : new String[][] {{"pair"}, {"pair", "start"}, {"pair", "enter", "100.64.77.2"}, {"pair", "x", "y"}}) {
            String[] argv = new String[bad.length + 2];
            argv[0] = "--socket";
            argv[1] = sock();
            System.arraycopy(bad, 0, argv, 2, bad.length);
            Run r = ctl(argv);
            assertEquals(CtlCommand.USAGE, r.code(), String.join(" ", bad));
            assertTrue(r.err().contains("pair start ADDRESS"), r.err());
        }
        Run j = ctl("--socket", sock(), "--json", "peers");
        assertEquals(false, Json.mapper().readTree(j.out()).get("channel").get("enabled").asBoolean());
    }

    @Test
    void cooperationCommandsParseTheirArgumentsAndNeedThePeerLink() throws Exception {
        Run agreements = ctl("--socket", sock(), "agreements");
        assertEquals(0, agreements.code(), agreements.err());
        assertEquals("no agreement (coopwan ctl request PEER asks a paired router)\n", agreements.out());
        Run pending = ctl("--socket", sock(), "--json", "pending");
        assertEquals(0, pending.code(), pending.err());
        assertEquals(0, Json.mapper().readTree(pending.out()).size());
        Run request = ctl("--socket", sock(), "request", "coop-1234");
        assertEquals(1, request.code(), request.out());
        assertTrue(request.err().contains("the peer link is off") && request.err().contains("RESOURCE_UNAVAILABLE"), request.err());
        Run info = ctl("--socket", sock(), "info", "coop-1234");
        assertEquals(1, info.code(), info.out());
        assertTrue(info.err().startsWith("coopwan ctl: info.request: the peer link is off"), info.err());
        Run approve = ctl("--socket", sock(), "approve", "coop-1234", "emergency:bandwidth_kbps=5000,window_ms=1000");
        assertEquals(1, approve.code(), approve.out());
        assertTrue(approve.err().startsWith("coopwan ctl: approve: the peer link is off"), approve.err());
        for (String[] bad : new String[][] {{"approve", "coop-1"}, {"approve", "coop-1", "emergency:bandwidth_kbps"},
                {"approve", "coop-1", "emergency:bandwidth_kbps=fast"}, {"approve", "coop-1", "emergency", "emergency"},
                {"approve", "coop-1", ":x=1"}, {"request"}, {"request", "a", "b"}, {"reject"}, {"info"}, {"info", "a", "b"}}) {
            String[] argv = new String[bad.length + 2];
            argv[0] = "--socket";
            argv[1] = sock();
            System.arraycopy(bad, 0, argv, 2, bad.length);
            Run r = ctl(argv);
            assertEquals(CtlCommand.USAGE, r.code(), String.join(" ", bad) + ": " + r.err());
        }
        CtlArgs a = CtlArgs.parse(new String[] {"approve", "coop-1", "emergency:bandwidth_kbps=5000,window_ms=1000", "duplication"});
        assertEquals("{\"peer\":\"coop-1\",\"via\":\"cli\",\"types\":{\"emergency\":{\"bandwidth_kbps\":5000,"
                + "\"window_ms\":1000},\"duplication\":{}}}", a.params().toString());
        CtlArgs r = CtlArgs.parse(new String[] {"reject", "coop-1", "not", "now"});
        assertEquals("{\"peer\":\"coop-1\",\"reason\":\"not now\"}", r.params().toString());
    }

    @Test
    void emergencyIsTheOwnUplinkAndEndNeedsThePeerLink() throws Exception {
        Run r = ctl("--socket", sock(), "emergency");
        assertEquals(0, r.code(), r.err());
        assertEquals("own uplink (normal)\ncarrying no neighbour\nemergencies started 0\n", r.out());
        JsonNode j = Json.mapper().readTree(ctl("--socket", sock(), "--json", "emergency").out());
        assertEquals("NORMAL", j.get("requester").get("state").asText());
        assertEquals(0, j.get("helping").size());
        Run end = ctl("--socket", sock(), "emergency", "end", "coop-1234");
        assertEquals(1, end.code(), end.out());
        assertTrue(end.err().startsWith("coopwan ctl: emergency.end: the peer link is off")
                && end.err().contains("(RESOURCE_UNAVAILABLE, error -32014)"), end.err());
    }

    @Test
    void interfacesListsEveryKernelInterface() {
        Run r = ctl("--socket", sock(), "interfaces");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.lines().get(0).startsWith("INDEX"), r.out());
        assertTrue(r.lines().stream().anyMatch(l -> l.matches("\\d+\\s+lo\\s+.*")), r.out());
        assertEquals(api.interfaces().size() + 1, r.lines().size(), r.out());
    }

    @Test
    void versionNamesTheDaemonsVersion() {
        Run r = ctl("--socket", sock(), "version");
        assertEquals(0, r.code(), r.err());
        assertEquals("coopwan " + api.status().version() + " (control API " + RpcMethods.API_VERSION + ")\n", r.out());
    }

    @Test
    void aReloadThatKeepsTheOldConfigExitsOne() {
        Run r = ctl("--socket", sock(), "reload");
        assertEquals(CtlCommand.DAEMON_ERROR, r.code());
        assertTrue(r.err().contains(api.reload().message()), r.err());
    }

    @Test
    void aDaemonErrorIsPrintedAndExitsOne() {
        Run r = ctl("--socket", sock(), "events", "5000");
        assertEquals(CtlCommand.DAEMON_ERROR, r.code());
        assertTrue(r.err().contains("limit must be 1-1000") && r.err().contains("-32602"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void bondsOnEmbeddedDefaultsExitOneWithTheDaemonsMessage() {
        Run r = ctl("--socket", sock(), "bond", "create", "cwtnever3", "--member", "wan");
        assertEquals(CtlCommand.DAEMON_ERROR, r.code(), r.err());
        assertTrue(r.err().startsWith("coopwan ctl: bond.create: ") && r.err().contains("(RESOURCE_UNAVAILABLE, error -32014)"),
                r.err());
        assertEquals("", r.out());
        assertEquals("NAME  MODE  MTU  MEMBERS  IFINDEX  STATE\n", ctl("--socket", sock(), "bond", "list").out());
    }

    @Test
    void noDaemonExitsThreeWithAHint() {
        Path missing = dir.resolve("nobody-here.sock");
        Run r = ctl("--socket", missing.toString(), "status");
        assertEquals(CtlCommand.UNREACHABLE, r.code());
        assertTrue(r.err().startsWith("coopwan ctl: cannot connect to " + missing + ": is the daemon running?"), r.err());
    }

    @Test
    void aStaleSocketExitsThree() throws IOException {
        Path stale = dir.resolve("stale-ctl.sock");
        UnixServerSocketChannel ch = UnixServerSocketChannel.open();
        ch.socket().bind(new UnixSocketAddress(stale.toString()));
        ch.close();
        Run r = ctl("--socket", stale.toString(), "status");
        assertEquals(CtlCommand.UNREACHABLE, r.code());
        assertTrue(r.err().contains("is the daemon running?") && r.err().contains("refused"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "frobnicate", "--verbose status", "status extra", "events abc", "events 1 2",
            "--socket", "status --socket", "--socket /a.sock --config /b status",
            "bond", "bond frobnicate", "bond list x", "bond show", "bond create", "bond create a b", "bond create a --mtu big",
            "bond create a --mtu", "bond create a --weight 3", "bond destroy", "bond set a", "bond set a --member wan",
            "bond add a", "bond remove a b c", "status --mode wrr", "call", "call nosuch", "call bonds {", "call bonds 5",
            "emergency x", "emergency end", "emergency end a b", "emergency --mode wrr"})
    void badUsageExitsTwo(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        Run r = ctl(args);
        assertEquals(CtlCommand.USAGE, r.code(), line + " -> " + r.err());
        assertTrue(r.err().startsWith("coopwan ctl: "), r.err());
        assertTrue(r.err().contains("usage: coopwan ctl"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void helpListsEveryCommand() {
        Run r = ctl("--help");
        assertEquals(0, r.code());
        for (String m : List.of("status", "uplinks", "interfaces", "events", "reload", "version", "bond list", "bond show",
                "bond create", "bond destroy", "bond set", "bond add", "bond remove", "peers", "emergency", "emergency end",
                "call")) {
            assertTrue(r.out().contains("  " + m), m + " missing from " + r.out());
        }
    }

    @Test
    void theSocketComesFromTheConfigFile() throws IOException {
        Path conf = dir.resolve("coopwan.conf");
        Files.writeString(conf, "config global 'global'\n\toption control_socket '" + sock() + "'\n");
        assumeLoaderReady(conf);
        Run r = ctl("--config", conf.toString(), "version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("coopwan "), r.out());
        // Without --config, the system configuration file is the next place looked at.
        Run sys = ctlWith(conf, "version");
        assertEquals(0, sys.code(), sys.err());
    }

    @Test
    void anUnreadableConfigFileExitsTwo() throws IOException {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "config global 'global'\n\toption role 'toaster'\n");
        Run r = ctl("--config", conf.toString(), "status");
        assertEquals(CtlCommand.USAGE, r.code(), r.err());
        assertTrue(r.err().startsWith("coopwan ctl: "), r.err());
        Run missing = ctl("--config", dir.resolve("none.conf").toString(), "status");
        assertEquals(CtlCommand.USAGE, missing.code(), missing.err());
    }

    static void assumeLoaderReady(Path conf) {
        try {
            ConfigLoader.load(conf);
        } catch (Exception e) {
            // Real errors are for the test to see.
        }
    }
}
