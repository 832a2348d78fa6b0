package net.coopwan.luci.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.LatencyStatus;

/** JSON-RPC {@code latency}: the daemon's status as it is, no params, a read. */
class LatencyMethodsTest {

    static final LatencyStatus SAMPLE = new LatencyStatus(
            new LatencyStatus.Classification(true, "b", true, 1234, Map.of("game", 3L), 2, 1, 4, 6, 0, 1, 2, 5, 0),
            new LatencyStatus.Suppression(true, "ENFORCING", "loss rising", 20, Map.of("", 20, "coop-n", 10),
                    Map.of("SUPPRESSION_MALFORMED", 2L)),
            new LatencyStatus.Duplication(false, LatencyStatus.DUPLICATION_NOT_WIRED));

    final ControlApi api = (ControlApi) Proxy.newProxyInstance(ControlApi.class.getClassLoader(),
            new Class<?>[] {ControlApi.class}, (proxy, m, args) -> {
                if (m.getName().equals("latency")) {
                    return SAMPLE;
                }
                throw new IllegalStateException("not in this test: " + m.getName());
            });
    final JsonRpcHandler h = new JsonRpcHandler(new RpcMethods(api));

    JsonNode call(String params) throws Exception {
        return JsonRpcHandlerTest.handle(h, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"latency\""
                + (params == null ? "" : ",\"params\":" + params) + "}");
    }

    @Test
    void latencyCarriesEveryFieldOfTheStatus() throws Exception {
        JsonNode r = call(null).get("result");
        assertEquals(Json.mapper().readTree(Json.mapper().writeValueAsString(SAMPLE)), r);
        assertEquals(1234, r.get("classification").get("lcPackets").asLong());
        assertEquals(20, r.get("suppression").get("demands").get("").asInt());
        assertEquals("not wired yet", r.get("duplication").get("reason").asText());
    }

    @Test
    void paramsAreRefusedAndLatencyIsARead() throws Exception {
        JsonNode r = call("{\"peer\":\"x\"}");
        assertEquals(JsonRpc.INVALID_PARAMS, r.get("error").get("code").asInt(), r.toString());
        assertTrue(RpcMethods.NAMES.contains("latency"));
        assertFalse(RpcMethods.WRITES.contains("latency"));
    }

    @Test
    void theDefaultControlApiIsOff() throws Exception {
        ControlApi defaults = (ControlApi) Proxy.newProxyInstance(ControlApi.class.getClassLoader(),
                new Class<?>[] {ControlApi.class}, (proxy, m, args) -> {
                    if (m.getName().equals("latency")) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(proxy, m, args);
                    }
                    throw new IllegalStateException("not in this test: " + m.getName());
                });
        JsonNode r = JsonRpcHandlerTest.handle(new JsonRpcHandler(new RpcMethods(defaults)),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"latency\"}").get("result");
        assertEquals(Json.mapper().readTree(Json.mapper().writeValueAsString(LatencyStatus.off())), r);
    }
}
