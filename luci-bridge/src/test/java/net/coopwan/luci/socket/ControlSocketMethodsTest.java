package net.coopwan.luci.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.luci.rpc.RpcMethods;
import net.coopwan.luci.testsupport.RawClient;
import net.coopwan.luci.testsupport.RunningSocket;

/** Each method answers what ControlApi returns, serialized as JSON with ISO-8601 instants. */
class ControlSocketMethodsTest {

    @TempDir
    static Path dir;
    static RunningSocket running;
    static ControlApi api;

    @BeforeAll
    static void start() throws Exception {
        running = RunningSocket.start(dir.resolve("run/coopwan.sock"));
        api = running.daemon.api();
        System.out.println("control socket start() took " + running.startNanos / 1_000_000 + " ms");
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    void startLineNamesTheSocket() {
        assertEquals("control socket " + running.socket, running.startLine);
    }

    @Test
    void statusIsTheApisStatus() throws Exception {
        Status s = api.status();
        try (RawClient c = running.connect()) {
            JsonNode r = c.call("status", null);
            assertEquals(s.hostname(), r.get("hostname").asText());
            assertEquals(s.version(), r.get("version").asText());
            assertEquals(s.role(), r.get("role").asText());
            assertEquals(s.configFile(), r.get("configFile").asText());
            assertEquals(s.uplinksUp(), r.get("uplinksUp").asInt());
            assertEquals(s.uplinksTotal(), r.get("uplinksTotal").asInt());
            assertEquals(s.frontEnds().size(), r.get("frontEnds").size());
            // Instants travel as ISO-8601 text, not epoch numbers.
            assertTrue(r.get("startedAt").isTextual(), r.toString());
            assertEquals(s.startedAt(), Instant.parse(r.get("startedAt").asText()));
            assertTrue(r.get("uptimeSeconds").asLong() >= s.uptimeSeconds());
        }
    }

    @Test
    void nearbyIsTheApisDiscoveryStatus() throws Exception {
        try (RawClient c = running.connect()) {
            JsonNode r = c.call("nearby", null);
            assertEquals(api.discovery().enabled(), r.get("enabled").asBoolean());
            assertEquals(api.discovery().port(), r.get("port").asInt());
            assertEquals("off", r.get("state").asText());
            assertTrue(r.get("routers").isArray());
            assertTrue(r.get("drops").isObject());
        }
    }

    @Test
    void uplinksAreTheApisUplinks() throws Exception {
        List<UplinkStatus> expected = api.uplinks();
        try (RawClient c = running.connect()) {
            JsonNode r = c.call("uplinks", null);
            assertEquals(expected.size(), r.size());
            for (int i = 0; i < expected.size(); i++) {
                UplinkStatus u = expected.get(i);
                JsonNode j = r.get(i);
                assertEquals(u.name(), j.get("name").asText());
                assertEquals(u.device(), j.get("device").asText());
                assertEquals(u.enabled(), j.get("enabled").asBoolean());
                assertEquals(u.state().name(), j.get("state").asText());
                assertEquals(u.kernel().index(), j.get("kernel").get("index").asInt());
                assertEquals(u.kernel().mtu(), j.get("kernel").get("mtu").asInt());
                assertTrue(j.get("kernel").get("counters").has("rxBytes"));
            }
        }
    }

    @Test
    void interfacesAreTheApisInterfaces() throws Exception {
        List<NetInterface> expected = api.interfaces();
        try (RawClient c = running.connect()) {
            JsonNode r = c.call("interfaces", null);
            List<String> names = new ArrayList<>();
            for (JsonNode j : r) {
                names.add(j.get("index").asInt() + ":" + j.get("name").asText() + ":" + j.get("mac").asText());
            }
            List<String> want = new ArrayList<>();
            for (NetInterface n : expected) {
                want.add(n.index() + ":" + n.name() + ":" + n.mac());
            }
            assertEquals(want, names);
            assertTrue(names.stream().anyMatch(n -> n.contains(":lo:")), names.toString());
        }
    }

    @Test
    void eventsAreTheNewestOfTheLogNewestFirst() throws Exception {
        for (int i = 0; i < 7; i++) {
            running.daemon.daemon().events().record("test", "event number " + i);
        }
        List<Event> expected = api.events(5);
        try (RawClient c = running.connect()) {
            JsonNode byObject = c.call("events", "{\"limit\":5}");
            JsonNode byArray = c.call("events", "[5]");
            assertEquals(5, byObject.size());
            for (int i = 0; i < 5; i++) {
                Event e = expected.get(i);
                assertEquals(e.id(), byObject.get(i).get("id").asLong());
                assertEquals(e.message(), byObject.get(i).get("message").asText());
                assertEquals(e.source(), byObject.get(i).get("source").asText());
                assertEquals(e.time(), Instant.parse(byObject.get(i).get("time").asText()));
            }
            assertEquals("event number 6", byObject.get(0).get("message").asText());
            assertEquals(byObject, byArray);
            JsonNode byDefault = c.call("events", null);
            int total = api.events(1000).size();
            assertEquals(Math.min(RpcMethods.DEFAULT_EVENT_LIMIT, total), byDefault.size());
            assertEquals(byObject.get(0), byDefault.get(0));
        }
    }

    @Test
    void reloadWithoutAFileSaysSoAndIsNotApplied() throws Exception {
        try (RawClient c = running.connect()) {
            JsonNode r = c.call("reload", null);
            assertFalse(r.get("applied").asBoolean());
            assertEquals(api.reload().message(), r.get("message").asText());
        }
    }

    @Test
    void versionIsTheDaemonsVersion() throws Exception {
        try (RawClient c = running.connect()) {
            JsonNode r = c.call("version", "{}");
            assertEquals(api.status().version(), r.get("version").asText());
            assertEquals(RpcMethods.API_VERSION, r.get("api").asInt());
        }
    }

    @Test
    void manyRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        try (RawClient c = running.connect()) {
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                String m = RpcMethods.NAMES.get(i % 3 == 0 ? 0 : i % 3 == 1 ? 2 : 5);
                burst.append("{\"jsonrpc\":\"2.0\",\"id\":").append(i).append(",\"method\":\"").append(m).append("\"}\n");
            }
            c.send(burst.toString().getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 20; i++) {
                JsonNode r = c.read();
                assertEquals(i, r.get("id").asInt(), r.toString());
                assertTrue(r.has("result"), r.toString());
            }
        }
    }

    @Test
    void aBatchIsAnsweredWithAnArrayWithoutTheNotifications() throws Exception {
        try (RawClient c = running.connect()) {
            JsonNode r = c.ask("[{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"version\"},"
                    + "{\"jsonrpc\":\"2.0\",\"method\":\"status\"},"
                    + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"},"
                    + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"events\",\"params\":{\"limit\":1}}]");
            assertTrue(r.isArray(), r.toString());
            assertEquals(3, r.size(), r.toString());
            assertEquals("a", r.get(0).get("id").asText());
            assertEquals(api.status().version(), r.get(0).get("result").get("version").asText());
            assertEquals(-32601, r.get(1).get("error").get("code").asInt());
            assertEquals(1, r.get(2).get("result").size());
        }
    }

    @Test
    void aNotificationGetsNoAnswer() throws Exception {
        try (RawClient c = running.connect()) {
            c.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"version\"}");
            // The next answer on the connection belongs to the next request.
            JsonNode r = c.ask("{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"version\"}");
            assertEquals(99, r.get("id").asInt());
        }
    }

    @Test
    void bondsAreRefusedOnEmbeddedDefaultsWithResourceUnavailable() throws Exception {
        try (RawClient c = running.connect()) {
            assertEquals(0, c.call("bonds", null).size());
            JsonNode r = c.ask("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"bond.create\",\"params\":{\"name\":\"cwtnever2\"}}");
            assertEquals(net.coopwan.luci.rpc.JsonRpc.RESOURCE_UNAVAILABLE, r.get("error").get("code").asInt(), r.toString());
            assertEquals("RESOURCE_UNAVAILABLE", r.get("error").get("data").get("reason").asText());
            assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/sys/class/net/cwtnever2")));
        }
    }
}
