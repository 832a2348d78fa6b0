package net.coopwan.luci.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.luci.rpc.JsonRpcHandler;
import net.coopwan.luci.testsupport.RawClient;
import net.coopwan.luci.testsupport.RunningSocket;

/** Bad input gets a JSON-RPC error, and the connection and the server carry on. */
class ControlSocketErrorsTest {

    static final int MAX_LINE = 64 * 1024;

    @TempDir
    static Path dir;
    static RunningSocket running;

    @BeforeAll
    static void start() throws Exception {
        running = RunningSocket.start(dir.resolve("c.sock"), new SocketLimits(MAX_LINE, 16, Duration.ofSeconds(30)));
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    static void assertError(JsonNode r, int code, String messagePart) {
        assertTrue(r.has("error"), r.toString());
        assertEquals(code, r.get("error").get("code").asInt(), r.toString());
        assertTrue(r.get("error").get("message").asText().contains(messagePart), r.toString());
        assertEquals("2.0", r.get("jsonrpc").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "not json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"} trailing",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"status\"}", "[1,2", "'single'"})
    void badJsonIsAParseErrorAndTheConnectionServesTheNextRequest(String line) throws Exception {
        try (RawClient c = running.connect()) {
            JsonNode r = c.ask(line);
            assertError(r, -32700, "parse error");
            assertTrue(r.get("id").isNull(), r.toString());
            assertEquals(running.daemon.api().status().hostname(), c.call("status", null).get("hostname").asText());
        }
    }

    @Test
    void invalidUtf8IsAParseError() throws Exception {
        try (RawClient c = running.connect()) {
            c.send(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
            assertError(c.read(), -32700, "UTF-8");
            c.call("version", null);
        }
    }

    @Test
    void deepNestingIsAParseErrorNotAStackOverflow() throws Exception {
        try (RawClient c = running.connect()) {
            JsonNode r = c.ask("[".repeat(40_000));
            assertError(r, -32700, "parse error");
            c.call("version", null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "\"status\"", "null", "true"})
    void aNonObjectIsAnInvalidRequest(String line) throws Exception {
        try (RawClient c = running.connect()) {
            assertError(c.ask(line), -32600, "expected a JSON object");
            c.call("version", null);
        }
    }

    @Test
    void missingOrWrongJsonrpcIsAnInvalidRequestWithTheId() throws Exception {
        try (RawClient c = running.connect()) {
            JsonNode r = c.ask("{\"id\":5,\"method\":\"status\"}");
            assertError(r, -32600, "\"jsonrpc\" must be \"2.0\"");
            assertEquals(5, r.get("id").asInt());
            assertError(c.ask("{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"status\"}"), -32600, "jsonrpc");
            assertError(c.ask("{\"jsonrpc\":2.0,\"id\":5,\"method\":\"status\"}"), -32600, "jsonrpc");
        }
    }

    @Test
    void missingOrNonStringMethodIsAnInvalidRequest() throws Exception {
        try (RawClient c = running.connect()) {
            assertError(c.ask("{\"jsonrpc\":\"2.0\",\"id\":\"x\"}"), -32600, "\"method\" must be a string");
            assertError(c.ask("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":7}"), -32600, "\"method\"");
            // Without an id it is still answered: a malformed request is no notification.
            assertError(c.ask("{\"jsonrpc\":\"2.0\"}"), -32600, "\"method\"");
        }
    }

    @Test
    void badIdOrParamsTypeIsAnInvalidRequest() throws Exception {
        try (RawClient c = running.connect()) {
            JsonNode r = c.ask("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"status\"}");
            assertError(r, -32600, "id must be");
            assertTrue(r.get("id").isNull());
            assertError(c.ask("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events\",\"params\":5}"), -32600, "params");
        }
    }

    @Test
    void emptyAndOversizedBatchesAreInvalidRequests() throws Exception {
        try (RawClient c = running.connect()) {
            assertError(c.ask("[]"), -32600, "empty batch");
            String one = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"version\"}";
            String many = "[" + (one + ",").repeat(JsonRpcHandler.MAX_BATCH) + one + "]";
            assertError(c.ask(many), -32600, "at most " + JsonRpcHandler.MAX_BATCH);
            JsonNode ok = c.ask("[" + (one + ",").repeat(JsonRpcHandler.MAX_BATCH - 1) + one + "]");
            assertEquals(JsonRpcHandler.MAX_BATCH, ok.size());
        }
    }

    @Test
    void unknownMethodIsMethodNotFound() throws Exception {
        try (RawClient c = running.connect()) {
            JsonNode r = c.ask("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"shutdown\"}");
            assertError(r, -32601, "'shutdown'");
            assertEquals(3, r.get("id").asInt());
            assertTrue(r.get("error").get("message").asText().contains("status, uplinks"), r.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"limit\":0}", "{\"limit\":5000}", "[0]", "{\"limit\":-1}", "{\"limit\":1001}"})
    void eventLimitOutOfRangeIsInvalidParams(String params) throws Exception {
        try (RawClient c = running.connect()) {
            JsonNode r = c.ask("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"events\",\"params\":" + params + "}");
            assertError(r, -32602, "limit must be 1-1000");
            assertEquals(4, r.get("id").asInt());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"limit\":\"5\"}", "{\"limit\":2.5}", "{\"limit\":99999999999}", "{\"count\":5}",
            "[1,2]", "{\"limit\":null}"})
    void eventLimitOfTheWrongShapeIsInvalidParams(String params) throws Exception {
        try (RawClient c = running.connect()) {
            JsonNode r = c.ask("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"events\",\"params\":" + params + "}");
            assertError(r, -32602, "events");
        }
    }

    @Test
    void paramsForAMethodWithoutParamsAreInvalidParams() throws Exception {
        try (RawClient c = running.connect()) {
            assertError(c.ask("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":{\"x\":1}}"),
                    -32602, "status takes no params");
            assertTrue(c.ask("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":[]}").has("result"));
        }
    }

    @Test
    void blankLinesAreIgnored() throws Exception {
        try (RawClient c = running.connect()) {
            c.send("\n  \r\n\t\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(8, c.ask("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"version\"}").get("id").asInt());
        }
    }

    @Test
    void aLastRequestWithoutNewlineIsAnsweredAtEndOfInput() throws Exception {
        try (RawClient c = running.connect()) {
            c.send("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"version\"}".getBytes(StandardCharsets.UTF_8));
            c.shutdownOutput();
            assertEquals(9, c.read().get("id").asInt());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void anOversizedLineGetsAnErrorAndTheConnectionIsClosedButTheServerCarriesOn() throws Exception {
        try (RawClient c = running.connect()) {
            byte[] big = new byte[MAX_LINE + 1];
            java.util.Arrays.fill(big, (byte) 'a');
            c.send(big);
            JsonNode r = c.read();
            assertError(r, -32600, "longer than " + MAX_LINE);
            assertTrue(c.closedByServer());
        }
        try (RawClient c = running.connect()) {
            // Exactly the limit is still a line (here a parse error, but answered and the connection kept).
            byte[] atLimit = new byte[MAX_LINE + 1];
            java.util.Arrays.fill(atLimit, (byte) 'a');
            atLimit[MAX_LINE] = '\n';
            c.send(atLimit);
            assertError(c.read(), -32700, "parse error");
            c.call("status", null);
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (RunningSocket quick = RunningSocket.start(dir.resolve("idle.sock"),
                new SocketLimits(MAX_LINE, 4, Duration.ofMillis(300)));
             RawClient c = quick.connect()) {
            c.call("version", null);
            long t0 = System.nanoTime();
            assertTrue(c.closedByServer());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 250 && ms < 5000, "closed after " + ms + " ms");
        }
    }
}
