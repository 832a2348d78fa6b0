package net.coopwan.luci.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.luci.testsupport.EmergencyApi;

/** JSON-RPC {@code emergency} and {@code emergency.end} against a ControlApi with an emergency in both roles. */
class EmergencyMethodsTest {

    final EmergencyApi api = new EmergencyApi(new JsonRpcHandlerTest.FailingApi());
    final JsonRpcHandler h = new JsonRpcHandler(new RpcMethods(api));

    JsonNode call(String method, String params) throws Exception {
        return JsonRpcHandlerTest.handle(h, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\""
                + (params == null ? "" : ",\"params\":" + params) + "}");
    }

    @Test
    void emergencyIsTheStatusInBothRoles() throws Exception {
        JsonNode r = call("emergency", null).get("result");
        JsonNode req = r.get("requester");
        assertEquals("CARRIED", req.get("state").asText(), r.toString());
        assertEquals(EmergencyApi.HELPER, req.get("peerId").asText());
        assertEquals("2026-11-01T12:00:05.500Z", req.get("since").asText(), "instants as ISO-8601");
        assertEquals("wan down: 3 probes lost", req.get("reason").asText());
        assertEquals("direct", req.get("mode").asText());
        assertEquals(50_000_000, req.get("quotaBytes").asLong());
        assertEquals(1000, req.get("windowMs").asLong());
        assertEquals(1536, req.get("bytesSent").asLong());
        assertEquals(12L * 1024 * 1024, req.get("bytesReceived").asLong());
        assertEquals(1, r.get("helping").size());
        JsonNode hp = r.get("helping").get(0);
        assertEquals(EmergencyApi.CARRIED, hp.get("peerId").asText());
        assertEquals("HELPING", hp.get("state").asText());
        assertEquals("2026-11-01T12:01:00Z", hp.get("since").asText());
        assertEquals(37, hp.get("quotaUsedPercent").asInt());
        assertEquals(12L * 1024 * 1024, hp.get("bytesCarried").asLong());
        assertEquals(0, hp.get("bytesDropped").asLong());
        assertEquals(3, hp.get("packetsRefused").asLong());
        assertEquals(2, r.get("started").asLong());
        assertEquals(1, r.get("counters").get("NO_AGREEMENT").asLong());
        // no params, as every read
        assertEquals(JsonRpc.INVALID_PARAMS, call("emergency", "{\"peer\":\"x\"}").get("error").get("code").asInt());
        assertTrue(call("emergency", "{}").has("result"));
    }

    @Test
    void endStopsCarryingThePeerViaCliByDefaultOrLuci() throws Exception {
        JsonNode r = call("emergency.end", "{\"peer\":\"" + EmergencyApi.CARRIED + "\"}");
        assertEquals(EmergencyApi.CARRIED, r.get("result").get("ended").asText(), r.toString());
        assertEquals(List.of(EmergencyApi.CARRIED + " via cli"), api.ended());
        assertEquals(0, call("emergency", null).get("result").get("helping").size());

        EmergencyApi luci = new EmergencyApi(new JsonRpcHandlerTest.FailingApi());
        JsonNode l = JsonRpcHandlerTest.handle(new JsonRpcHandler(new RpcMethods(luci)), "{\"jsonrpc\":\"2.0\",\"id\":1,"
                + "\"method\":\"emergency.end\",\"params\":{\"peer\":\"" + EmergencyApi.CARRIED + "\",\"via\":\"luci\"}}");
        assertTrue(l.has("result"), l.toString());
        assertEquals(List.of(EmergencyApi.CARRIED + " via luci"), luci.ended());
    }

    @Test
    void endingANeighbourNotCarriedIsNotFoundInTheDaemonsWords() throws Exception {
        JsonNode r = call("emergency.end", "{\"peer\":\"coop-nobody\"}");
        assertNull(r.get("result"), r.toString());
        assertEquals(7, r.get("id").asInt());
        assertEquals(JsonRpc.NOT_FOUND, r.get("error").get("code").asInt(), r.toString());
        assertEquals("NOT_FOUND", r.get("error").get("data").get("reason").asText());
        assertEquals("this router carries no emergency for 'coop-nobody'", r.get("error").get("message").asText());
        assertEquals(List.of(), api.ended());
    }

    @Test
    void badParamsAreRefusedBeforeTheDaemonIsAsked() throws Exception {
        String[][] bad = {{null, "takes named params: {peer, via?}"}, {"{}", "param 'peer' is required"},
                {"[\"" + EmergencyApi.CARRIED + "\"]", "takes named params"},
                {"{\"peer\":null}", "param 'peer' is required"},
                {"{\"peer\":5}", "peer must be a string"},
                {"{\"peer\":\"" + EmergencyApi.CARRIED + "\",\"reason\":\"x\"}", "unknown param 'reason'"},
                {"{\"peer\":\"" + EmergencyApi.CARRIED + "\",\"via\":\"web\"}", "via must be cli or luci, got 'web'"},
                {"{\"peer\":\"" + EmergencyApi.CARRIED + "\",\"via\":1}", "via must be a string"}};
        for (String[] b : bad) {
            JsonNode r = call("emergency.end", b[0]);
            assertEquals(JsonRpc.INVALID_PARAMS, r.get("error").get("code").asInt(), b[0] + " -> " + r);
            assertTrue(r.get("error").get("message").asText().startsWith("emergency.end")
                    && r.get("error").get("message").asText().contains(b[1]), b[0] + " -> " + r);
        }
        assertEquals(List.of(), api.ended());
        assertEquals(1, api.emergency().helping().size());
    }

    @Test
    void emergencyIsReadAndEndIsWrite() {
        assertTrue(RpcMethods.NAMES.containsAll(List.of("emergency", "emergency.end")));
        assertTrue(RpcMethods.WRITES.contains("emergency.end"));
        assertFalse(RpcMethods.WRITES.contains("emergency"));
    }
}
