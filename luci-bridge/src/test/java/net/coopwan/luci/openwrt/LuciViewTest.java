package net.coopwan.luci.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.coopwan.daemon.api.Status;
import net.coopwan.luci.client.ControlClient;
import net.coopwan.luci.rpc.Json;
import net.coopwan.luci.testsupport.RunningSocket;

/**
 * The whole LuCI path with a real daemon: its answers go through the rpcd plugin into the LuCI
 * view, which node renders with stand-ins for LuCI's classes. One call runs the real
 * {@code coopwan ctl} in a JVM, the rest feed the plugin the daemon's JSON through a stub.
 */
class LuciViewTest {

    static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    static final Path PLUGIN = MODULE.resolve("files/usr/libexec/rpcd/coopwan");
    static final Path VIEW = MODULE.resolve("htdocs/luci-static/resources/view/coopwan/status.js");
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static RunningSocket running;

    @BeforeAll
    static void start() throws Exception {
        running = RunningSocket.start(dir.resolve("luci.sock"));
        running.daemon.daemon().events().record("uplink wan", "lo up: a test event for the view");
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    static boolean hasNode() {
        for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, "node"))) {
                return true;
            }
        }
        return false;
    }

    /** What the plugin prints for METHOD when coopwan ctl printed the daemon's real result. */
    static JsonNode viaPlugin(String method, String params) throws Exception {
        JsonNode result;
        try (ControlClient c = ControlClient.connect(running.socket, Duration.ofSeconds(10))) {
            result = c.call(method, params == null ? null : Json.mapper().readTree(params));
        }
        Path d = Files.createTempDirectory(dir, method);
        Files.writeString(d.resolve("out.json"), Json.mapper().writeValueAsString(result));
        Path stub = d.resolve("ctl");
        Files.writeString(stub, "#!/bin/sh\ncat '" + d.resolve("out.json") + "'\n");
        stub.toFile().setExecutable(true);
        Proc p = Proc.run(List.of("sh", PLUGIN.toString(), "call", method), Map.of("COOPWAN_CTL", stub.toString()),
                params == null ? "{}" : params, TIMEOUT, d);
        assertEquals(0, p.code(), p.err());
        return Json.mapper().readTree(p.out());
    }

    static JsonNode render(ObjectNode fixture) throws Exception {
        Path f = Files.createTempFile(dir, "fixture", ".json");
        Files.writeString(f, Json.mapper().writeValueAsString(fixture));
        Path harness = Path.of(LuciViewTest.class.getResource("/luci/render-view.js").toURI());
        Proc p = Proc.run(List.of("node", harness.toString(), VIEW.toString(), f.toString()), Map.of(), null, TIMEOUT, null);
        assertEquals(0, p.code(), p.err());
        return Json.mapper().readTree(p.out());
    }

    @Test
    void theViewShowsTheDaemonsAnswersThroughThePlugin() throws Exception {
        assertTrue(hasNode(), "node is not installed: run scripts/setup.sh");
        ObjectNode fixture = Json.mapper().createObjectNode();
        fixture.set("status", viaPlugin("status", null));
        fixture.set("uplinks", viaPlugin("uplinks", null));
        fixture.set("events", viaPlugin("events", "{\"limit\":10}"));
        fixture.set("reload", viaPlugin("reload", null));
        fixture.set("peers", viaPlugin("peers", null));
        JsonNode r = render(fixture);

        List<String> methods = new ArrayList<>();
        for (JsonNode d : r.get("declared")) {
            assertEquals("coopwan", d.get("object").asText());
            methods.add(d.get("method").asText());
        }
        JsonNode list = Json.mapper().readTree(Proc.run(List.of("sh", PLUGIN.toString(), "list"), Map.of(), null,
                TIMEOUT, null).out());
        for (String m : methods) {
            assertTrue(list.has(m), "the view calls " + m + ", which the plugin does not list");
        }
        assertTrue(methods.containsAll(List.of("status", "uplinks", "peers")), methods.toString());

        Status s = running.daemon.api().status();
        String text = r.get("text").asText();
        assertTrue(text.contains("Hostname | " + s.hostname()), text);
        assertTrue(text.contains("Uplinks up | " + s.uplinksUp() + " / " + s.uplinksTotal()), text);
        assertTrue(text.contains("wan | lo | " + running.daemon.api().uplinks().get(0).state()), text);
        assertTrue(text.contains("| uplink wan | lo up: a test event for the view"), text);
        // Times to the second: microseconds are noise on a status page.
        assertTrue(text.matches("(?s).*\\n \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\| uplink wan \\| lo up: a test.*"), text);
        assertTrue(r.get("ids").toString().contains("coopwan-uplinks"), r.get("ids").toString());
        assertEquals(1, r.get("pollCount").asInt());
        assertTrue(text.contains("Cooperation is off (peer.enabled 0)"), text);
        // the real daemon's emergency through "peers": its own uplink, no neighbour carried
        assertTrue(text.contains("Own uplink\n"), text);
        assertTrue(r.get("ids").toString().contains("coopwan-no-helping"), r.get("ids").toString());
        assertTrue(r.get("polled").asText().contains("Hostname | " + s.hostname()), r.get("polled").asText());
        // Reload on embedded defaults is refused, and the view says why.
        assertEquals("warning: " + running.daemon.api().reload().message(), r.get("reload").asText());
    }

    @Test
    void nearbyRoutersAreATable() throws Exception {
        assertTrue(hasNode(), "node is not installed: run scripts/setup.sh");
        ObjectNode fixture = Json.mapper().createObjectNode();
        fixture.set("peers", Json.mapper().readTree("{\"enabled\":true,\"device\":\"br-coop\",\"port\":4790,"
                + "\"state\":\"advertising on 100.64.77.1:4790, broadcast 100.64.77.255\",\"routers\":[{\"address\":"
                + "\"100.64.77.2\",\"nonce\":\"beef\",\"willing\":true,\"offers\":[\"emergency\",\"duplication\"],"
                + "\"downstream\":\"512-1023 Mbit/s\",\"upstream\":\"undisclosed\",\"lastSeen\":\"2026-01-01T00:00:06.123Z\"}],"
                + "\"pending\":[{\"peerId\":\"coop-1\",\"receivedAt\":\"2026-01-01T00:00:07.5Z\",\"offered\":{\"emergency\":"
                + "{\"window_ms\":{\"min\":100,\"max\":1000},\"bandwidth_kbps\":{\"min\":1000,\"max\":10000}}}}],"
                + "\"agreements\":[{\"peerId\":\"coop-2\",\"role\":\"helper\",\"enabled\":{\"duplication\":"
                + "{\"bandwidth_kbps\":300}},\"approvedAt\":\"2026-01-01T00:00:08Z\",\"approvedBy\":\"owner via cli\"}]}"));
        JsonNode r = render(fixture);
        String text = r.get("text").asText();
        assertTrue(text.contains("br-coop: advertising on 100.64.77.1:4790"), text);
        assertTrue(text.contains("100.64.77.2 | beef | yes | emergency, duplication | 512-1023 Mbit/s | undisclosed | 2026-01-01T00:00:06Z"), text);
        assertTrue(r.get("ids").toString().contains("coopwan-nearby"), r.get("ids").toString());
        // the pending requests and agreements of the same answer
        assertTrue(text.contains("coop-1 | 2026-01-01T00:00:07Z | emergency bandwidth_kbps=1000..10000, window_ms=100..1000"), text);
        assertTrue(text.contains("coop-2 | helper | duplication bandwidth_kbps=300 | 2026-01-01T00:00:08Z | owner via cli"), text);
        assertTrue(r.get("ids").toString().contains("coopwan-pending"), r.get("ids").toString());
    }

    @Test
    void theEmergencyIsTheCarrierAndATableOfNeighboursCarried() throws Exception {
        assertTrue(hasNode(), "node is not installed: run scripts/setup.sh");
        ObjectNode fixture = Json.mapper().createObjectNode();
        ObjectNode peers = Json.mapper().createObjectNode();
        peers.put("enabled", true);
        peers.set("emergency", Json.mapper().valueToTree(net.coopwan.luci.testsupport.EmergencyApi.sample()));
        fixture.set("peers", peers);
        JsonNode r = render(fixture);
        String text = r.get("text").asText();
        assertTrue(text.contains("Carried by neighbour coop-helper01 since 2026-11-01T12:00:05Z (wan down: 3 probes lost)\n"), text);
        assertTrue(text.contains("coop-carried02 | HELPING | 2026-11-01T12:01:00Z | 37 % | 12.0 MiB | 0 B | 3\n"), text);
        assertTrue(r.get("ids").toString().contains("coopwan-emergency-helping"), r.get("ids").toString());
        assertTrue(text.contains("coopwan ctl emergency end PEER"), text);
    }

    @Test
    void sharingIsATableWithCountersAndAStopButtonPerBorrowerThatCallsSharingStopViaLuci() throws Exception {
        assertTrue(hasNode(), "node is not installed: run scripts/setup.sh");
        ObjectNode fixture = Json.mapper().createObjectNode();
        ObjectNode peers = Json.mapper().createObjectNode();
        peers.put("enabled", true);
        peers.set("sharing", Json.mapper().valueToTree(net.coopwan.luci.testsupport.SharingApi.sample()));
        fixture.set("peers", peers);
        fixture.set("sharing.stop", Json.mapper().readTree("{\"stopped\":\"coop-b01\"}"));
        fixture.put("click", "coopwan-sharing-stop-coop-b01");
        JsonNode r = render(fixture);
        String text = r.get("text").asText();
        assertTrue(text.contains("Lent 2.0 MiB down, 200.0 KiB up (3 sessions now); borrowed 5.0 MiB down, 300.0 KiB up"
                + " (2 sessions now, 9 moved in all)\n"), text);
        assertTrue(text.contains("coop-b01 | lending to | LENDING | 5000 / 450 kbit/s | 3 | 1500 / 150 kbit/s"
                + " | 2.0 MiB / 200.0 KiB | Stop lending\n"), text);
        assertTrue(text.contains("coop-s02 | borrowing from | BORROWING | 4000 / 400 kbit/s | 2 (9 moved in all)"
                + " | 3000 / 200 kbit/s | 5.0 MiB / 300.0 KiB | \n"), text);
        assertTrue(r.get("ids").toString().contains("coopwan-sharing"), r.get("ids").toString());
        // the click: one call of sharing.stop for that borrower, via luci, and the daemon's answer shown
        List<String> stops = new ArrayList<>();
        for (JsonNode c : r.get("calls")) {
            if (c.get("method").asText().startsWith("sharing.")) {
                stops.add(c.get("method").asText() + " " + c.get("args"));
            }
        }
        assertEquals(List.of("sharing.stop [\"coop-b01\",\"luci\"]"), stops);
        assertEquals("info: Lending to coop-b01 stopped: it is offered nothing until resumed.", r.get("reload").asText());

        // a stopped borrower has the resume button; the daemon's refusal is shown as it is
        ObjectNode stopped = (ObjectNode) peers.get("sharing").get("lending").get(0);
        stopped.put("stopped", true);
        fixture.set("sharing.resume", Json.mapper().readTree("{\"error\":\"coopwan ctl: sharing.resume: refused\",\"code\":1}"));
        fixture.put("click", "coopwan-sharing-resume-coop-b01");
        r = render(fixture);
        assertTrue(r.get("text").asText().contains("coop-b01 | lending to | STOPPED LENDING |"), r.get("text").asText());
        assertEquals("warning: coopwan ctl: sharing.resume: refused", r.get("reload").asText());
    }

    @Test
    void latencyIsClassificationDuplicationSuppressionAndTheCommonIspPerNeighbour() throws Exception {
        assertTrue(hasNode(), "node is not installed: run scripts/setup.sh");
        ObjectNode fixture = Json.mapper().createObjectNode();
        ObjectNode peers = Json.mapper().createObjectNode();
        peers.put("enabled", true);
        peers.set("latency", Json.mapper().valueToTree(new net.coopwan.daemon.api.LatencyStatus(
                new net.coopwan.daemon.api.LatencyStatus.Classification(true, "b", true, 777, Map.of("game", 3L), 2, 1, 4, 6,
                        0, 0, 0, 5, 2),
                new net.coopwan.daemon.api.LatencyStatus.Suppression(true, "ENFORCING", "rtt rising", 20,
                        Map.of("", 20, "coop-n01", 10), Map.of("SUPPRESSION_NO_AGREEMENT", 1L, "SUPPRESSION_MALFORMED", 0L), 250, 60),
                new net.coopwan.daemon.api.LatencyStatus.Duplication(true, "bond bond0, agreement enables duplication",
                        "coop-n01", true, 7, 9, 500, 1000, 480, 470, 3, 0),
                new net.coopwan.daemon.api.LatencyStatus.CommonIsp(true, true, "198.18.0.1", List.of(
                        new net.coopwan.daemon.api.LatencyStatus.IspNeighbour("coop-n01", "DIFFERENT", "common suffix 1 of 5/5 hops",
                                1, 0.2, "198.18.0.1", "", "", null, null, true, true, null, false, "")), Map.of()))));
        fixture.set("peers", peers);
        JsonNode r = render(fixture);
        String text = r.get("text").asText();
        assertTrue(text.contains("Latency-critical traffic\n"), text);
        assertTrue(text.contains("Classification on, DSCP rule b, LC traffic current; 777 LC packets, 2 LC sessions now\n"), text);
        assertTrue(text.contains("app game | 3\n"), text);
        assertTrue(text.contains("ad hoc rule | 4\n"), text);
        assertTrue(text.contains("Duplication on: bond bond0, agreement enables duplication; neighbour coop-n01 (its path in the bond)\n"),
                text);
        assertTrue(text.contains("LC packets sent as copies 500, copies sent 1000, delivered 480, duplicates dropped 470, kept off"
                + " the neighbour: ad hoc 3, over its cap 0\n"), text);
        assertTrue(text.contains("Suppression ENFORCING (rtt rising), enforcing at most 20 % dropped; since enforcement began"
                + " 250 packets dropped, 60 ECN-marked\n"), text);
        assertTrue(text.contains("Demanded by this router 20 %, coop-n01 10 %\n"), text);
        assertTrue(text.contains("Counted: SUPPRESSION_NO_AGREEMENT 1\n"), "zero counters left out: " + text);
        assertTrue(text.contains("Common-ISP detection on, target 198.18.0.1, gate on\n"), text);
        assertTrue(text.contains("coop-n01 | DIFFERENT | 1 | 0.20 | yes | yes | common suffix 1 of 5/5 hops\n"), text);
        assertTrue(r.get("ids").toString().contains("coopwan-lc-isp-table"), r.get("ids").toString());

        // the real daemon's through the plugin: peer link off
        fixture.set("peers", viaPlugin("peers", null));
        text = render(fixture).get("text").asText();
        assertTrue(text.contains("Classification off\n"), text);
        assertTrue(text.contains("Duplication off: peer link off\n"), text);
        assertTrue(text.contains("Suppression OFF, nothing enforced; since enforcement began 0 packets dropped, 0 ECN-marked\n"),
                text);
        assertTrue(text.contains("Common-ISP detection off\n"), text);
    }

    @Test
    void anUnreachableDaemonIsShownAsSuch() throws Exception {
        assertTrue(hasNode(), "node is not installed: run scripts/setup.sh");
        ObjectNode fixture = Json.mapper().createObjectNode();
        fixture.set("status", Json.mapper().readTree("{\"error\":\"coopwan ctl: cannot connect\",\"code\":3}"));
        fixture.set("uplinks", Json.mapper().readTree("{\"error\":\"coopwan ctl: cannot connect\",\"code\":3}"));
        JsonNode r = render(fixture);
        String text = r.get("text").asText();
        assertTrue(text.contains("not reachable: coopwan ctl: cannot connect"), text);
        assertTrue(text.contains("No uplinks configured"), text);
        assertFalse(text.contains("Hostname"), text);
    }

    @Test
    void thePluginRunsTheRealCtlAgainstTheRealSocket() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        // Word-split by the plugin, so neither path may hold a blank; the quick-start flags keep it near a second.
        Assumptions.assumeFalse(cp.contains(" ") || java.toString().contains(" "), "blank in class path");
        String ctl = java + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp " + cp
                + " net.coopwan.luci.ctl.CtlCommand --socket " + running.socket;
        long t0 = System.nanoTime();
        Proc p = Proc.run(List.of("sh", PLUGIN.toString(), "call", "status"), Map.of("COOPWAN_CTL", ctl), "{}",
                TIMEOUT, dir);
        System.out.println("rpcd plugin -> coopwan ctl (JVM) -> socket: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertEquals(0, p.code(), p.err());
        JsonNode j = Json.mapper().readTree(p.out());
        assertEquals(running.daemon.api().status().hostname(), j.get("hostname").asText(), p.out());
    }
}
