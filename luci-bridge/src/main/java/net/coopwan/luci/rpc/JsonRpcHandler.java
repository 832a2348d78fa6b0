package net.coopwan.luci.rpc;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.coopwan.daemon.api.ControlException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request line into one response line, as JSON-RPC 2.0 says: a single request or a
 * batch array; notifications (no {@code id}) run but get no answer; anything malformed gets an
 * error object, never an exception, so one bad line cannot end a connection.
 */
public final class JsonRpcHandler {

    /**
     * Most requests one batch may hold. A line is at most 64 KiB, but 64 KiB of
     * {@code events limit 1000} calls would build hundreds of megabytes of answer.
     */
    public static final int MAX_BATCH = 64;

    private static final Logger LOG = LoggerFactory.getLogger(JsonRpcHandler.class);
    private static final int CLIP = 80;

    private final RpcMethods methods;
    private final ObjectMapper mapper = Json.mapper();

    public JsonRpcHandler(RpcMethods methods) {
        this.methods = methods;
    }

    /**
     * Handles one line (without its newline).
     *
     * @return the response, serialized on one line without the newline, or null when nothing is
     *         to be sent: a blank line, or only notifications
     */
    public byte[] handle(byte[] line) {
        String text;
        try {
            // JSON-RPC text is UTF-8; decoding strictly first keeps Jackson from guessing UTF-16/32
            // from random bytes and gives a clear message.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            return write(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "parse error: the line is not valid UTF-8"));
        }
        if (text.isBlank()) {
            return null;
        }
        JsonNode request;
        try {
            request = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return write(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "parse error: " + clip(e.getOriginalMessage())));
        }
        if (request.isArray()) {
            return batch(request);
        }
        ObjectNode response = single(request);
        return response == null ? null : write(response);
    }

    /** An error response for a problem found by the transport (line too long, too many connections). */
    public byte[] transportError(int code, String message) {
        return write(JsonRpc.error(null, code, message));
    }

    private byte[] batch(JsonNode array) {
        if (array.isEmpty()) {
            return write(JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "invalid request: empty batch"));
        }
        if (array.size() > MAX_BATCH) {
            return write(JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
                    "invalid request: batch of " + array.size() + " requests, at most " + MAX_BATCH));
        }
        List<ObjectNode> responses = new ArrayList<>(array.size());
        for (JsonNode r : array) {
            ObjectNode response = single(r);
            if (response != null) {
                responses.add(response);
            }
        }
        if (responses.isEmpty()) {
            return null;
        }
        ArrayNode out = mapper.createArrayNode();
        out.addAll(responses);
        return write(out);
    }

    /** One request object; null for a notification. */
    private ObjectNode single(JsonNode r) {
        if (!r.isObject()) {
            return JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "invalid request: expected a JSON object, got "
                    + r.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        JsonNode id = r.get("id");
        if (id != null && !(id.isTextual() || id.isNumber() || id.isNull())) {
            return JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "invalid request: id must be a string, number or null");
        }
        JsonNode version = r.get("jsonrpc");
        if (version == null || !JsonRpc.VERSION.equals(version.textValue())) {
            return JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "invalid request: \"jsonrpc\" must be \"2.0\"");
        }
        JsonNode method = r.get("method");
        if (method == null || !method.isTextual()) {
            return JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "invalid request: \"method\" must be a string");
        }
        JsonNode params = r.get("params");
        if (params != null && !(params.isObject() || params.isArray())) {
            return JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "invalid request: \"params\" must be an object or an array");
        }
        ObjectNode response = call(id, method.textValue(), params);
        // A notification is a request without an id member; the specification forbids answering it.
        return r.has("id") ? response : null;
    }

    private ObjectNode call(JsonNode id, String method, JsonNode params) {
        try {
            return JsonRpc.result(id, methods.call(method, params));
        } catch (RpcException e) {
            return JsonRpc.error(id, e.code(), e.getMessage());
        } catch (ControlException e) {
            // The daemon refused; nothing changed. Its reason picks the code.
            return JsonRpc.refused(id, e);
        } catch (IllegalArgumentException e) {
            // ControlApi's way of saying a param is out of its range (e.g. events limit 0).
            return JsonRpc.error(id, JsonRpc.INVALID_PARAMS, method + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("control socket: {} failed", method, e);
            return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, "internal error in " + method + ": " + e);
        }
    }

    private byte[] write(JsonNode response) {
        try {
            return mapper.writeValueAsBytes(response);
        } catch (JsonProcessingException e) {
            // Only a result that cannot be serialized gets here: a bug, reported without its value.
            LOG.warn("control socket: cannot serialize a response", e);
            JsonNode id = response.get("id");
            try {
                return mapper.writeValueAsBytes(JsonRpc.error(id, JsonRpc.INTERNAL_ERROR,
                        "internal error: cannot serialize the result: " + e.getOriginalMessage()));
            } catch (JsonProcessingException again) {
                throw new IllegalStateException(again);
            }
        }
    }

    /** Keeps echoed client text short: an error message quoting a 64 KiB method name helps nobody. */
    static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= CLIP ? s : s.substring(0, CLIP) + "...";
    }
}
