package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class LatencyRouteRulesTest {

    private final RecordingCommandRunner os = new RecordingCommandRunner();

    @Test
    void tableLabelsOnlyConnectionsThatAreLcAtTheirFirstPacketAndMarksTheirPackets() {
        String t = LatencyRouteRules.render(List.of("br-lan", "lan2"));
        assertTrue(t.startsWith("add table inet coopwan_lcroute\ndelete table inet coopwan_lcroute\n"), t);
        assertTrue(t.contains("elements = { \"br-lan\", \"lan2\" }"), t);
        assertTrue(t.contains("type filter hook prerouting priority -154;"), t);
        // the first packet only (not confirmed yet), and only when classification marked it
        assertTrue(t.contains("iifname != @lans return\n\t\tct status & confirmed == 0 ct mark and 0x00100000 == 0x00100000 "
                + "ct label set 100 counter name \"routed\"\n\t\tct label 100 meta mark set meta mark or 0x00100000\n"), t);
    }

    @Test
    void openPutsTheRouteBeforeTheRuleAndReplacesLeftoverRules() {
        os.answer("ip -4 rule show", "0:\tfrom all lookup local\n31084:\tfrom all fwmark 0x100000/0x100000 lookup 3184\n"
                + "32766:\tfrom all lookup main\n");
        new LatencyRouteRules(os, SteerRanges.DEFAULTS).open(List.of("br-lan"), "bond0");
        assertEquals("nft -f -", os.lines().get(0));
        RecordingCommandRunner.Call batch = os.calls().get(os.calls().size() - 1);
        assertEquals("ip -4 -batch -", batch.line());
        assertEquals("route replace default dev bond0 table 3184\nrule del priority 31084\n"
                + "rule add fwmark 0x00100000/0x00100000 lookup 3184 priority 31084\n", batch.stdin());
    }

    @Test
    void removeAllDeletesRuleRouteAndTableAndAbsentIsFine() {
        os.answer("ip -4 rule show", "31084:\tfrom all fwmark 0x100000/0x100000 lookup 3184\n")
                .answer("ip -4 route flush table 3184", new CommandResult(2, "", "Error: ipv4: FIB table does not exist."));
        new LatencyRouteRules(os, SteerRanges.DEFAULTS).removeAll();
        List<String> l = os.lines();
        assertTrue(l.contains("ip -4 rule del priority 31084"), l.toString());
        assertTrue(l.contains("ip -4 route flush table 3184"), l.toString());
        RecordingCommandRunner.Call last = os.calls().get(os.calls().size() - 1);
        assertEquals("add table inet coopwan_lcroute\ndelete table inet coopwan_lcroute\n", last.stdin());
    }

    @Test
    void numbersComeFromTheOwnedRanges() {
        assertEquals(31084, SteerRanges.DEFAULTS.latencyPriority());
        assertEquals(3184, SteerRanges.DEFAULTS.latencyTable());
        // a range too small to hold the offset refuses rather than writes outside it
        assertThrows(IllegalArgumentException.class, () -> new SteerRanges(31000, 31050, 3100, 3150).latencyTable());
    }

    @Test
    void refusesBadDevices() {
        assertThrows(IllegalArgumentException.class, () -> LatencyRouteRules.render(List.of()));
        assertThrows(IllegalArgumentException.class, () -> LatencyRouteRules.render(List.of("bad name;")));
    }
}
