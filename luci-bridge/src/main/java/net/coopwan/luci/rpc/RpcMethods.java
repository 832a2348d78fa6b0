package net.coopwan.luci.rpc;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.api.ControlApi;

/**
 * The methods of the control socket, each a thin call into {@link ControlApi}. Only the shape of
 * params is checked here; rules such as the 1-1000 range of an event limit stay in ControlApi,
 * whose {@link IllegalArgumentException} becomes {@link JsonRpc#INVALID_PARAMS}.
 */
public final class RpcMethods {

    /** Every method, in the order {@code coopwan ctl} and the rpcd plugin list them. */
    public static final List<String> NAMES = List.of("status", "uplinks", "interfaces", "events", "reload", "version");

    /** See {@link VersionInfo#api()}. */
    public static final int API_VERSION = 1;

    /** Events returned when {@code limit} is not given: a screenful. */
    public static final int DEFAULT_EVENT_LIMIT = 50;

    private final ControlApi api;

    public RpcMethods(ControlApi api) {
        this.api = api;
    }

    /**
     * Runs one method.
     *
     * @param params null when the request had none, else an object or an array
     * @return the value to serialize as {@code result}
     */
    public Object call(String method, JsonNode params) throws RpcException {
        switch (method) {
            case "status":
                noParams(method, params);
                return api.status();
            case "uplinks":
                noParams(method, params);
                return api.uplinks();
            case "interfaces":
                noParams(method, params);
                return api.interfaces();
            case "events":
                return api.events(eventLimit(params));
            case "reload":
                noParams(method, params);
                return api.reload();
            case "version":
                noParams(method, params);
                return new VersionInfo(api.status().version(), API_VERSION);
            default:
                throw new RpcException(JsonRpc.METHOD_NOT_FOUND, "method not found: '" + JsonRpcHandler.clip(method)
                        + "'; methods are " + String.join(", ", NAMES));
        }
    }

    private static void noParams(String method, JsonNode params) throws RpcException {
        if (params != null && !params.isEmpty()) {
            throw new RpcException(JsonRpc.INVALID_PARAMS, method + " takes no params");
        }
    }

    /** {@code {"limit": N}}, {@code [N]} or nothing. */
    private static int eventLimit(JsonNode params) throws RpcException {
        JsonNode limit = null;
        if (params != null && params.isObject()) {
            for (Map.Entry<String, JsonNode> e : params.properties()) {
                String key = e.getKey();
                if (!"limit".equals(key)) {
                    throw new RpcException(JsonRpc.INVALID_PARAMS,
                            "events: unknown param '" + JsonRpcHandler.clip(key) + "'; only 'limit' is known");
                }
            }
            limit = params.get("limit");
        } else if (params != null && params.isArray()) {
            if (params.size() > 1) {
                throw new RpcException(JsonRpc.INVALID_PARAMS, "events takes at most one param, the limit");
            }
            limit = params.get(0);
        }
        if (limit == null) {
            return DEFAULT_EVENT_LIMIT;
        }
        if (!limit.isIntegralNumber() || !limit.canConvertToInt()) {
            throw new RpcException(JsonRpc.INVALID_PARAMS,
                    "events: limit must be an integer, got " + JsonRpcHandler.clip(limit.toString()));
        }
        return limit.intValue();
    }
}
