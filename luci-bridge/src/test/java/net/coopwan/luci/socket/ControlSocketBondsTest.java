package net.coopwan.luci.socket;

import static net.coopwan.daemon.testing.TestInterfaces.exists;
import static net.coopwan.daemon.testing.TestInterfaces.sys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.api.BondStatus;
import net.coopwan.daemon.api.ControlException;
import net.coopwan.luci.rpc.JsonRpc;
import net.coopwan.luci.testsupport.BondDaemonTest;
import net.coopwan.luci.testsupport.RawClient;

/** The bond methods of the control socket against a daemon running from a config file: real TUN interfaces. */
class ControlSocketBondsTest extends BondDaemonTest {

    static JsonNode ask(RawClient c, String method, String params) throws Exception {
        return c.ask("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"" + method + "\""
                + (params == null ? "" : ",\"params\":" + params) + "}");
    }

    /** The error of a refused request: the code of the reason and data.reason, the daemon's message. */
    static void assertRefused(JsonNode r, ControlException.Reason reason, int code) {
        assertNull(r.get("result"), r.toString());
        assertEquals(5, r.get("id").asInt());
        assertEquals(code, r.get("error").get("code").asInt(), r.toString());
        assertEquals(reason.name(), r.get("error").get("data").get("reason").asText(), r.toString());
        assertFalse(r.get("error").get("message").asText().isBlank());
    }

    @Test
    void everyReasonHasItsCode() {
        assertEquals(-32010, JsonRpc.code(ControlException.Reason.INVALID_VALUE));
        assertEquals(-32011, JsonRpc.code(ControlException.Reason.INCONSISTENT));
        assertEquals(-32012, JsonRpc.code(ControlException.Reason.NOT_FOUND));
        assertEquals(-32013, JsonRpc.code(ControlException.Reason.ALREADY_EXISTS));
        assertEquals(-32014, JsonRpc.code(ControlException.Reason.RESOURCE_UNAVAILABLE));
    }

    @Test
    void eachMethodDrivesTheRealInterface() throws Exception {
        String name = ifs.name();
        try (RawClient c = running.connect()) {
            assertEquals(0, c.call("bonds", null).size());
            JsonNode b = c.call("bond.create", "{\"name\":\"" + name + "\",\"mode\":\"wrr\",\"mtu\":1500,\"members\":[\"wan\"]}");
            assertEquals(name, b.get("name").asText());
            assertEquals("wrr", b.get("mode").asText());
            assertEquals("ACTIVE", b.get("state").asText());
            assertTrue(exists(name), "bond.create made a kernel interface");
            assertEquals(sys(name, "ifindex"), b.get("ifIndex").asText());
            assertEquals("1500", sys(name, "mtu"));

            JsonNode list = c.call("bonds", null);
            assertEquals(1, list.size());
            assertEquals(b, list.get(0));

            JsonNode u = c.call("bond.update", "{\"name\":\"" + name + "\",\"mtu\":1280}");
            assertEquals(1280, u.get("mtu").asInt());
            assertEquals("wrr", u.get("mode").asText(), "a missing field stays");
            assertEquals("1280", sys(name, "mtu"));
            assertEquals("active-backup", c.call("bond.update", "{\"name\":\"" + name + "\",\"mode\":\"active-backup\"}")
                    .get("mode").asText());

            assertEquals(List.of("wan", "lte"), members(c.call("bond.member.add", "{\"bond\":\"" + name + "\",\"uplink\":\"lte\"}")));
            assertEquals(List.of("lte"), members(c.call("bond.member.remove", "{\"bond\":\"" + name + "\",\"uplink\":\"wan\"}")));
            assertEquals(List.of("lte"), api.bonds().get(0).members());

            JsonNode d = c.call("bond.destroy", "{\"name\":\"" + name + "\"}");
            assertEquals(name, d.get("destroyed").asText());
            assertFalse(exists(name), "bond.destroy removed the interface");
            assertEquals(0, c.call("bonds", null).size());
        }
    }

    private static List<String> members(JsonNode b) {
        List<String> m = new ArrayList<>();
        b.get("members").forEach(n -> m.add(n.asText()));
        return m;
    }

    @Test
    void refusalsAreErrorsWithTheReasonAndChangeNothing() throws Exception {
        String name = ifs.name();
        try (RawClient c = running.connect()) {
            assertRefused(ask(c, "bond.create", "{\"name\":\"bad-name!\"}"), ControlException.Reason.INVALID_VALUE, JsonRpc.INVALID_VALUE);
            assertRefused(ask(c, "bond.create", "{\"name\":\"" + name + "\",\"mtu\":100}"), ControlException.Reason.INVALID_VALUE,
                    JsonRpc.INVALID_VALUE);
            assertRefused(ask(c, "bond.create", "{\"name\":\"" + name + "\",\"members\":[\"nosuch\"]}"),
                    ControlException.Reason.INCONSISTENT, JsonRpc.INCONSISTENT);
            assertFalse(exists(name));
            assertEquals(List.of(), api.bonds());

            c.call("bond.create", "{\"name\":\"" + name + "\",\"members\":[\"wan\"]}");
            assertRefused(ask(c, "bond.create", "{\"name\":\"" + name + "\"}"), ControlException.Reason.ALREADY_EXISTS,
                    JsonRpc.ALREADY_EXISTS);
            assertRefused(ask(c, "bond.member.add", "{\"bond\":\"" + name + "\",\"uplink\":\"wan\"}"),
                    ControlException.Reason.ALREADY_EXISTS, JsonRpc.ALREADY_EXISTS);
            assertRefused(ask(c, "bond.member.add", "{\"bond\":\"" + name + "\",\"uplink\":\"nosuch\"}"),
                    ControlException.Reason.INCONSISTENT, JsonRpc.INCONSISTENT);
            assertRefused(ask(c, "bond.member.remove", "{\"bond\":\"" + name + "\",\"uplink\":\"lte\"}"),
                    ControlException.Reason.NOT_FOUND, JsonRpc.NOT_FOUND);
            assertRefused(ask(c, "bond.update", "{\"name\":\"" + name + "\",\"mode\":\"fastest\"}"),
                    ControlException.Reason.INVALID_VALUE, JsonRpc.INVALID_VALUE);
            assertRefused(ask(c, "bond.update", "{\"name\":\"nosuchbond\",\"mtu\":1400}"), ControlException.Reason.NOT_FOUND,
                    JsonRpc.NOT_FOUND);
            assertRefused(ask(c, "bond.destroy", "{\"name\":\"nosuchbond\"}"), ControlException.Reason.NOT_FOUND, JsonRpc.NOT_FOUND);
            BondStatus now = api.bonds().get(0);
            assertEquals(List.of("wan"), now.members());
            assertEquals("adaptive", now.mode());
        }
    }

    @Test
    void paramsOfTheWrongShapeAreInvalidParamsAndNeverReachTheDaemon() throws Exception {
        String name = ifs.name();
        String[][] bad = {
            {"bond.create", null}, {"bond.create", "[\"" + name + "\"]"}, {"bond.create", "{}"},
            {"bond.create", "{\"name\":5}"}, {"bond.create", "{\"name\":\"" + name + "\",\"mtu\":\"1400\"}"},
            {"bond.create", "{\"name\":\"" + name + "\",\"mtu\":1.5}"}, {"bond.create", "{\"name\":\"" + name + "\",\"members\":\"wan\"}"},
            {"bond.create", "{\"name\":\"" + name + "\",\"members\":[1]}"}, {"bond.create", "{\"name\":\"" + name + "\",\"extra\":1}"},
            {"bond.destroy", "{}"}, {"bond.update", "{\"mtu\":1400}"}, {"bond.update", "{\"name\":\"" + name + "\",\"members\":[]}"},
            {"bond.member.add", "{\"bond\":\"" + name + "\"}"}, {"bond.member.remove", "{\"uplink\":\"wan\"}"},
            {"bonds", "{\"name\":\"x\"}"},
        };
        try (RawClient c = running.connect()) {
            for (String[] b : bad) {
                JsonNode r = ask(c, b[0], b[1]);
                assertEquals(JsonRpc.INVALID_PARAMS, r.get("error").get("code").asInt(), b[0] + " " + b[1] + " -> " + r);
                assertNull(r.get("error").get("data"), r.toString());
            }
        }
        assertFalse(exists(name));
        assertEquals(List.of(), api.bonds());
    }
}
