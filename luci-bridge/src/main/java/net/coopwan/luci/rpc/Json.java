package net.coopwan.luci.rpc;

import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/**
 * The Jackson configuration of the control socket, shared by server and client so both sides
 * agree on the wire format.
 */
public final class Json {

    /**
     * Deepest nesting a request may have. A JSON-RPC request needs four levels; the cap keeps a
     * line of 64 KiB of {@code [} from recursing thousands of frames deep on a connection thread.
     */
    public static final int MAX_NESTING = 32;

    private static final ObjectMapper MAPPER = build();

    private Json() {
    }

    /** Thread-safe once built, as Jackson documents for a configured mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper build() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                // {"id":1,"id":2} has no single meaning; refusing it is clearer than picking one.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        // Instant.toString() is ISO-8601 (2025-01-31T12:00:00Z): readable in a shell and parsed by
        // JavaScript's Date in the LuCI view; the jsr310 module would add start-up cost for the same text.
        SimpleModule time = new SimpleModule("coopwan-time").addSerializer(Instant.class, ToStringSerializer.instance);
        return JsonMapper.builder(factory)
                // One line is one request: "{...} garbage" is a parse error, not a silently truncated request.
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .addModule(time)
                .build();
    }
}
