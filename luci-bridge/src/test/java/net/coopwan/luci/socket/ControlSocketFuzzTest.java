package net.coopwan.luci.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.luci.testsupport.RawClient;
import net.coopwan.luci.testsupport.RunningSocket;

/**
 * Property: whatever bytes a line holds, the server answers it with at most one JSON-RPC
 * response (exactly one error for random bytes), closes only on an over-long line, and keeps
 * serving. Fixed seed, bounded count and size, so a failure reproduces.
 */
class ControlSocketFuzzTest {

    static final long SEED = 0xC00_7A4L;
    static final int LINES = 2000;
    static final int MAX_LINE = SocketLimits.DEFAULTS.maxLineBytes();
    static final int GROUP = 50;
    static final int OVERSIZE_EVERY = 150;
    static final String VALID = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events\",\"params\":{\"limit\":3}}";

    @TempDir
    Path dir;

    @Test
    void randomLinesNeverKillTheServer() throws Exception {
        Random rnd = new Random(SEED);
        int errors = 0;
        int results = 0;
        int oversize = 0;
        try (RunningSocket running = RunningSocket.start(dir.resolve("fuzz.sock"))) {
            RawClient c = running.connect();
            try {
                int i = 0;
                while (i < LINES) {
                    if (i % OVERSIZE_EVERY == OVERSIZE_EVERY - 1) {
                        // Over the limit: an error, then the server closes; a new connection works.
                        c.send(randomBytes(rnd, MAX_LINE + 1 + rnd.nextInt(2000)));
                        JsonNode r = c.read();
                        assertNotNull(r, "line " + i + ": no error before closing");
                        assertEquals(-32600, r.path("error").path("code").asInt(), "line " + i + ": " + r);
                        assertTrue(c.closedByServer(), "line " + i + ": connection left open after an over-long line");
                        c.close();
                        c = running.connect();
                        oversize++;
                        i++;
                        continue;
                    }
                    // Pipelined in groups, each line followed by a sentinel request (an unknown method,
                    // so it costs the daemon nothing): the answers before the sentinel's are the line's,
                    // so a line that rightly gets no answer (a notification) cannot stall the test.
                    int group = Math.min(Math.min(GROUP, LINES - i), OVERSIZE_EVERY - 1 - i % OVERSIZE_EVERY);
                    byte[][] lines = new byte[group][];
                    boolean[] random = new boolean[group];
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    for (int k = 0; k < group; k++) {
                        random[k] = rnd.nextBoolean();
                        lines[k] = random[k] ? randomBytes(rnd, 1 + rnd.nextInt(300)) : mutate(rnd, VALID);
                        out.write(lines[k]);
                        out.write(("\n{\"jsonrpc\":\"2.0\",\"id\":\"s" + (i + k) + "\",\"method\":\"sentinel\"}\n")
                                .getBytes(StandardCharsets.UTF_8));
                    }
                    c.send(out.toByteArray());
                    for (int k = 0; k < group; k++, i++) {
                        byte[] line = lines[k];
                        int answers = 0;
                        while (true) {
                            JsonNode r = c.read();
                            assertNotNull(r, "line " + i + ": connection closed; line was " + hex(line));
                            if (r.isObject() && ("s" + i).equals(r.path("id").asText())) {
                                assertEquals(-32601, r.path("error").path("code").asInt(), r.toString());
                                break;
                            }
                            answers++;
                            assertWellFormed(r, i, line);
                            if (hasError(r)) {
                                errors++;
                            } else {
                                results++;
                            }
                        }
                        boolean blank = new String(line, StandardCharsets.ISO_8859_1).isBlank();
                        if (random[k] && !blank) {
                            assertEquals(1, answers, "line " + i + " of random bytes: " + hex(line));
                        } else {
                            assertTrue(answers <= 1, "line " + i + ": " + answers + " answers");
                        }
                    }
                }
                assertEquals(running.daemon.api().status().hostname(), c.call("status", null).get("hostname").asText());
            } finally {
                c.close();
            }
            try (RawClient fresh = running.connect()) {
                assertEquals(running.daemon.api().status().hostname(), fresh.call("status", null).get("hostname").asText());
            }
        }
        System.out.println("fuzz: " + LINES + " lines, " + errors + " errors, " + results + " results, "
                + oversize + " over-long");
        assertTrue(errors > LINES / 3, "most random lines must be errors: " + errors);
        assertTrue(oversize > 0);
    }

    static void assertWellFormed(JsonNode r, int i, byte[] line) {
        if (r.isArray()) {
            for (JsonNode e : r) {
                assertWellFormed(e, i, line);
            }
            return;
        }
        String where = "line " + i + " (" + hex(line) + "): " + r;
        assertEquals("2.0", r.path("jsonrpc").asText(), where);
        assertTrue(r.has("id"), where);
        assertTrue(r.has("result") ^ r.has("error"), where);
        if (r.has("error")) {
            int code = r.get("error").get("code").asInt();
            assertTrue(code == -32700 || code == -32600 || code == -32601 || code == -32602, where);
        }
    }

    static boolean hasError(JsonNode r) {
        if (r.isArray()) {
            for (JsonNode e : r) {
                if (e.has("error")) {
                    return true;
                }
            }
            return false;
        }
        return r.has("error");
    }

    /** Any bytes but the newline, which would split the line. */
    static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n') {
                b[i] = ' ';
            }
        }
        return b;
    }

    /** A valid request with 1-4 bytes replaced, inserted or deleted. */
    static byte[] mutate(Random rnd, String valid) {
        StringBuilder s = new StringBuilder(valid);
        int edits = 1 + rnd.nextInt(4);
        String alphabet = "{}[]\":,0123456789-.eE truefalsnl\\u\u00e9";
        for (int k = 0; k < edits && s.length() > 0; k++) {
            int at = rnd.nextInt(s.length());
            char ch = alphabet.charAt(rnd.nextInt(alphabet.length()));
            switch (rnd.nextInt(3)) {
                case 0 -> s.setCharAt(at, ch);
                case 1 -> s.insert(at, ch);
                default -> s.deleteCharAt(at);
            }
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 64); i++) {
            sb.append(String.format("%02x", b[i]));
        }
        return sb.append(b.length > 64 ? "..." : "").toString();
    }
}
