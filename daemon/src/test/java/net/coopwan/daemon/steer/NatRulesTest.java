package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class NatRulesTest {

    @Test
    void rendersTheExactTransaction() {
        NatPlan plan = new NatPlan(
                List.of(new Masquerade("wan", "100.64.50.0/24"), new Masquerade("pppoe-wan2", null)),
                List.of(new ForwardAccept("br-lan", "cw-b0")));
        assertEquals("""
                add table inet coopwan
                delete table inet coopwan
                table inet coopwan {
                \tchain postrouting {
                \t\ttype nat hook postrouting priority srcnat; policy accept;
                \t\tip saddr 100.64.50.0/24 oifname "wan" masquerade
                \t\toifname "pppoe-wan2" masquerade
                \t}
                \tchain forward {
                \t\ttype filter hook forward priority filter; policy accept;
                \t\tiifname "br-lan" oifname "cw-b0" accept
                \t}
                }
                """, NatRules.render(plan));
    }

    @Test
    void emptyPlanStillDefinesBothChainsWithAcceptPolicy() {
        assertEquals("""
                add table inet coopwan
                delete table inet coopwan
                table inet coopwan {
                \tchain postrouting {
                \t\ttype nat hook postrouting priority srcnat; policy accept;
                \t}
                \tchain forward {
                \t\ttype filter hook forward priority filter; policy accept;
                \t}
                }
                """, NatRules.render(NatPlan.EMPTY));
    }

    @Test
    void applyAndRemoveFeedNftOnStdin() {
        RecordingCommandRunner os = new RecordingCommandRunner();
        NatRules nat = new NatRules(os);
        NatPlan plan = new NatPlan(List.of(new Masquerade("wan", null)), List.of());
        nat.apply(plan);
        nat.remove();
        assertEquals(List.of("nft -f -", "nft -f -"), os.lines());
        assertEquals(NatRules.render(plan), os.calls().get(0).stdin());
        assertEquals("add table inet coopwan\ndelete table inet coopwan\n", os.calls().get(1).stdin());
    }

    @Test
    void nftFailureCarriesItsStderr() {
        RecordingCommandRunner os = new RecordingCommandRunner();
        os.answer("nft -f -", new CommandResult(1, "", "Error: Could not process rule: No such file or directory\n"));
        SteerException e = assertThrows(SteerException.class, () -> new NatRules(os).apply(NatPlan.EMPTY));
        assertTrue(e.getMessage().contains("nft -f -") && e.getMessage().contains("Could not process rule"), e.getMessage());
    }

    @Test
    void refusesInjectionInInterfaceNames() {
        for (String bad : List.of("wan\" accept", "wan\n", "wan}", "wan;", "wa n", "", "-wan", ".wan",
                "abcdefghijklmnop", "wan{", "wan'", "wan/1", "wan:1", "wän")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Masquerade(bad, null), bad);
            assertFalse(e.getMessage().contains("\n"), "error stays on one line: " + e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new ForwardAccept("lan", bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new Masquerade(null, null));
    }

    @Test
    void refusesBadCidrs() {
        for (String bad : List.of("100.64.50.0", "100.64.50.0/33", "100.64.50.0/24\"", "100.64.50.0/24\n",
                "100.64.50.0/24 }", "100.64.050.0/24", "100.64.50/24", "100.64.50.0.0/24", "256.1.1.0/24",
                "100.64.50.0//24", "100.64.50.0/-1", "/24", "a.b.c.d/8", "100.64.50.1/24", "100.64.50.0/ 24")) {
            assertThrows(IllegalArgumentException.class, () -> new Masquerade("wan", bad), bad);
        }
        assertEquals("0.0.0.0/0", new Masquerade("wan", "0.0.0.0/0").sourceCidr());
    }
}
