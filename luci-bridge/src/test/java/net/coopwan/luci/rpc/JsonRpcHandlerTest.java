package net.coopwan.luci.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.daemon.api.BondRequest;
import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.BondUpdate;
import net.coopwan.daemon.api.ControlApi;
import net.coopwan.daemon.api.Event;
import net.coopwan.daemon.api.NetInterface;
import net.coopwan.daemon.api.ReloadResult;
import net.coopwan.daemon.api.Status;
import net.coopwan.daemon.api.UplinkStatus;

/** Failures inside the daemon reach the client as JSON-RPC errors, not as a dropped connection. */
class JsonRpcHandlerTest {

    /** A ControlApi whose every call fails, as a broken store would make it. */
    static final class FailingApi implements ControlApi {
        @Override
        public Status status() {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public net.coopwan.daemon.api.PairingStarted pairStart(String address) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public net.coopwan.daemon.api.PairingResult pairEnter(String address, String code) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public List<net.coopwan.daemon.api.AgreementStatus> agreements() {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public List<net.coopwan.daemon.api.PendingApproval> pendingRequests() {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public net.coopwan.daemon.api.OfferSent requestCooperation(String peerId) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public net.coopwan.daemon.api.AgreementStatus approve(String peerId, java.util.Map<String, java.util.Map<String, Long>> t,
                String via) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public void reject(String peerId, String reason) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public net.coopwan.daemon.api.InfoRequested requestInfo(String peerId) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public net.coopwan.daemon.api.PeerInfo peerInfo(String peerId) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public net.coopwan.daemon.api.LatencyStatus latency() {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public net.coopwan.daemon.api.SharingStatus sharing() {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public net.coopwan.daemon.api.EmergencyStatus emergency() {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public void endEmergency(String peerId, String via) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public void stopLending(String peerId, String via) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public void resumeLending(String peerId, String via) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public List<UplinkStatus> uplinks() {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public List<NetInterface> interfaces() {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public List<Event> events(int limit) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public CoopwanConfig config() {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public ReloadResult reload() {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public List<BondStatus> bonds() {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public BondStatus createBond(BondRequest request) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public void destroyBond(String name) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public BondStatus updateBond(String name, BondUpdate update) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public BondStatus addBondMember(String bond, String uplink) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public BondStatus removeBondMember(String bond, String uplink) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public BondStatus setBondActive(String name, boolean active) {
            throw new IllegalStateException("store is closed");
        }

        @Override
        public AutoCloseable subscribe(java.util.function.Consumer<? super net.coopwan.daemon.api.StateChange> listener) {
            throw new IllegalStateException("store is closed");
        }
    }

    /** Map.of stops at ten pairs. */
    static java.util.Map<String, String> pairs(String... kv) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static JsonNode handle(JsonRpcHandler h, String line) throws Exception {
        return Json.mapper().readTree(h.handle(line.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFailingApiIsAnInternalErrorWithTheIdAndReason() throws Exception {
        JsonRpcHandler h = new JsonRpcHandler(new RpcMethods(new FailingApi()));
        java.util.Map<String, String> params = pairs("bond.create", "{\"name\":\"b\"}",
                "bond.destroy", "{\"name\":\"b\"}", "bond.update", "{\"name\":\"b\",\"mtu\":1400}",
                "bond.member.add", "{\"bond\":\"b\",\"uplink\":\"wan\"}",
                "bond.member.remove", "{\"bond\":\"b\",\"uplink\":\"wan\"}",
                "pair.start", "{\"address\":\"100.64.77.2\"}",
                "pair.enter", "{\"address\":\"100.64.77.2\",\"code\":\"12345678\"}",
                "request", "{\"peer\":\"coop-1\"}", "reject", "{\"peer\":\"coop-1\"}",
                "info", "{\"peer\":\"coop-1\"}", "info.request", "{\"peer\":\"coop-1\",\"wait_ms\":100}",
                "emergency.end", "{\"peer\":\"coop-1\"}", "sharing.stop", "{\"peer\":\"coop-1\"}",
                "sharing.resume", "{\"peer\":\"coop-1\"}",
                "approve", "{\"peer\":\"coop-1\",\"types\":{\"emergency\":{\"bandwidth_kbps\":1}}}");
        for (String m : RpcMethods.NAMES) {
            JsonNode r = handle(h, "{\"jsonrpc\":\"2.0\",\"id\":\"" + m + "\",\"method\":\"" + m + "\""
                    + (params.containsKey(m) ? ",\"params\":" + params.get(m) : "") + "}");
            assertEquals(JsonRpc.INTERNAL_ERROR, r.get("error").get("code").asInt(), r.toString());
            assertEquals(m, r.get("id").asText());
            assertTrue(r.get("error").get("message").asText().contains("store is closed"), r.toString());
        }
    }

    @Test
    void responsesAreOneLine() throws Exception {
        JsonRpcHandler h = new JsonRpcHandler(new RpcMethods(new FailingApi()));
        byte[] out = h.handle("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\\ny\"}".getBytes(StandardCharsets.UTF_8));
        String s = new String(out, StandardCharsets.UTF_8);
        assertTrue(!s.contains("\n") && s.contains("x\\ny"), s);
    }

    @Test
    void longClientTextIsClippedInMessages() throws Exception {
        JsonRpcHandler h = new JsonRpcHandler(new RpcMethods(new FailingApi()));
        String method = "m".repeat(5000);
        JsonNode r = handle(h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\"}");
        assertEquals(JsonRpc.METHOD_NOT_FOUND, r.get("error").get("code").asInt());
        // the client's text is clipped to 80 characters; the rest is the list of methods
        assertTrue(r.get("error").get("message").asText().length() < 150 + String.join(", ", RpcMethods.NAMES).length(),
                r.toString());
    }
}
