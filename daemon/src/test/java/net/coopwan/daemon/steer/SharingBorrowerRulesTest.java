package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The borrower's rule and route through the shared {@link FwmarkRoute}: the commands as before the extraction. */
class SharingBorrowerRulesTest {

    private final RecordingCommandRunner os = new RecordingCommandRunner();
    private final SharingBorrowerRules rules = new SharingBorrowerRules(os, SteerRanges.DEFAULTS, 3185, 31085);

    @Test
    void openReplacesTheRouteAndTheRuleAtItsPriority() {
        os.answer("ip -4 rule show", "31085:\tfrom all fwmark 0x200000/0x200000 lookup 3185\n"
                + "31085:\tfrom all fwmark 0x200000/0x200000 lookup 3185\n");
        rules.open(new SharingBorrowerPlan(List.of("br-lan"), "cwb0", Set.of(80, 443)));
        assertTrue(os.calls().get(0).stdin().contains("table inet coopwan_share"), os.calls().get(0).stdin());
        RecordingCommandRunner.Call batch = os.calls().get(os.calls().size() - 1);
        assertEquals("ip -4 -batch -", batch.line());
        assertEquals("route replace default dev cwb0 table 3185\nrule del priority 31085\nrule del priority 31085\n"
                + "rule add fwmark 0x00200000/0x00200000 lookup 3185 priority 31085\n", batch.stdin());
    }

    @Test
    void removeAllDeletesEveryRuleAtItsPriorityTheRoutesAndTheTable() {
        os.answer("ip -4 rule show", "31085:\tfrom all fwmark 0x200000/0x200000 lookup 3185\n31086:\tfrom all lookup 9\n");
        rules.removeAll();
        assertEquals(List.of("ip -4 rule show", "ip -4 rule del priority 31085", "ip -4 route flush table 3185", "nft -f -"),
                os.lines());
    }

    @Test
    void tooManyRulesAtThePriorityAreSomeoneElsesAndRefused() {
        os.answer("ip -4 rule show", "31085:\tfrom all lookup 3185\n".repeat(UplinkRoutes.MAX_RULES_PER_PRIORITY + 1));
        assertThrows(SteerException.class, rules::removeAll);
    }
}
