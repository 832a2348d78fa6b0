package net.coopwan.daemon.coop.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class DuplicationSwitchTest {

    private final List<String> log = new ArrayList<>();
    private final DuplicationSwitch s = new DuplicationSwitch(log::add);

    @Test
    void onOnlyWithLatencyABondAnAgreementAndTheChannel() {
        assertFalse(s.update(new DuplicationSwitch.Inputs(false, "bond0", "coop-b", true)).on());
        assertEquals("config latency enabled 0", s.current().reason());
        assertFalse(s.update(new DuplicationSwitch.Inputs(true, null, "coop-b", true)).on());
        assertFalse(s.update(new DuplicationSwitch.Inputs(true, "bond0", null, true)).on());
        assertEquals("no agreement enables duplication", s.current().reason());
        assertFalse(s.update(new DuplicationSwitch.Inputs(true, "bond0", "coop-b", false)).on());
        DuplicationSwitch.Decision on = s.update(new DuplicationSwitch.Inputs(true, "bond0", "coop-b", true));
        assertTrue(on.on());
        assertEquals("coop-b", on.neighbour());
    }

    @Test
    void oneLogLinePerChangeWithTheNeighbourAndTheReason() {
        DuplicationSwitch.Inputs on = new DuplicationSwitch.Inputs(true, "bond0", "coop-b", true);
        s.update(on);
        s.update(on);
        s.update(on);
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("lc duplication ON with neighbour coop-b: bond bond0"), log.get(0));
        s.update(new DuplicationSwitch.Inputs(true, "bond0", "coop-b", false)); // link lost
        s.update(new DuplicationSwitch.Inputs(true, "bond0", null, false)); // agreement withdrawn
        assertEquals(3, log.size(), log.toString());
        assertTrue(log.get(1).contains("OFF with neighbour coop-b: neighbour link lost"), log.get(1));
        assertTrue(log.get(2).contains("OFF: no agreement enables duplication"), log.get(2));
    }

    /** [0180] and the notes' section 8 TEST: SAME ISPs stop LC copies through the neighbour. */
    @Test
    void aNeighbourOnTheSameIspCarriesNoCopies() {
        DuplicationSwitch s = new DuplicationSwitch(line -> { });
        DuplicationSwitch.Decision same = s.update(new DuplicationSwitch.Inputs(true, "bond0", "coop-b", true, false));
        assertFalse(same.on());
        org.junit.jupiter.api.Assertions.assertTrue(same.reason().contains("same ISP"), same.reason());
        org.junit.jupiter.api.Assertions.assertTrue(s.update(new DuplicationSwitch.Inputs(true, "bond0", "coop-b", true,
                true)).on(), "DIFFERENT or UNKNOWN: copies go");
    }
}
