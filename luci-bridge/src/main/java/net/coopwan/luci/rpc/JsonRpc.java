package net.coopwan.luci.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.coopwan.daemon.api.ControlException;

/** JSON-RPC 2.0 error codes and the two response shapes (https://www.jsonrpc.org/specification). */
public final class JsonRpc {

    public static final String VERSION = "2.0";

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** Implementation-defined server error (-32000..-32099): the connection cap is reached. */
    public static final int SERVER_BUSY = -32000;

    /*
     * The daemon refused the request (ControlException): nothing changed. One code per reason,
     * and error.data is {"reason": REASON} with the reason's name.
     */
    /** ControlException INVALID_VALUE: a value malformed or out of range on its own. */
    public static final int INVALID_VALUE = -32010;
    /** ControlException INCONSISTENT: a value that clashes with the rest of the state. */
    public static final int INCONSISTENT = -32011;
    /** ControlException NOT_FOUND: the object named does not exist. */
    public static final int NOT_FOUND = -32012;
    /** ControlException ALREADY_EXISTS: the object to create exists already. */
    public static final int ALREADY_EXISTS = -32013;
    /** ControlException RESOURCE_UNAVAILABLE: a limit is reached or the system cannot do it now. */
    public static final int RESOURCE_UNAVAILABLE = -32014;

    private JsonRpc() {
    }

    /** {@code {"jsonrpc":"2.0","result":RESULT,"id":ID}}; RESULT is serialized by the mapper when written. */
    public static ObjectNode result(JsonNode id, Object result) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("jsonrpc", VERSION);
        n.putPOJO("result", result);
        n.set("id", id == null ? NullNode.getInstance() : id);
        return n;
    }

    /** {@code {"jsonrpc":"2.0","error":{"code":CODE,"message":MESSAGE},"id":ID}}; ID null when unknown. */
    public static ObjectNode error(JsonNode id, int code, String message) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("jsonrpc", VERSION);
        ObjectNode e = n.putObject("error");
        e.put("code", code);
        e.put("message", message);
        n.set("id", id == null ? NullNode.getInstance() : id);
        return n;
    }

    /** The error code for a reason the daemon refused a request with: the one place they are mapped. */
    public static int code(ControlException.Reason reason) {
        return switch (reason) {
            case INVALID_VALUE -> INVALID_VALUE;
            case INCONSISTENT -> INCONSISTENT;
            case NOT_FOUND -> NOT_FOUND;
            case ALREADY_EXISTS -> ALREADY_EXISTS;
            case RESOURCE_UNAVAILABLE -> RESOURCE_UNAVAILABLE;
        };
    }

    /** {@link #error} for a refusal: {@link #code} and {@code "data":{"reason":REASON}}. */
    public static ObjectNode refused(JsonNode id, ControlException e) {
        ObjectNode n = error(id, code(e.reason()), e.getMessage());
        ((ObjectNode) n.get("error")).putObject("data").put("reason", e.reason().name());
        return n;
    }

    /** A request for a client: {@code {"jsonrpc":"2.0","method":M,"params":P,"id":ID}}, params left out when null. */
    public static ObjectNode request(long id, String method, JsonNode params) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("jsonrpc", VERSION);
        n.put("method", method);
        if (params != null) {
            n.set("params", params);
        }
        n.put("id", id);
        return n;
    }
}
