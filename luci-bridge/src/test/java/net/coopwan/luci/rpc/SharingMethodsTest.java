package net.coopwan.luci.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.luci.testsupport.SharingApi;

/** JSON-RPC {@code sharing}, {@code sharing.stop} and {@code sharing.resume} against a ControlApi that lends and borrows. */
class SharingMethodsTest {

    final SharingApi api = new SharingApi(new JsonRpcHandlerTest.FailingApi());
    final JsonRpcHandler h = new JsonRpcHandler(new RpcMethods(api.api()));

    JsonNode call(String method, String params) throws Exception {
        return JsonRpcHandlerTest.handle(h, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\""
                + (params == null ? "" : ",\"params\":" + params) + "}");
    }

    @Test
    void sharingCarriesTheCountersAndTotals() throws Exception {
        JsonNode r = call("sharing", null).get("result");
        JsonNode l = r.get("lending").get(0);
        assertEquals(3, l.get("sessions").asLong(), r.toString());
        assertEquals(1500, l.get("rateDownKbps").asLong());
        assertEquals(2L * 1024 * 1024, l.get("bytesDown").asLong());
        assertFalse(l.get("stopped").asBoolean());
        assertEquals(9, r.get("borrowing").get(0).get("sessionsMoved").asLong());
        assertEquals(5L * 1024 * 1024, r.get("totals").get("bytesBorrowedDown").asLong());
    }

    @Test
    void stopAndResumeViaCliByDefaultOrLuciAndUnknownIsNotFound() throws Exception {
        JsonNode r = call("sharing.stop", "{\"peer\":\"" + SharingApi.BORROWER + "\",\"via\":\"luci\"}");
        assertEquals(SharingApi.BORROWER, r.get("result").get("stopped").asText(), r.toString());
        assertTrue(call("sharing", null).get("result").get("lending").get(0).get("stopped").asBoolean());
        r = call("sharing.resume", "{\"peer\":\"" + SharingApi.BORROWER + "\"}");
        assertEquals(SharingApi.BORROWER, r.get("result").get("resumed").asText(), r.toString());
        assertEquals(List.of("stop " + SharingApi.BORROWER + " via luci", "resume " + SharingApi.BORROWER + " via cli"),
                api.changes());

        JsonNode unknown = call("sharing.stop", "{\"peer\":\"coop-nobody\"}");
        assertEquals(JsonRpc.NOT_FOUND, unknown.get("error").get("code").asInt(), unknown.toString());
        assertEquals("NOT_FOUND", unknown.get("error").get("data").get("reason").asText());
    }

    @Test
    void badParamsAreRefusedBeforeTheDaemonIsAsked() throws Exception {
        String[][] bad = {{null, "takes named params"}, {"{}", "param 'peer' is required"},
                {"{\"peer\":5}", "peer must be a string"},
                {"{\"peer\":\"" + SharingApi.BORROWER + "\",\"via\":\"web\"}", "via must be cli or luci, got 'web'"},
                {"{\"peer\":\"" + SharingApi.BORROWER + "\",\"why\":\"x\"}", "unknown param 'why'"}};
        for (String method : List.of("sharing.stop", "sharing.resume")) {
            for (String[] b : bad) {
                JsonNode r = call(method, b[0]);
                assertEquals(JsonRpc.INVALID_PARAMS, r.get("error").get("code").asInt(), b[0] + " -> " + r);
                assertTrue(r.get("error").get("message").asText().startsWith(method)
                        && r.get("error").get("message").asText().contains(b[1]), b[0] + " -> " + r);
            }
        }
        assertEquals(List.of(), api.changes());
    }

    @Test
    void sharingIsReadStopAndResumeAreWrites() {
        assertTrue(RpcMethods.NAMES.containsAll(List.of("sharing", "sharing.stop", "sharing.resume")));
        assertTrue(RpcMethods.WRITES.containsAll(List.of("sharing.stop", "sharing.resume")));
        assertFalse(RpcMethods.WRITES.contains("sharing"));
    }
}
