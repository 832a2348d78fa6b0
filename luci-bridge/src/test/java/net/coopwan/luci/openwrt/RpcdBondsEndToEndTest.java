package net.coopwan.luci.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.testing.TestInterfaces;
import net.coopwan.luci.rpc.Json;
import net.coopwan.luci.testsupport.RunningSocket;

/**
 * The whole LuCI path without rpcd itself: the plugin run by {@code sh} as rpcd runs it, the real
 * {@code coopwan ctl} in its own JVM, the control socket and a daemon running from a config file.
 * A bond made this way is a real interface, and destroying it removes it.
 */
class RpcdBondsEndToEndTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final TestInterfaces ifs = new TestInterfaces();

    @Test
    void createAndDestroyThroughThePluginAndCtl() throws Exception {
        String name = ifs.name();
        try (RunningSocket running = RunningSocket.startFromFile(dir.resolve("e2e.sock"))) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // Split on blanks by the plugin: the class path of this test run has none.
            String ctl = String.join(" ", java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    "net.coopwan.luci.ctl.CtlCommand", "--socket", running.socket.toString());
            assertFalse(ctl.contains("  "), ctl);
            Map<String, String> env = Map.of("COOPWAN_CTL", ctl);
            List<String> plugin = List.of("sh", RpcdPluginTest.PLUGIN.toString(), "call");

            Proc create = Proc.run(cat(plugin, "bond.create"), env,
                    "{\"name\":\"" + name + "\",\"mtu\":1450,\"members\":[\"wan\"]}", RpcdPluginTest.TIMEOUT, dir);
            JsonNode b = Json.mapper().readTree(create.out());
            assertEquals(name, b.path("name").asText(), create.out() + create.err());
            assertTrue(TestInterfaces.exists(name), "ubus call coopwan bond.create made a kernel interface");
            assertEquals(TestInterfaces.sys(name, "ifindex"), b.get("ifIndex").asText());
            assertEquals("1450", TestInterfaces.sys(name, "mtu"));

            Proc again = Proc.run(cat(plugin, "bond.create"), env, "{\"name\":\"" + name + "\"}", RpcdPluginTest.TIMEOUT, dir);
            JsonNode refused = Json.mapper().readTree(again.out());
            assertEquals(1, refused.get("code").asInt(), again.out());
            assertTrue(refused.get("error").asText().contains("ALREADY_EXISTS"), again.out());

            Proc destroy = Proc.run(cat(plugin, "bond.destroy"), env, "{\"name\":\"" + name + "\"}", RpcdPluginTest.TIMEOUT, dir);
            assertEquals(name, Json.mapper().readTree(destroy.out()).path("destroyed").asText(), destroy.out() + destroy.err());
            assertFalse(TestInterfaces.exists(name), "ubus call coopwan bond.destroy removed the interface");
        }
    }

    private static List<String> cat(List<String> a, String b) {
        return java.util.stream.Stream.concat(a.stream(), java.util.stream.Stream.of(b)).toList();
    }
}
