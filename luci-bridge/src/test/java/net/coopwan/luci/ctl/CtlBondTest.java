package net.coopwan.luci.ctl;

import static net.coopwan.daemon.testing.TestInterfaces.exists;
import static net.coopwan.daemon.testing.TestInterfaces.sys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.luci.rpc.Json;
import net.coopwan.luci.testsupport.BondDaemonTest;

/** {@code coopwan ctl bond ...} against a daemon running from a config file: real TUN interfaces. */
class CtlBondTest extends BondDaemonTest {

    record Run(int code, String out, String err) {
    }

    static Run ctlIn(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--socket";
        all[1] = running.socket.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int code = CtlCommand.run(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), null);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run ctl(String... args) {
        return ctlIn("", args);
    }

    static Run ok(String... args) {
        Run r = ctl(args);
        assertEquals(CtlCommand.OK, r.code(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    @Test
    void everySubcommandWithHumanOutput() throws Exception {
        String name = ifs.name();
        assertEquals("NAME  MODE  MTU  MEMBERS  IFINDEX  STATE\n", ok("bond", "list").out());

        Run created = ok("bond", "create", name, "--mode", "wrr", "--mtu", "1500", "--member", "wan", "--member", "lte");
        assertTrue(exists(name), "bond create made a kernel interface");
        String ifIndex = sys(name, "ifindex");
        assertEquals("1500", sys(name, "mtu"));
        assertEquals("created bond " + name + "\n"
                + "name     " + name + "\nmode     wrr\nmtu      1500\nmembers  wan,lte\nifindex  " + ifIndex + "\nstate    ACTIVE\n",
                created.out());

        List<String> table = ok("bond", "list").out().lines().toList();
        assertEquals(2, table.size(), table.toString());
        assertTrue(table.get(0).matches("NAME\\s+MODE\\s+MTU\\s+MEMBERS\\s+IFINDEX\\s+STATE"), table.get(0));
        assertTrue(table.get(1).matches(name + "\\s+wrr\\s+1500\\s+wan,lte\\s+" + ifIndex + "\\s+ACTIVE"), table.get(1));

        assertTrue(ok("bond", "show", name).out().contains("ifindex  " + ifIndex + "\n"));

        Run set = ok("bond", "set", name, "--mtu", "1280", "--mode", "adaptive");
        assertTrue(set.out().contains("mode     adaptive\nmtu      1280\n"), set.out());
        assertEquals("1280", sys(name, "mtu"));

        assertTrue(ok("bond", "remove", name, "wan").out().contains("members  lte\n"));
        assertTrue(ok("bond", "add", name, "wan").out().contains("members  lte,wan\n"));

        assertEquals("destroyed bond " + name + "\n", ok("bond", "destroy", name).out());
        assertFalse(exists(name), "bond destroy removed the interface");
        assertEquals(List.of(), api.bonds());
    }

    @Test
    void jsonOutputIsTheDaemonsRecords() throws Exception {
        String name = ifs.name();
        JsonNode b = Json.mapper().readTree(ok("--json", "bond", "create", name).out());
        assertEquals(name, b.get("name").asText());
        assertEquals(api.bonds().get(0).ifIndex(), b.get("ifIndex").asInt());
        JsonNode list = Json.mapper().readTree(ok("bond", "list", "--json").out());
        assertTrue(list.isArray() && list.size() == 1, list.toString());
        assertEquals(b, Json.mapper().readTree(ok("--json", "bond", "show", name).out()));
        assertEquals(1300, Json.mapper().readTree(ok("--json", "bond", "set", name, "--mtu", "1300").out()).get("mtu").asInt());
        assertEquals(name, Json.mapper().readTree(ok("--json", "bond", "destroy", name).out()).get("destroyed").asText());
        assertFalse(exists(name));
    }

    @Test
    void refusedRequestsExitOneWithTheDaemonsMessageAndChangeNothing() {
        String name = ifs.name();
        Run bad = ctl("bond", "create", "bad-name!");
        assertEquals(CtlCommand.DAEMON_ERROR, bad.code());
        assertTrue(bad.err().startsWith("coopwan ctl: bond.create: ") && bad.err().contains("(INVALID_VALUE, error -32010)"), bad.err());
        assertEquals("", bad.out());
        Run unknownMember = ctl("bond", "create", name, "--member", "nosuch");
        assertEquals(CtlCommand.DAEMON_ERROR, unknownMember.code());
        assertTrue(unknownMember.err().contains("nosuch") && unknownMember.err().contains("INCONSISTENT"), unknownMember.err());
        Run mtu = ctl("bond", "create", name, "--mtu", "99999");
        assertEquals(CtlCommand.DAEMON_ERROR, mtu.code());
        assertTrue(mtu.err().contains("INVALID_VALUE"), mtu.err());
        assertFalse(exists(name));

        ok("bond", "create", name);
        for (String[] args : new String[][] {{"bond", "create", name}, {"bond", "destroy", "nosuchbond"}, {"bond", "show", "nosuchbond"},
                {"bond", "set", "nosuchbond", "--mtu", "1400"}, {"bond", "add", name, "nosuch"}, {"bond", "remove", name, "wan"}}) {
            Run r = ctl(args);
            assertEquals(CtlCommand.DAEMON_ERROR, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("coopwan ctl: "), r.err());
            assertEquals("", r.out());
        }
        assertTrue(ctl("bond", "destroy", "nosuchbond").err().contains("NOT_FOUND"));
        assertTrue(ctl("bond", "create", name).err().contains("ALREADY_EXISTS"));
        assertEquals(List.of(), api.bonds().get(0).members());
        assertEquals(1400, api.bonds().get(0).mtu());
    }

    @Test
    void callPassesParamsFromStdinAsRpcdDoes() throws Exception {
        String name = ifs.name();
        Run r = ctlIn("{\"name\":\"" + name + "\",\"members\":[\"wan\"]}\n", "--json", "call", "bond.create", "-");
        assertEquals(CtlCommand.OK, r.code(), r.err());
        assertEquals(name, Json.mapper().readTree(r.out()).get("name").asText());
        assertTrue(exists(name));
        Run arg = ctl("call", "bond.member.add", "{\"bond\":\"" + name + "\",\"uplink\":\"lte\"}");
        assertEquals(CtlCommand.OK, arg.code(), arg.err());
        assertTrue(arg.out().contains("members  wan,lte\n"), arg.out());
        Run notJson = ctlIn("{name", "call", "bond.destroy", "-");
        assertEquals(CtlCommand.USAGE, notJson.code(), notJson.err());
        assertTrue(exists(name));
        assertEquals(CtlCommand.OK, ctlIn("{\"name\":\"" + name + "\"}", "call", "bond.destroy", "-").code());
        assertFalse(exists(name));
    }
}
