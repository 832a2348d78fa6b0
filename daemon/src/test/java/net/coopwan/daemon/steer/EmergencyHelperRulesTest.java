package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EmergencyHelperRulesTest {

    private static final String LIST = "nft list table inet coopwan_help";
    private static final CommandResult ABSENT = new CommandResult(1, "",
            "Error: No such file or directory\nlist table inet coopwan_help\n                ^^^^^^^^^^^^\n");

    private static Inet4Address a(String s) {
        return Ipv4Cidr.parseAddress(s);
    }

    static EmergencyGrant direct(String name, String source) {
        return new EmergencyGrant(name, EmergencyMode.DIRECT, "cwhelp0", a(source), "wan", List.of(),
                new EmergencyQuota(62_500, 100));
    }

    static EmergencyGrant concentrator() {
        return new EmergencyGrant("b2", EmergencyMode.CONCENTRATOR, "peer0", a("100.64.70.2"), "wan",
                List.of(EmergencyDestination.parse("198.18.9.2:4500"), EmergencyDestination.parse("198.18.9.3:4501")),
                new EmergencyQuota(1_250_000, 1000));
    }

    private static final String SKELETON = """
            add table inet coopwan_help
            add map inet coopwan_help requesters { type ifname . ipv4_addr : verdict; }
            add map inet coopwan_help returns { type ifname . ipv4_addr : verdict; }
            add set inet coopwan_help tunnels { type ifname; }
            add counter inet coopwan_help unknown
            add chain inet coopwan_help forward { type filter hook forward priority filter; policy accept; }
            add chain inet coopwan_help postrouting { type nat hook postrouting priority srcnat; policy accept; }
            flush chain inet coopwan_help forward
            flush chain inet coopwan_help postrouting
            add rule inet coopwan_help forward iifname . ip saddr vmap @requesters
            add rule inet coopwan_help forward oifname . ip daddr vmap @returns
            add rule inet coopwan_help forward iifname @tunnels counter name "unknown" drop
            add rule inet coopwan_help postrouting ct mark and 0x00c00000 == 0x00c00000 masquerade
            """;

    @Test
    void rendersTheExactTransactionForADirectRequester() {
        assertEquals(SKELETON + """
                add counter inet coopwan_help carried_a1
                add counter inet coopwan_help over_a1
                add counter inet coopwan_help refused_a1
                add set inet coopwan_help dsta_a1 { type ipv4_addr; }
                add set inet coopwan_help dstp_a1 { type ipv4_addr . inet_service; }
                flush set inet coopwan_help dsta_a1
                flush set inet coopwan_help dstp_a1
                add chain inet coopwan_help req_a1
                add chain inet coopwan_help pass_a1
                add chain inet coopwan_help ret_a1
                flush chain inet coopwan_help req_a1
                flush chain inet coopwan_help pass_a1
                flush chain inet coopwan_help ret_a1
                add limit inet coopwan_help q_a1 { rate over 56250 bytes/second; }
                add rule inet coopwan_help req_a1 oifname != "wan" counter name "refused_a1" drop
                add rule inet coopwan_help req_a1 goto pass_a1
                add rule inet coopwan_help pass_a1 limit name "q_a1" counter name "over_a1" drop
                add rule inet coopwan_help pass_a1 ct mark set ct mark and 0xff3fffff or 0x00c00000 counter name "carried_a1" accept
                add rule inet coopwan_help ret_a1 iifname != "wan" return
                add rule inet coopwan_help ret_a1 ct state established,related accept
                add rule inet coopwan_help ret_a1 counter name "refused_a1" drop
                add element inet coopwan_help requesters { "cwhelp0" . 100.127.255.2 : jump req_a1 }
                add element inet coopwan_help returns { "cwhelp0" . 100.127.255.2 : jump ret_a1 }
                add element inet coopwan_help tunnels { "cwhelp0" }
                """, EmergencyHelperRules.render(direct("a1", "100.127.255.2"), EmergencyHelperRules.Current.ABSENT));
    }

    @Test
    void concentratorModeIsTheSamePathWithADestinationMatch() {
        String text = EmergencyHelperRules.render(concentrator(), EmergencyHelperRules.Current.ABSENT);
        assertTrue(text.contains("""
                add element inet coopwan_help dstp_b2 { 198.18.9.2 . 4500, 198.18.9.3 . 4501 }
                """), text);
        assertFalse(text.contains("add element inet coopwan_help dsta_b2"), text);
        assertTrue(text.contains("""
                add rule inet coopwan_help req_b2 oifname != "wan" counter name "refused_b2" drop
                add rule inet coopwan_help req_b2 ip daddr @dsta_b2 goto pass_b2
                add rule inet coopwan_help req_b2 ip daddr . udp dport @dstp_b2 goto pass_b2
                add rule inet coopwan_help req_b2 counter name "refused_b2" drop
                add rule inet coopwan_help pass_b2 limit name "q_b2" counter name "over_b2" drop
                """), text);
        assertTrue(text.contains("add limit inet coopwan_help q_b2 { rate over 618750 bytes/second; }\n"), text);
        assertTrue(text.endsWith("""
                add element inet coopwan_help requesters { "peer0" . 100.64.70.2 : jump req_b2 }
                add element inet coopwan_help returns { "peer0" . 100.64.70.2 : jump ret_b2 }
                """), text);
        // one code path: the mode only decides what inDevice and source mean, so a direct grant
        // with the same device, source and list renders the very same transaction, but for
        // claiming its device as a tunnel of ours (a peer link is shared)
        EmergencyGrant c = concentrator();
        EmergencyGrant d = new EmergencyGrant(c.name(), EmergencyMode.DIRECT, c.inDevice(), c.source(), c.wanDevice(),
                c.destinations(), c.quota());
        assertEquals(text + "add element inet coopwan_help tunnels { \"peer0\" }\n",
                EmergencyHelperRules.render(d, EmergencyHelperRules.Current.ABSENT));
    }

    @Test
    void applyReadsOnceThenRunsOneTransaction() {
        RecordingCommandRunner os = new RecordingCommandRunner().answer(LIST, ABSENT);
        EmergencyGrant g = direct("a1", "100.127.255.2");
        new EmergencyHelperRules(os).apply(g);
        assertEquals(List.of(LIST, "nft -f -"), os.lines());
        assertEquals(EmergencyHelperRules.render(g, EmergencyHelperRules.Current.ABSENT), os.calls().get(1).stdin());
    }

    /** What nft 1.0.6 lists after a1 (62500/100 ms) and b2 were applied. */
    static final String LISTED = """
            table inet coopwan_help {
            \tlimit q_a1 {
            \t\trate over 56250 bytes/second
            \t}

            \tlimit q_b2 {
            \t\trate over 600 kbytes/second burst 2 kbytes
            \t}

            \tmap requesters {
            \t\ttype ifname . ipv4_addr : verdict
            \t\telements = { "cwhelp0" . 100.127.255.2 : jump req_a1,
            \t\t\t     "peer0" . 100.64.70.2 : jump req_b2 }
            \t}

            \tmap returns {
            \t\ttype ifname . ipv4_addr : verdict
            \t\telements = { "cwhelp0" . 100.127.255.2 : jump ret_a1,
            \t\t\t     "peer0" . 100.64.70.2 : jump ret_b2 }
            \t}
            }
            """;

    @Test
    void parsesTheListing() {
        EmergencyHelperRules.Current c = EmergencyHelperListing.parse(LISTED);
        assertTrue(c.present());
        assertEquals(Map.of(new EmergencyHelperRules.Key("cwhelp0", a("100.127.255.2")), "a1",
                new EmergencyHelperRules.Key("peer0", a("100.64.70.2")), "b2"), c.requesters());
        assertEquals(c.requesters(), c.returns());
        assertEquals(Map.of("a1", "rate over 56250 bytes/second",
                "b2", "rate over 614400 bytes/second burst 2048 bytes"), c.limits());
    }

    @Test
    void reapplyingKeepsTheLimitAndAChangedQuotaReplacesIt() {
        EmergencyHelperRules.Current c = EmergencyHelperListing.parse(LISTED);
        String same = EmergencyHelperRules.render(direct("a1", "100.127.255.2"), c);
        assertFalse(same.contains("delete"), same);
        assertEquals(EmergencyHelperRules.render(direct("a1", "100.127.255.2"), EmergencyHelperRules.Current.ABSENT), same);

        String changed = EmergencyHelperRules.render(concentrator(), c);
        int flush = changed.indexOf("flush chain inet coopwan_help pass_b2\n");
        int delete = changed.indexOf("delete limit inet coopwan_help q_b2\n");
        int add = changed.indexOf("add limit inet coopwan_help q_b2 { rate over 618750 bytes/second; }\n");
        assertTrue(flush >= 0 && flush < delete && delete < add, changed);
        assertFalse(changed.contains("a1"), "another requester is never named: " + changed);
    }

    @Test
    void anUnreadableLimitIsReplacedNotKept() {
        EmergencyHelperRules.Current c = EmergencyHelperListing.parse(LISTED.replace(
                "rate over 56250 bytes/second", "rate over 56250 bytes/second burst 3 gbytes"));
        assertEquals(EmergencyHelperListing.UNREADABLE, c.limits().get("a1"));
        assertTrue(EmergencyHelperRules.render(direct("a1", "100.127.255.2"), c)
                .contains("delete limit inet coopwan_help q_a1\n"));
    }

    @Test
    void aMovedRequesterLosesItsOldElements() {
        EmergencyHelperRules.Current c = EmergencyHelperListing.parse(LISTED);
        String moved = EmergencyHelperRules.render(direct("a1", "100.127.255.6"), c);
        assertTrue(moved.endsWith("""
                delete element inet coopwan_help requesters { "cwhelp0" . 100.127.255.2 : jump req_a1 }
                delete element inet coopwan_help returns { "cwhelp0" . 100.127.255.2 : jump ret_a1 }
                add element inet coopwan_help requesters { "cwhelp0" . 100.127.255.6 : jump req_a1 }
                add element inet coopwan_help returns { "cwhelp0" . 100.127.255.6 : jump ret_a1 }
                add element inet coopwan_help tunnels { "cwhelp0" }
                """), moved);
    }

    @Test
    void refusesAKeyCarriedForAnotherRequester() {
        RecordingCommandRunner os = new RecordingCommandRunner().answer(LIST, LISTED);
        SteerException e = assertThrows(SteerException.class,
                () -> new EmergencyHelperRules(os).apply(direct("c3", "100.127.255.2")));
        assertTrue(e.getMessage().contains("carried for requester a1"), e.getMessage());
        assertEquals(List.of(LIST), os.lines());
    }

    @Test
    void removeDeletesOnlyTheRequestersObjects() {
        RecordingCommandRunner os = new RecordingCommandRunner().answer(LIST, LISTED);
        new EmergencyHelperRules(os).remove("a1");
        assertEquals(List.of(LIST, "nft -f -"), os.lines());
        assertEquals("""
                delete element inet coopwan_help requesters { "cwhelp0" . 100.127.255.2 : jump req_a1 }
                delete element inet coopwan_help returns { "cwhelp0" . 100.127.255.2 : jump ret_a1 }
                add chain inet coopwan_help req_a1
                flush chain inet coopwan_help req_a1
                add chain inet coopwan_help pass_a1
                flush chain inet coopwan_help pass_a1
                add chain inet coopwan_help ret_a1
                flush chain inet coopwan_help ret_a1
                delete chain inet coopwan_help req_a1
                delete chain inet coopwan_help pass_a1
                delete chain inet coopwan_help ret_a1
                add limit inet coopwan_help q_a1 { rate over 1 bytes/second; }
                delete limit inet coopwan_help q_a1
                add counter inet coopwan_help carried_a1
                delete counter inet coopwan_help carried_a1
                add counter inet coopwan_help over_a1
                delete counter inet coopwan_help over_a1
                add counter inet coopwan_help refused_a1
                delete counter inet coopwan_help refused_a1
                add set inet coopwan_help dsta_a1 { type ipv4_addr; }
                delete set inet coopwan_help dsta_a1
                add set inet coopwan_help dstp_a1 { type ipv4_addr . inet_service; }
                delete set inet coopwan_help dstp_a1
                """, os.calls().get(1).stdin());
    }

    @Test
    void removeOfAnAbsentTableRunsNothingElse() {
        RecordingCommandRunner os = new RecordingCommandRunner().answer(LIST, ABSENT);
        new EmergencyHelperRules(os).remove("a1");
        assertEquals(List.of(LIST), os.lines());
    }

    @Test
    void removeAllDeletesTheTableEvenIfAbsent() {
        RecordingCommandRunner os = new RecordingCommandRunner();
        new EmergencyHelperRules(os).removeAll();
        assertEquals(List.of("nft -f -"), os.lines());
        assertEquals("add table inet coopwan_help\ndelete table inet coopwan_help\n", os.calls().get(0).stdin());
    }

    @Test
    void readsCountersPerRequester() {
        String listed = """
                table inet coopwan_help {
                \tcounter carried_a1 {
                \t\tpackets 120 bytes 121000
                \t}
                \tcounter over_a1 {
                \t\tpackets 7 bytes 7196
                \t}
                \tcounter refused_a1 {
                \t\tpackets 2 bytes 168
                \t}
                \tcounter carried_b2 {
                \t\tpackets 0 bytes 0
                \t}
                }
                """;
        RecordingCommandRunner os = new RecordingCommandRunner()
                .answer("nft list counters table inet coopwan_help", listed);
        assertEquals(List.of(new EmergencyCounters("a1", 121000, 120, 7196, 7, 2),
                new EmergencyCounters("b2", 0, 0, 0, 0, 0)), new EmergencyHelperRules(os).counters());
        RecordingCommandRunner none = new RecordingCommandRunner()
                .answer("nft list counters table inet coopwan_help", ABSENT);
        assertEquals(List.of(), new EmergencyHelperRules(none).counters());
    }

    @Test
    void refusesBadInputBeforeAnyCommand() {
        RecordingCommandRunner os = new RecordingCommandRunner();
        EmergencyHelperRules rules = new EmergencyHelperRules(os);
        for (String bad : List.of("A1", "_a", "a-1", "a\"", "a b", "", "abcdefghijklmnopqrstuvwxy", "a;1", "a\n")) {
            assertThrows(IllegalArgumentException.class, () -> rules.remove(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> direct(bad, "100.127.255.2"), bad);
        }
        EmergencyQuota q = new EmergencyQuota(62_500, 100);
        for (String dev : List.of("wan\" accept", "wan}", "-wan", "abcdefghijklmnop", "wan;")) {
            assertThrows(IllegalArgumentException.class, () -> new EmergencyGrant("a1", EmergencyMode.DIRECT, dev,
                    a("100.127.255.2"), "wan", List.of(), q), dev);
            assertThrows(IllegalArgumentException.class, () -> new EmergencyGrant("a1", EmergencyMode.DIRECT, "cwhelp0",
                    a("100.127.255.2"), dev, List.of(), q), dev);
        }
        for (String d : List.of("198.18.9.2:0", "198.18.9.2:65536", "198.18.9.2:", "198.18.9.2:45a", "198.18.9/2",
                "198.18.9.2:04500", "host:4500", "198.18.9.2:4500 }")) {
            assertThrows(IllegalArgumentException.class, () -> EmergencyDestination.parse(d), d);
        }
        // concentrator mode: only address:port, and at least one
        assertThrows(IllegalArgumentException.class, () -> new EmergencyGrant("b2", EmergencyMode.CONCENTRATOR, "peer0",
                a("100.64.70.2"), "wan", List.of(), q));
        assertThrows(IllegalArgumentException.class, () -> new EmergencyGrant("b2", EmergencyMode.CONCENTRATOR, "peer0",
                a("100.64.70.2"), "wan", List.of(EmergencyDestination.parse("198.18.9.2")), q));
        assertThrows(IllegalArgumentException.class, () -> new EmergencyGrant("b2", EmergencyMode.DIRECT, "wan",
                a("100.64.70.2"), "wan", List.of(), q));
        assertEquals(List.of(), os.lines());
    }
}
