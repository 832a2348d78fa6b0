package net.coopwan.luci.rpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlApi;

/**
 * The methods of the control socket, each a thin call into {@link ControlApi}. Only the shape of
 * params is checked here; rules such as the 1-1000 range of an event limit stay in ControlApi,
 * whose {@link IllegalArgumentException} becomes {@link JsonRpc#INVALID_PARAMS}, and every rule on
 * bonds stays in ControlApi, whose {@link net.coopwan.daemon.api.ControlException} becomes the
 * error of its reason ({@link JsonRpc#code}).
 */
public final class RpcMethods {

    /** Every method, in the order {@code coopwan ctl} and the rpcd plugin list them. */
    public static final List<String> NAMES = List.of("status", "uplinks", "interfaces", "events", "reload", "version",
            "bonds", "bond.create", "bond.destroy", "bond.update", "bond.member.add", "bond.member.remove", "nearby",
            "peers", "pair.start", "pair.enter", "agreements", "pending", "request", "approve", "reject", "info",
            "info.request", "emergency", "emergency.end", "sharing", "sharing.stop", "sharing.resume",
            "latency");

    /** The methods that change the router: rpcd's ACL grants them as "write". */
    public static final Set<String> WRITES = Set.of("reload", "bond.create", "bond.destroy", "bond.update",
            "bond.member.add", "bond.member.remove", "pair.start", "pair.enter", "request", "approve", "reject",
            "info.request", "emergency.end", "sharing.stop", "sharing.resume");

    /**
     * Who may be named as ending an emergency, or stopping or resuming lending, over this socket:
     * {@code coopwan ctl} and LuCI (through rpcd).
     */
    public static final Set<String> EMERGENCY_END_VIA = Set.of("cli", "luci");

    /** See {@link VersionInfo#api()}. */
    public static final int API_VERSION = 1;

    /** The longest {@code wait_ms} of {@code info.request}: the request is resent every second for 10 s. */
    public static final int MAX_INFO_WAIT_MS = 10_000;
    /** How often {@code info.request} looks for the answer while it waits. */
    static final long INFO_POLL_MS = 20;

    /** Events returned when {@code limit} is not given: a screenful. */
    public static final int DEFAULT_EVENT_LIMIT = 50;

    private final ControlApi api;

    public RpcMethods(ControlApi api) {
        this.api = api;
    }

    /** The answer to {@code sent}, polled from {@link ControlApi#peerInfo} for at most {@code waitMs}. */
    private Object awaitInfo(net.coopwan.daemon.api.InfoRequested sent, int waitMs) {
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        while (true) {
            try {
                net.coopwan.daemon.api.PeerInfo i = api.peerInfo(sent.peerId());
                if (i.requestId() == sent.messageId()) {
                    return i;
                }
            } catch (net.coopwan.daemon.api.ControlException e) {
                if (e.reason() != net.coopwan.daemon.api.ControlException.Reason.NOT_FOUND) {
                    throw e;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new net.coopwan.daemon.api.ControlException(net.coopwan.daemon.api.ControlException.Reason.RESOURCE_UNAVAILABLE,
                        "no answer from " + sent.peerId() + " within " + waitMs + " ms (request " + sent.messageId()
                        + " is resent for 10 s; method info shows the answer once it comes)");
            }
            try {
                Thread.sleep(INFO_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new net.coopwan.daemon.api.ControlException(net.coopwan.daemon.api.ControlException.Reason.RESOURCE_UNAVAILABLE,
                        "interrupted while waiting for " + sent.peerId() + "'s answer");
            }
        }
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
            case "bonds":
                noParams(method, params);
                return api.bonds();
            case "nearby":
                noParams(method, params);
                return api.discovery();
            case "peers": {
                // the discovery status as "nearby" has it, plus the paired routers under "channel"
                noParams(method, params);
                com.fasterxml.jackson.databind.node.ObjectNode o = Json.mapper().valueToTree(api.discovery());
                o.set("channel", Json.mapper().valueToTree(api.peers()));
                // and what was agreed with them or waits for the owner: one look at the neighbours
                o.set("agreements", Json.mapper().valueToTree(api.agreements()));
                o.set("pending", Json.mapper().valueToTree(api.pendingRequests()));
                // and the emergency with them: whether one carries this router, which it carries (LuCI's view)
                o.set("emergency", Json.mapper().valueToTree(api.emergency()));
                // and bandwidth sharing with them, with its counters (LuCI's sharing section)
                o.set("sharing", Json.mapper().valueToTree(api.sharing()));
                // and latency-critical traffic (LuCI's latency section): in the same answer, since each
                // further call costs the router another ctl JVM per refresh
                o.set("latency", Json.mapper().valueToTree(api.latency()));
                return o;
            }
            case "pair.start": {
                Params p = Params.of(method, params, Set.of("address"), Set.of());
                return api.pairStart(p.string("address"));
            }
            case "pair.enter": {
                Params p = Params.of(method, params, Set.of("address", "code"), Set.of());
                return api.pairEnter(p.string("address"), p.string("code"));
            }
            case "agreements":
                noParams(method, params);
                return api.agreements();
            case "pending":
                noParams(method, params);
                return api.pendingRequests();
            case "request": {
                Params p = Params.of(method, params, Set.of("peer"), Set.of());
                return api.requestCooperation(p.string("peer"));
            }
            case "approve": {
                // {"peer": ID, "types": {"emergency": {"bandwidth_kbps": 5000, ...}}, "via": "cli"|"luci"}
                Params p = Params.of(method, params, Set.of("peer", "types"), Set.of("via"));
                String via = p.optString("via");
                return api.approve(p.string("peer"), p.types("types"), via == null ? "cli" : via);
            }
            case "reject": {
                Params p = Params.of(method, params, Set.of("peer"), Set.of("reason"));
                String peer = p.string("peer");
                api.reject(peer, p.optString("reason"));
                Map<String, String> done = new LinkedHashMap<>();
                done.put("rejected", peer);
                return done;
            }
            case "info": {
                Params p = Params.of(method, params, Set.of("peer"), Set.of());
                return api.peerInfo(p.string("peer"));
            }
            case "info.request": {
                // {"peer": ID, "wait_ms": 0-10000}: 0 (the default) returns at once with the request's id;
                // more waits for the answer and returns it (what 'coopwan ctl info PEER' shows)
                Params p = Params.of(method, params, Set.of("peer"), Set.of("wait_ms"));
                Integer wait = p.optInt("wait_ms");
                if (wait != null && (wait < 0 || wait > MAX_INFO_WAIT_MS)) {
                    throw new RpcException(JsonRpc.INVALID_PARAMS, method + ": wait_ms must be 0-" + MAX_INFO_WAIT_MS
                            + ", got " + wait);
                }
                net.coopwan.daemon.api.InfoRequested sent = api.requestInfo(p.string("peer"));
                return wait == null || wait == 0 ? sent : awaitInfo(sent, wait);
            }
            case "sharing":
                noParams(method, params);
                return api.sharing();
            case "latency":
                noParams(method, params);
                return api.latency();
            case "emergency":
                noParams(method, params);
                return api.emergency();
            case "sharing.stop", "sharing.resume": {
                // {"peer": ID, "via": "cli"|"luci"}: the sharer's owner stops (or resumes) lending to PEER
                Params p = Params.of(method, params, Set.of("peer"), Set.of("via"));
                String via = via(method, p);
                String peer = p.string("peer");
                boolean stop = method.equals("sharing.stop");
                if (stop) {
                    api.stopLending(peer, via);
                } else {
                    api.resumeLending(peer, via);
                }
                Map<String, String> done = new LinkedHashMap<>();
                done.put(stop ? "stopped" : "resumed", peer);
                return done;
            }
            case "emergency.end": {
                // {"peer": ID, "via": "cli"|"luci"}: the helper's owner stops carrying PEER's traffic
                Params p = Params.of(method, params, Set.of("peer"), Set.of("via"));
                String via = via(method, p);
                String peer = p.string("peer");
                api.endEmergency(peer, via);
                Map<String, String> done = new LinkedHashMap<>();
                done.put("ended", peer);
                return done;
            }
            case "bond.create": {
                Params p = Params.of(method, params, Set.of("name"), Set.of("mode", "mtu", "members"));
                return api.createBond(new BondRequest(p.string("name"), p.optString("mode"), p.optInt("mtu"),
                        p.optStrings("members")));
            }
            case "bond.destroy": {
                Params p = Params.of(method, params, Set.of("name"), Set.of());
                String name = p.string("name");
                api.destroyBond(name);
                Map<String, String> done = new LinkedHashMap<>();
                done.put("destroyed", name);
                return done;
            }
            case "bond.update": {
                Params p = Params.of(method, params, Set.of("name"), Set.of("mode", "mtu"));
                return api.updateBond(p.string("name"), new BondUpdate(p.optString("mode"), p.optInt("mtu")));
            }
            case "bond.member.add": {
                Params p = Params.of(method, params, Set.of("bond", "uplink"), Set.of());
                return api.addBondMember(p.string("bond"), p.string("uplink"));
            }
            case "bond.member.remove": {
                Params p = Params.of(method, params, Set.of("bond", "uplink"), Set.of());
                return api.removeBondMember(p.string("bond"), p.string("uplink"));
            }
            default:
                throw new RpcException(JsonRpc.METHOD_NOT_FOUND, "method not found: '" + JsonRpcHandler.clip(method)
                        + "'; methods are " + String.join(", ", NAMES));
        }
    }

    /** The optional {@code via} of an owner's action: cli (the default) or luci. */
    private static String via(String method, Params p) throws RpcException {
        String via = p.optString("via");
        if (via != null && !EMERGENCY_END_VIA.contains(via)) {
            throw new RpcException(JsonRpc.INVALID_PARAMS, method + ": via must be cli or luci, got '"
                    + JsonRpcHandler.clip(via) + "'");
        }
        return via == null ? "cli" : via;
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

    /**
     * Named params of a bond method: an object with the required keys, optional ones, nothing
     * else, each of the JSON type its ControlApi argument has. Values are the daemon's to judge.
     */
    private record Params(String method, JsonNode node) {

        static Params of(String method, JsonNode params, Set<String> required, Set<String> optional) throws RpcException {
            if (params == null || !params.isObject()) {
                throw new RpcException(JsonRpc.INVALID_PARAMS, method + " takes named params: " + describe(required, optional));
            }
            for (Map.Entry<String, JsonNode> e : params.properties()) {
                if (!required.contains(e.getKey()) && !optional.contains(e.getKey())) {
                    throw new RpcException(JsonRpc.INVALID_PARAMS, method + ": unknown param '"
                            + JsonRpcHandler.clip(e.getKey()) + "'; params are " + describe(required, optional));
                }
            }
            for (String r : required) {
                if (!params.hasNonNull(r)) {
                    throw new RpcException(JsonRpc.INVALID_PARAMS, method + ": param '" + r + "' is required; params are "
                            + describe(required, optional));
                }
            }
            return new Params(method, params);
        }

        private static String describe(Set<String> required, Set<String> optional) {
            List<String> all = new ArrayList<>(new java.util.TreeSet<>(required));
            new java.util.TreeSet<>(optional).forEach(o -> all.add(o + "?"));
            return "{" + String.join(", ", all) + "}";
        }

        String string(String key) throws RpcException {
            String s = optString(key);
            if (s == null) {
                throw new RpcException(JsonRpc.INVALID_PARAMS, method + ": param '" + key + "' is required");
            }
            return s;
        }

        String optString(String key) throws RpcException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw new RpcException(JsonRpc.INVALID_PARAMS, method + ": " + key + " must be a string, got "
                        + JsonRpcHandler.clip(v.toString()));
            }
            return v.textValue();
        }

        Integer optInt(String key) throws RpcException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new RpcException(JsonRpc.INVALID_PARAMS, method + ": " + key + " must be an integer, got "
                        + JsonRpcHandler.clip(v.toString()));
            }
            return v.intValue();
        }

        /** {@code {"TYPE": {"PARAM": integer, ...}, ...}}: which types and values are valid is the daemon's rule. */
        Map<String, Map<String, Long>> types(String key) throws RpcException {
            JsonNode v = node.get(key);
            String shape = method + ": " + key + " must be an object {\"TYPE\": {\"PARAM\": integer, ...}, ...}, got ";
            if (v == null || !v.isObject()) {
                throw new RpcException(JsonRpc.INVALID_PARAMS, shape + JsonRpcHandler.clip(String.valueOf(v)));
            }
            Map<String, Map<String, Long>> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> t : v.properties()) {
                if (!t.getValue().isObject()) {
                    throw new RpcException(JsonRpc.INVALID_PARAMS, shape + JsonRpcHandler.clip(v.toString()));
                }
                Map<String, Long> values = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> pv : t.getValue().properties()) {
                    if (!pv.getValue().isIntegralNumber() || !pv.getValue().canConvertToLong()) {
                        throw new RpcException(JsonRpc.INVALID_PARAMS, method + ": " + t.getKey() + " " + pv.getKey()
                                + " must be an integer, got " + JsonRpcHandler.clip(pv.getValue().toString()));
                    }
                    values.put(pv.getKey(), pv.getValue().longValue());
                }
                out.put(t.getKey(), values);
            }
            return out;
        }

        List<String> optStrings(String key) throws RpcException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isArray()) {
                throw new RpcException(JsonRpc.INVALID_PARAMS, method + ": " + key + " must be an array of strings, got "
                        + JsonRpcHandler.clip(v.toString()));
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.isTextual()) {
                    throw new RpcException(JsonRpc.INVALID_PARAMS, method + ": " + key + " must be an array of strings, got "
                            + JsonRpcHandler.clip(v.toString()));
                }
                out.add(e.textValue());
            }
            return out;
        }
    }
}
