package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class EmergencyRequesterRulesTest {

    private static final List<String> LANS = List.of("br-lan", "lan2");

    private static EmergencyRequesterPlan plan(boolean viaHelper, EmergencyResetPolicy policy) {
        return new EmergencyRequesterPlan(LANS, "cwemerg0", viaHelper, policy);
    }

    @Test
    void rendersViaTheHelperWithResetOfOlderSessions() {
        assertEquals("""
                add table inet coopwan_emerg
                delete table inet coopwan_emerg
                table inet coopwan_emerg {
                \tcounter via_helper_out {
                \t}
                \tcounter via_helper_in {
                \t}
                \tchain forward {
                \t\ttype filter hook forward priority filter; policy accept;
                \t\tiifname { "br-lan", "lan2" } ct state new ct mark set ct mark and 0xff3fffff or 0x00800000
                \t\tiifname { "br-lan", "lan2" } oifname "cwemerg0" meta l4proto tcp ct state established ct mark and 0x00c00000 != 0x00800000 counter reject with tcp reset
                \t\tiifname { "br-lan", "lan2" } oifname "cwemerg0" counter name "via_helper_out"
                \t\tiifname "cwemerg0" oifname { "br-lan", "lan2" } counter name "via_helper_in"
                \t}
                \tchain postrouting {
                \t\ttype nat hook postrouting priority srcnat; policy accept;
                \t\toifname "cwemerg0" masquerade
                \t}
                }
                """, EmergencyRequesterRules.render(plan(true, EmergencyResetPolicy.ALL)));
    }

    @Test
    void rendersTheOwnUplinkWithResetOfSessionsStartedViaTheHelper() {
        assertEquals("""
                add table inet coopwan_emerg
                delete table inet coopwan_emerg
                table inet coopwan_emerg {
                \tcounter via_helper_out {
                \t}
                \tcounter via_helper_in {
                \t}
                \tchain forward {
                \t\ttype filter hook forward priority filter; policy accept;
                \t\tiifname { "br-lan", "lan2" } ct state new ct mark set ct mark and 0xff3fffff or 0x00400000
                \t\tiifname { "br-lan", "lan2" } meta l4proto tcp ct state established ct mark and 0x00c00000 == 0x00800000 counter reject with tcp reset
                \t}
                \tchain postrouting {
                \t\ttype nat hook postrouting priority srcnat; policy accept;
                \t}
                }
                """, EmergencyRequesterRules.render(plan(false, EmergencyResetPolicy.ALL)));
    }

    @Test
    void policyNoneInstallsNoReset() {
        for (boolean via : new boolean[] {true, false}) {
            String text = EmergencyRequesterRules.render(plan(via, EmergencyResetPolicy.NONE));
            assertEquals(-1, text.indexOf("reject"), text);
            assertEquals(via, text.contains("masquerade"), text);
        }
    }

    @Test
    void switchingToTheHelperRunsTableThenRouteThenRules() {
        RecordingCommandRunner os = new RecordingCommandRunner().answer("ip -4 rule show", """
                0:\tfrom all lookup local
                31000:\tfrom 100.64.60.2 lookup 3100
                31090:\tfrom all iif br-lan lookup main suppress_prefixlength 0
                31090:\tfrom all iif br-lan lookup main suppress_prefixlength 0
                31091:\tfrom all iif br-lan lookup 3190
                32766:\tfrom all lookup main
                """);
        EmergencyRequesterPlan p = plan(true, EmergencyResetPolicy.ALL);
        new EmergencyRequesterRules(os, SteerRanges.DEFAULTS, 3190, 31090).apply(p);
        assertEquals(List.of("nft -f -", "ip -4 rule show", "ip -4 -batch -"), os.lines());
        assertEquals(EmergencyRequesterRules.render(p), os.calls().get(0).stdin());
        assertEquals(String.join("\n",
                "route replace default dev cwemerg0 table 3190",
                "rule del priority 31090",
                "rule del priority 31090",
                "rule del priority 31091",
                "rule add iif br-lan lookup main suppress_prefixlength 0 priority 31090",
                "rule add iif br-lan lookup 3190 priority 31091",
                "rule add iif lan2 lookup main suppress_prefixlength 0 priority 31090",
                "rule add iif lan2 lookup 3190 priority 31091", ""), os.calls().get(2).stdin());
    }

    @Test
    void recoveringRunsRulesThenRouteThenTable() {
        RecordingCommandRunner os = new RecordingCommandRunner().answer("ip -4 rule show", """
                31090:\tfrom all iif br-lan lookup main suppress_prefixlength 0
                31091:\tfrom all iif br-lan lookup 3190
                """);
        EmergencyRequesterPlan p = plan(false, EmergencyResetPolicy.ALL);
        new EmergencyRequesterRules(os, SteerRanges.DEFAULTS, 3190, 31090).apply(p);
        assertEquals(List.of("ip -4 rule show", "ip -4 rule del priority 31090", "ip -4 rule del priority 31091",
                "ip -4 route flush table 3190", "nft -f -"), os.lines());
        assertEquals(EmergencyRequesterRules.render(p), os.calls().get(4).stdin());
    }

    @Test
    void removeAllCleansRulesTableAndNftTableAndToleratesAbsence() {
        RecordingCommandRunner os = new RecordingCommandRunner()
                .answer("ip -4 rule show", "31091:\tfrom all iif br-lan lookup 3190\n")
                .answer("ip -4 route flush table 3190", new CommandResult(2, "", "Error: ipv4: FIB table does not exist.\n"));
        new EmergencyRequesterRules(os, SteerRanges.DEFAULTS, 3190, 31090).removeAll();
        assertEquals(List.of("ip -4 rule show", "ip -4 rule del priority 31091", "ip -4 route flush table 3190",
                "nft -f -"), os.lines());
        assertEquals("add table inet coopwan_emerg\ndelete table inet coopwan_emerg\n", os.calls().get(3).stdin());
    }

    @Test
    void refusesNumbersOutsideTheOwnedRangesAndBadNames() {
        RecordingCommandRunner os = new RecordingCommandRunner();
        assertThrows(IllegalArgumentException.class, () -> new EmergencyRequesterRules(os, SteerRanges.DEFAULTS, 254, 31090));
        assertThrows(IllegalArgumentException.class, () -> new EmergencyRequesterRules(os, SteerRanges.DEFAULTS, 3190, 30999));
        assertThrows(IllegalArgumentException.class, () -> new EmergencyRequesterRules(os, SteerRanges.DEFAULTS, 3190, 31099));
        for (String bad : List.of("br-lan\"", "lan}", "-lan", "abcdefghijklmnop", "lan;", "lan 2")) {
            assertThrows(IllegalArgumentException.class,
                    () -> new EmergencyRequesterPlan(List.of(bad), "cwemerg0", true, EmergencyResetPolicy.ALL), bad);
            assertThrows(IllegalArgumentException.class,
                    () -> new EmergencyRequesterPlan(LANS, bad, true, EmergencyResetPolicy.ALL), bad);
        }
        assertThrows(IllegalArgumentException.class,
                () -> new EmergencyRequesterPlan(List.of(), "cwemerg0", true, EmergencyResetPolicy.ALL));
        assertThrows(IllegalArgumentException.class,
                () -> new EmergencyRequesterPlan(List.of("cwemerg0"), "cwemerg0", true, EmergencyResetPolicy.ALL));
        assertEquals(List.of(), os.lines());
    }
}
