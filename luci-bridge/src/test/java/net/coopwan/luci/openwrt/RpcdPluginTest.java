package net.coopwan.luci.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.luci.rpc.Json;
import net.coopwan.luci.rpc.RpcMethods;

/**
 * The rpcd exec plugin run by {@code sh} (dash here, busybox ash on OpenWrt), with COOPWAN_CTL
 * pointing at a stub that logs its arguments and prints canned output.
 */
class RpcdPluginTest {

    static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    static final Path PLUGIN = MODULE.resolve("files/usr/libexec/rpcd/coopwan");
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    Path stub;

    /** A stand-in for "coopwan ctl": logs "$@", prints DIR/out.json and DIR/err.txt, exits with DIR/rc. */
    @BeforeEach
    void writeStub() throws Exception {
        stub = dir.resolve("fake-ctl");
        Files.writeString(stub, "#!/bin/sh\n"
                + "echo \"$*\" >> '" + dir + "/args.log'\n"
                + "[ -f '" + dir + "/out.json' ] && cat '" + dir + "/out.json'\n"
                + "[ -f '" + dir + "/err.txt' ] && cat '" + dir + "/err.txt' >&2\n"
                + "exit $(cat '" + dir + "/rc' 2>/dev/null || echo 0)\n");
        stub.toFile().setExecutable(true);
    }

    Proc plugin(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", PLUGIN.toString()));
        cmd.addAll(List.of(args));
        Map<String, String> env = new HashMap<>();
        env.put("COOPWAN_CTL", stub.toString());
        return Proc.run(cmd, env, stdin, TIMEOUT, dir);
    }

    void answer(String json, String err, int rc) throws Exception {
        if (json != null) {
            Files.writeString(dir.resolve("out.json"), json);
        }
        if (err != null) {
            Files.writeString(dir.resolve("err.txt"), err);
        }
        Files.writeString(dir.resolve("rc"), Integer.toString(rc));
    }

    List<String> ctlArgs() throws Exception {
        return Files.readAllLines(dir.resolve("args.log"));
    }

    static JsonNode json(String s) throws Exception {
        return Json.mapper().readTree(s);
    }

    @Test
    void listNamesEveryMethodAsValidJson() throws Exception {
        Proc p = plugin(null, "list");
        assertEquals(0, p.code(), p.err());
        JsonNode list = json(p.out());
        assertTrue(list.isObject());
        List<String> names = new ArrayList<>();
        list.fieldNames().forEachRemaining(names::add);
        assertEquals(new TreeSet<>(RpcMethods.NAMES), new TreeSet<>(names));
        assertTrue(list.get("events").get("limit").isInt(), "limit must register as an integer: " + list);
        assertEquals(0, list.get("status").size());
        assertTrue(list.get("bond.create").get("mtu").isInt() && list.get("bond.create").get("members").isArray(), list.toString());
        assertTrue(list.get("bond.create").get("name").isTextual() && list.get("bond.update").get("mode").isTextual());
        assertEquals(new TreeSet<>(List.of("bond", "uplink")), fields(list.get("bond.member.add")));
        assertEquals(new TreeSet<>(List.of("bond", "uplink")), fields(list.get("bond.member.remove")));
        assertEquals(new TreeSet<>(List.of("name")), fields(list.get("bond.destroy")));
        assertEquals(0, list.get("bonds").size());
        assertEquals(0, list.get("emergency").size());
        assertEquals(new TreeSet<>(List.of("peer", "via")), fields(list.get("emergency.end")));
        assertTrue(list.get("emergency.end").get("peer").isTextual() && list.get("emergency.end").get("via").isTextual());
    }

    @Test
    void emergencyIsPassedThroughAndItsEndTakesItsParamsOnStdin() throws Exception {
        Files.writeString(stub, "#!/bin/sh\n"
                + "echo \"$*\" >> '" + dir + "/args.log'\n"
                + "case \"$*\" in *' -') cat >> '" + dir + "/stdin.log' ;; esac\n"
                + "cat '" + dir + "/out.json'\n");
        answer("{\"requester\":{\"state\":\"NORMAL\"},\"helping\":[{\"peerId\":\"coop-2\"}],\"started\":1,\"counters\":{}}",
                null, 0);
        JsonNode status = json(plugin("{}", "call", "emergency").out());
        assertEquals("coop-2", status.get("helping").get(0).get("peerId").asText(), "an object already: not wrapped");
        answer("{\"ended\":\"coop-2\"}", null, 0);
        String params = "{\"peer\":\"coop-2\",\"via\":\"luci\"}";
        Proc p = plugin(params + "\n", "call", "emergency.end");
        assertEquals(0, p.code(), p.err());
        assertEquals("coop-2", json(p.out()).get("ended").asText());
        assertEquals(List.of("--json call emergency", "--json call emergency.end -"), ctlArgs());
        assertEquals(List.of(params), Files.readAllLines(dir.resolve("stdin.log")));
    }

    @Test
    void endingAnEmergencyThatIsNotThereIsAnErrorObjectNamingNotFound() throws Exception {
        answer(null, "coopwan ctl: emergency.end: this router carries no emergency for 'coop-9' (NOT_FOUND, error -32012)\n", 1);
        JsonNode j = json(plugin("{\"peer\":\"coop-9\"}", "call", "emergency.end").out());
        assertEquals(1, j.get("code").asInt());
        assertTrue(j.get("error").asText().contains("carries no emergency for 'coop-9' (NOT_FOUND"), j.toString());
    }

    @Test
    void latencyIsAReadWithoutParamsPassedThroughUnwrapped() throws Exception {
        JsonNode list = json(plugin(null, "list").out());
        assertEquals(0, list.get("latency").size(), list.toString());
        answer("{\"classification\":{\"enabled\":true},\"suppression\":{\"state\":\"WATCHING\"},"
                + "\"duplication\":{\"on\":false}}", null, 0);
        Proc p = plugin("{}", "call", "latency");
        assertEquals(0, p.code(), p.err());
        assertEquals("WATCHING", json(p.out()).get("suppression").get("state").asText(), "an object already: not wrapped");
        assertEquals(List.of("--json call latency"), ctlArgs());
        JsonNode acl = json(Files.readString(Path.of("files/usr/share/rpcd/acl.d/luci-app-coopwan.json")))
                .get("luci-app-coopwan");
        assertTrue(acl.get("read").get("ubus").get("coopwan").toString().contains("\"latency\""), acl.toString());
        assertFalse(acl.get("write").get("ubus").get("coopwan").toString().contains("\"latency\""), acl.toString());
    }

    @Test
    void sharingStopAndResumeTakeTheirParamsOnStdinAndAreWrites() throws Exception {
        Files.writeString(stub, "#!/bin/sh\n"
                + "echo \"$*\" >> '" + dir + "/args.log'\n"
                + "case \"$*\" in *' -') cat >> '" + dir + "/stdin.log' ;; esac\n"
                + "cat '" + dir + "/out.json'\n");
        JsonNode list = json(plugin(null, "list").out());
        for (String m : List.of("sharing.stop", "sharing.resume")) {
            assertEquals(new TreeSet<>(List.of("peer", "via")), fields(list.get(m)));
        }
        answer("{\"stopped\":\"coop-2\"}", null, 0);
        String params = "{\"peer\":\"coop-2\",\"via\":\"luci\"}";
        Proc p = plugin(params + "\n", "call", "sharing.stop");
        assertEquals(0, p.code(), p.err());
        assertEquals("coop-2", json(p.out()).get("stopped").asText());
        answer("{\"resumed\":\"coop-2\"}", null, 0);
        assertEquals("coop-2", json(plugin(params + "\n", "call", "sharing.resume").out()).get("resumed").asText());
        assertEquals(List.of("--json call sharing.stop -", "--json call sharing.resume -"), ctlArgs());
        assertEquals(List.of(params, params), Files.readAllLines(dir.resolve("stdin.log")));
        // the ACL grants both as writes, beside the read of the status
        JsonNode acl = json(Files.readString(Path.of("files/usr/share/rpcd/acl.d/luci-app-coopwan.json")))
                .get("luci-app-coopwan");
        assertTrue(acl.get("write").get("ubus").get("coopwan").toString().contains("\"sharing.stop\",\"sharing.resume\""),
                acl.toString());
        assertTrue(acl.get("read").get("ubus").get("coopwan").toString().contains("\"sharing\""), acl.toString());
    }

    private static TreeSet<String> fields(JsonNode o) {
        TreeSet<String> f = new TreeSet<>();
        o.fieldNames().forEachRemaining(f::add);
        return f;
    }

    @Test
    void bondsIsWrappedAndBondWritesPassTheirParamsOnStdin() throws Exception {
        // This stub also keeps what it read on stdin.
        Files.writeString(stub, "#!/bin/sh\n"
                + "echo \"$*\" >> '" + dir + "/args.log'\n"
                + "case \"$*\" in *' -') cat >> '" + dir + "/stdin.log' ;; esac\n"
                + "cat '" + dir + "/out.json'\n");
        answer("[{\"name\":\"bond0\"}]", null, 0);
        assertEquals("bond0", json(plugin("{}", "call", "bonds").out()).get("bonds").get(0).get("name").asText());
        answer("{\"name\":\"bond0\",\"ifIndex\":9}", null, 0);
        String params = "{\"name\":\"bond0\",\"mode\":\"wrr\",\"members\":[\"wan\",\"lte\"]}";
        Proc p = plugin(params + "\n", "call", "bond.create");
        assertEquals(0, p.code(), p.err());
        assertEquals(9, json(p.out()).get("ifIndex").asInt(), p.out());
        for (String m : List.of("bond.destroy", "bond.update", "bond.member.add", "bond.member.remove")) {
            plugin("{\"m\":\"" + m + "\"}\n", "call", m);
        }
        assertEquals(List.of("--json call bonds", "--json call bond.create -", "--json call bond.destroy -",
                "--json call bond.update -", "--json call bond.member.add -", "--json call bond.member.remove -"), ctlArgs());
        assertEquals(List.of(params, "{\"m\":\"bond.destroy\"}", "{\"m\":\"bond.update\"}", "{\"m\":\"bond.member.add\"}",
                "{\"m\":\"bond.member.remove\"}"), Files.readAllLines(dir.resolve("stdin.log")));
    }

    @Test
    void aRefusedBondRequestIsAnErrorObjectNamingTheReason() throws Exception {
        answer(null, "coopwan ctl: bond.create: bond 'bond0' exists already (ALREADY_EXISTS, error -32013)\n", 1);
        JsonNode j = json(plugin("{\"name\":\"bond0\"}", "call", "bond.create").out());
        assertEquals(1, j.get("code").asInt());
        assertTrue(j.get("error").asText().contains("ALREADY_EXISTS"), j.toString());
    }

    @Test
    void callStatusPassesTheObjectThrough() throws Exception {
        answer("{\"hostname\":\"r1\",\"uplinksUp\":1}", null, 0);
        Proc p = plugin("{}", "call", "status");
        assertEquals(0, p.code(), p.err());
        assertEquals("r1", json(p.out()).get("hostname").asText());
        assertEquals(List.of("--json status"), ctlArgs());
    }

    @Test
    void arrayResultsAreWrappedInAnObject() throws Exception {
        answer("[{\"name\":\"wan\"},{\"name\":\"lte\"}]", null, 0);
        for (String m : List.of("uplinks", "interfaces")) {
            Proc p = plugin("{}", "call", m);
            JsonNode j = json(p.out());
            assertTrue(j.isObject(), p.out());
            assertEquals("lte", j.get(m).get(1).get("name").asText(), p.out());
        }
    }

    @Test
    void eventsPassesTheLimitFromStdin() throws Exception {
        answer("[{\"id\":3}]", null, 0);
        assertEquals(3, json(plugin("{ \"limit\": 7 }\n", "call", "events").out()).get("events").get(0).get("id").asInt());
        plugin("{}\n", "call", "events");
        plugin("", "call", "events");
        assertEquals(List.of("--json events 7", "--json events", "--json events"), ctlArgs());
    }

    @Test
    void aLimitThatIsNoNumberIsAnErrorWithoutCallingCtl() throws Exception {
        Proc p = plugin("{\"limit\":\"many\"}\n", "call", "events");
        JsonNode j = json(p.out());
        assertTrue(j.get("error").asText().contains("limit"), p.out());
        assertEquals(2, j.get("code").asInt());
        assertFalse(Files.exists(dir.resolve("args.log")));
    }

    @Test
    void aFailingCtlBecomesAnErrorObjectWithItsMessageEscaped() throws Exception {
        answer(null, "coopwan ctl: cannot connect to /var/run/coopwan/coopwan.sock: is the \"daemon\" running?\n"
                + "second line\twith a tab and a \\ backslash\n", 3);
        Proc p = plugin("{}", "call", "status");
        JsonNode j = json(p.out());
        assertEquals(3, j.get("code").asInt(), p.out());
        String m = j.get("error").asText();
        assertTrue(m.contains("is the \"daemon\" running?") && m.contains("second line") && m.contains("\\ backslash"), m);
    }

    @Test
    void aReloadThatKeptTheOldConfigStillShowsItsResult() throws Exception {
        answer("{\"applied\":false,\"message\":\"reload failed: line 3\"}", "coopwan ctl: reload: reload failed", 1);
        JsonNode j = json(plugin("{}", "call", "reload").out());
        assertFalse(j.get("applied").asBoolean());
        assertEquals("reload failed: line 3", j.get("message").asText());
    }

    @Test
    void anUnknownMethodIsAnError() throws Exception {
        Proc p = plugin("{}", "call", "shutdown");
        assertEquals(2, p.code());
        assertTrue(json(p.out()).get("error").asText().contains("shutdown"));
    }

    @Test
    void aclGrantsReadMethodsAndChangesOnlyAsWrite() throws Exception {
        JsonNode acl = json(Files.readString(MODULE.resolve("files/usr/share/rpcd/acl.d/luci-app-coopwan.json")));
        JsonNode app = acl.get("luci-app-coopwan");
        List<String> read = new ArrayList<>();
        app.get("read").get("ubus").get("coopwan").forEach(n -> read.add(n.asText()));
        List<String> write = new ArrayList<>();
        app.get("write").get("ubus").get("coopwan").forEach(n -> write.add(n.asText()));
        assertEquals(new TreeSet<>(RpcMethods.WRITES), new TreeSet<>(write));
        for (String w : RpcMethods.WRITES) {
            assertFalse(read.contains(w), w + " changes state: write permission only");
        }
        assertTrue(read.containsAll(List.of("status", "uplinks", "interfaces", "events", "bonds")), read.toString());
        TreeSet<String> all = new TreeSet<>(read);
        all.addAll(write);
        assertEquals(new TreeSet<>(RpcMethods.NAMES), all);
    }

    @Test
    void menuPointsAtTheViewAndTheAcl() throws Exception {
        JsonNode menu = json(Files.readString(MODULE.resolve("files/usr/share/luci/menu.d/luci-app-coopwan.json")));
        JsonNode entry = menu.get("admin/status/coopwan");
        assertEquals("view", entry.get("action").get("type").asText());
        String path = entry.get("action").get("path").asText();
        assertTrue(Files.isRegularFile(MODULE.resolve("htdocs/luci-static/resources/view/" + path + ".js")), path);
        assertEquals("luci-app-coopwan", entry.get("depends").get("acl").get(0).asText());
    }
}
