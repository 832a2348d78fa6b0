package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** The exact transactions of {@link LatencyRules}, and its readers of the kernel's answers. */
class LatencyRulesTest {

    static final LatencyPlan LOL = new LatencyPlan(List.of("br-lan"), List.of(new LatencyPlan.AppMatch("lol",
            LatencyPlan.Transport.UDP, List.of(new LatencyPlan.Ports(5000, 5500)), List.of())),
            List.of(46, 24, 32, 40), Duration.ofDays(7));

    @Test
    void theDefaultTableIsExactlyThis() {
        assertEquals(String.join("\n",
                "add table inet coopwan_lc",
                "delete table inet coopwan_lc",
                "table inet coopwan_lc {",
                "\tcounter app_lol {",
                "\t}",
                "\tcounter by_dscp {",
                "\t}",
                "\tcounter by_learned {",
                "\t}",
                "\tcounter by_adhoc {",
                "\t}",
                "\tcounter lc_packets {",
                "\t}",
                "\tset lans {",
                "\t\ttype ifname",
                "\t\telements = { \"br-lan\" }",
                "\t}",
                "\tset app_lol {",
                "\t\ttype ipv4_addr . inet_service",
                "\t\tflags interval",
                "\t\telements = { 0.0.0.0/0 . 5000-5500 }",
                "\t}",
                "\tset dscp {",
                "\t\ttype dscp",
                "\t\telements = { 24, 32, 40, 46 }",
                "\t}",
                "\tset learned {",
                "\t\ttype ipv4_addr . inet_service",
                "\t\tsize 4096",
                "\t\tflags timeout",
                "\t\ttimeout 604800s",
                "\t}",
                "\tset adhoc {",
                "\t\ttype ipv4_addr . inet_service . ipv4_addr . inet_service",
                "\t\tsize 4096",
                "\t\tflags timeout",
                "\t\ttimeout 30s",
                "\t}",
                "\tchain pre {",
                "\t\ttype filter hook prerouting priority -155; policy accept;",
                "\t\tct mark and 0x00100000 == 0x00100000 counter name \"lc_packets\" return",
                "\t\tiifname != @lans return",
                "\t\tip daddr . udp dport @app_lol ct mark set ct mark or 0x00100000 counter name \"app_lol\" return",
                "\t\tip dscp @dscp ct mark set ct mark or 0x00100000 counter name \"by_dscp\" return",
                "\t\tip saddr . udp sport . ip daddr . udp dport @adhoc ct mark set ct mark or 0x00100000 counter name "
                        + "\"by_adhoc\" return",
                "\t\tip daddr . udp dport @learned ct mark set ct mark or 0x00100000 counter name \"by_learned\" return",
                "\t}",
                "}",
                ""), LatencyRules.render(LOL));
    }

    @Test
    void destinationsTimesPortsTcpNoDscpNoLearning() {
        LatencyPlan p = new LatencyPlan(List.of("br-lan", "wlan0"), List.of(
                new LatencyPlan.AppMatch("voip", LatencyPlan.Transport.TCP,
                        List.of(new LatencyPlan.Ports(5060, 5060), new LatencyPlan.Ports(10000, 20000)),
                        List.of("198.18.0.0/15", "100.64.1.1/32")),
                new LatencyPlan.AppMatch("srv", LatencyPlan.Transport.UDP, List.of(), List.of("198.18.9.0/24"))),
                List.of(), Duration.ZERO);
        String t = LatencyRules.render(p);
        assertContains(t, "\t\telements = { \"br-lan\", \"wlan0\" }\n");
        assertContains(t, "\tset app_voip {\n\t\ttype ipv4_addr . inet_service\n\t\tflags interval\n\t\telements = { "
                + "198.18.0.0/15 . 5060, 198.18.0.0/15 . 10000-20000, 100.64.1.1/32 . 5060, 100.64.1.1/32 . 10000-20000 }\n");
        assertContains(t, "\t\telements = { 198.18.9.0/24 . 0-65535 }\n");
        assertContains(t, "\tset dscp {\n\t\ttype dscp\n\t}\n");
        assertContains(t, "\tset learned {\n\t\ttype ipv4_addr . inet_service\n\t\tsize 4096\n\t\tflags timeout\n\t}\n");
        assertContains(t, "\t\tip daddr . tcp dport @app_voip ct mark set ct mark or 0x00100000 counter name \"app_voip\" return\n"
                + "\t\tip daddr . udp dport @app_srv ct mark set ct mark or 0x00100000 counter name \"app_srv\" return\n");
        assertEquals(-1, t.indexOf("@learned"), "learning off: no rule reads the set");
    }

    @Test
    void learnedPairsAreReplacedWithTheirTimeoutInOneTransaction() {
        Map<String, Duration> m = new TreeMap<>(Map.of("198.18.90.2 . 7777", Duration.ofDays(7),
                "198.18.90.3 . 9000", Duration.ofSeconds(90)));
        assertEquals("add element inet coopwan_lc learned { 198.18.90.2 . 7777, 198.18.90.3 . 9000 }\n"
                + "delete element inet coopwan_lc learned { 198.18.90.2 . 7777, 198.18.90.3 . 9000 }\n"
                + "add element inet coopwan_lc learned { 198.18.90.2 . 7777 timeout 604800s, "
                + "198.18.90.3 . 9000 timeout 90s }\n", LatencyRules.renderLearned(m));
        assertThrows(IllegalArgumentException.class,
                () -> LatencyRules.renderLearned(Map.of("198.18.90.2 . 1", Duration.ofMillis(500))));
        assertThrows(IllegalArgumentException.class,
                () -> LatencyRules.renderLearned(Map.of("198.18.90.2 . 1", Duration.ofDays(31))));
    }

    @Test
    void upgradedFlowsGoIntoAdHoc() {
        int a = Ipv4Cidr.toInt(Ipv4Cidr.parseAddress("100.64.80.2"));
        int b = Ipv4Cidr.toInt(Ipv4Cidr.parseAddress("198.18.90.2"));
        assertEquals("add element inet coopwan_lc adhoc { 100.64.80.2 . 40000 . 198.18.90.2 . 7777, "
                + "100.64.80.2 . 40001 . 198.18.90.2 . 7777 }\n", LatencyRules.renderAdHoc(List.of(
                        new ConntrackUdpFlow(a, 40000, b, 7777, 1, 1, 1, 1, 0),
                        new ConntrackUdpFlow(a, 40001, b, 7777, 1, 1, 1, 1, 0))));
    }

    @Test
    void countersAndNetworksAreReadFromTheKernelsText() {
        LatencyRules.Counters c = LatencyRules.parseCounters(String.join("\n",
                "table inet coopwan_lc {",
                "\tcounter app_lol {", "\t\tpackets 3 bytes 252", "\t}",
                "\tcounter app_voip {", "\t\tpackets 1 bytes 60", "\t}",
                "\tcounter by_dscp {", "\t\tpackets 2 bytes 168", "\t}",
                "\tcounter by_learned {", "\t\tpackets 4 bytes 300", "\t}",
                "\tcounter by_adhoc {", "\t\tpackets 5 bytes 400", "\t}",
                "\tcounter lc_packets {", "\t\tpackets 100 bytes 12000", "\t}", "}"));
        assertEquals(new LatencyRules.Counters(Map.of("lol", 3L, "voip", 1L), 2, 4, 5, 100), c);
        assertEquals(15, c.total());
        assertEquals(115, c.packets());
        assertEquals(List.of(Ipv4Cidr.parse("100.64.80.0/24"), Ipv4Cidr.parse("198.18.0.0/15")),
                LatencyRules.parseNetworks(String.join("\n",
                        "3: br-lan    inet 100.64.80.1/24 brd 100.64.80.255 scope global br-lan\\       valid_lft forever",
                        "3: br-lan    inet 198.18.3.4/15 scope global br-lan",
                        "3: br-lan    inet 300.1.1.1/24 scope global br-lan",
                        "garbage")));
    }

    @Test
    void removeAllDeletesTheTableEvenWhenAbsentAndCountersAreNullWithoutIt() {
        RecordingCommandRunner r = new RecordingCommandRunner();
        r.answer("nft list counters table inet coopwan_lc",
                new CommandResult(1, "", "Error: No such file or directory; did you mean table ..."));
        LatencyRules rules = new LatencyRules(r);
        rules.removeAll();
        assertEquals("add table inet coopwan_lc\ndelete table inet coopwan_lc\n", r.calls().get(0).stdin());
        assertNull(rules.counters());
        rules.upgrade(List.of());
        rules.learn(Map.of());
        assertEquals(2, r.calls().size(), "nothing to add: no command");
    }

    @Test
    void aPlanRefusesWhatTheKernelWouldRefuseOrMisread() {
        assertThrows(IllegalArgumentException.class, () -> new LatencyPlan(List.of(), List.of(), List.of(), Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new LatencyPlan(List.of("br lan"), List.of(), List.of(),
                Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new LatencyPlan(List.of("br-lan"), List.of(), List.of(64),
                Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new LatencyPlan.AppMatch("a b", LatencyPlan.Transport.UDP,
                List.of(new LatencyPlan.Ports(1, 2)), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new LatencyPlan.AppMatch("x", LatencyPlan.Transport.UDP,
                List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new LatencyPlan.AppMatch("x", LatencyPlan.Transport.UDP,
                List.of(), List.of("198.18.0.1/15")));
        LatencyPlan.AppMatch a = new LatencyPlan.AppMatch("x", LatencyPlan.Transport.UDP, List.of(new LatencyPlan.Ports(1, 1)),
                List.of());
        assertThrows(IllegalArgumentException.class, () -> new LatencyPlan(List.of("br-lan"), List.of(a, a), List.of(),
                Duration.ZERO));
    }

    private static void assertContains(String text, String part) {
        if (!text.contains(part)) {
            assertEquals(part, text, "missing part");
        }
    }

    /** The fast reading: the packets of every counter of the table, from nft's JSON; nothing there is -1. */
    @Test
    void everyLcPacketFromAJsonListing() {
        String json = "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}}, "
                + "{\"counter\": {\"family\": \"inet\", \"name\": \"lc_packets\", \"table\": \"coopwan_lc\", "
                + "\"handle\": 3, \"packets\": 120, \"bytes\": 12000}}, {\"counter\": {\"family\": \"inet\", "
                + "\"name\": \"app_game\", \"table\": \"coopwan_lc\", \"handle\": 4, \"packets\": 2, \"bytes\": 200}}]}";
        assertEquals(122, LatencyRules.packetsOfJson(json));
        assertEquals(-1, LatencyRules.packetsOfJson("{\"nftables\": [{\"metainfo\": {}}]}"));
        assertEquals(-1, LatencyRules.packetsOfJson(""));
        assertEquals(-1, LatencyRules.packetsOfJson("{\"counter\": {\"packets\": 99999999999999999999}}"), "more than a long: not ours");
    }
}
