package net.coopwan.daemon.coop.suppression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SuppressionPolicyTest {
    static final long MS = 1_000_000L;
    static final long S = 1_000_000_000L;

    /** A detector the test switches; counts how often it was asked. */
    static final class Switch implements IssueDetector {
        boolean on;
        int asked;

        @Override
        public boolean issue(long nowNanos) {
            asked++;
            return on;
        }

        @Override
        public String why(long nowNanos) {
            return "switch on";
        }
    }

    /**
     * LC packets reported by readings once a second with D = 1 s: the game goes on between two
     * readings, so the policy stays WATCHING and can enforce; it goes IDLE only when a whole reading
     * passed without a report after D.
     */
    @Test
    void lcPacketsReportedByReadingsStayCurrentBetweenThem() {
        Switch sw = new Switch();
        SuppressionPolicy p = new SuppressionPolicy(1 * S, 0, 1 * S, List.of(sw));
        p.lcPacket(0);
        assertEquals(SuppressionPolicy.State.WATCHING, p.evaluate(10 * MS).to());
        for (long t = 100 * MS; t < 5 * S; t += 100 * MS) {
            if (t % S == 0) {
                p.lcPacket(t); // the reading after each second saw the counter grow
            }
            assertNull(p.evaluate(t), "still watching at " + t / MS + " ms");
        }
        sw.on = true;
        assertEquals(SuppressionPolicy.State.ENFORCING, p.evaluate(5 * S).to());
        // the last reading that saw the counter grow was at 4 s: current until 4 s + D + a reading
        assertNull(p.evaluate(6 * S));
        assertEquals(SuppressionPolicy.State.IDLE, p.evaluate(6 * S + 30 * MS).to());
        SuppressionPolicy immediate = new SuppressionPolicy(1 * S, List.of(sw));
        immediate.lcPacket(0);
        immediate.evaluate(0);
        assertEquals(SuppressionPolicy.State.IDLE, immediate.evaluate(1 * S + 1).to(), "reported at once: D alone");
    }

    @Test
    void dIsTheSeedsRange() {
        assertThrows(IllegalArgumentException.class, () -> new SuppressionPolicy(99 * MS, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SuppressionPolicy(60 * S + 1, List.of()));
        new SuppressionPolicy(100 * MS, List.of());
        new SuppressionPolicy(60 * S, List.of());
    }

    /** The notes' TEST: with no LC traffic for longer than D, nothing is enforced even above the caps. */
    @Test
    void noLcForLongerThanDMeansNoEnforcementEvenAboveTheCaps() {
        TrafficCapDetector caps = new TrafficCapDetector(1000, 1000);
        caps.counters(0, 0, 0);
        caps.counters(2 * S, 1_000_000, 1_000_000); // 500 kB/s, far above 1 kB/s
        assertTrue(caps.issue(2 * S));
        SuppressionPolicy p = new SuppressionPolicy(500 * MS, List.of(caps));
        assertNull(p.evaluate(2 * S), "never an LC packet: stays idle");
        p.lcPacket(2 * S);
        assertEquals(SuppressionPolicy.State.ENFORCING, p.evaluate(2 * S + 100 * MS).to());
        assertNull(p.evaluate(2 * S + 500 * MS), "exactly D after the last LC packet: still current");
        SuppressionPolicy.Transition t = p.evaluate(2 * S + 501 * MS);
        assertEquals(new SuppressionPolicy.Transition(SuppressionPolicy.State.ENFORCING, SuppressionPolicy.State.IDLE,
                "no LC packet for more than D (500 ms)"), t);
        assertFalse(p.enforcing());
        assertTrue(caps.issue(2 * S + 501 * MS), "the caps are still exceeded");
    }

    @Test
    void detectorsAreNotConsultedWithoutCurrentLcTraffic() {
        Switch d = new Switch();
        d.on = true;
        SuppressionPolicy p = new SuppressionPolicy(S, List.of(d));
        p.evaluate(0);
        p.evaluate(10 * S);
        assertEquals(0, d.asked);
    }

    @Test
    void enforcementStopsWhenTheDetectorClearsAndResumesWhenItFiresAgain() {
        Switch d = new Switch();
        SuppressionPolicy p = new SuppressionPolicy(S, 0, List.of(d));
        p.lcPacket(0);
        assertEquals(new SuppressionPolicy.Transition(SuppressionPolicy.State.IDLE, SuppressionPolicy.State.WATCHING,
                "LC traffic current"), p.evaluate(10 * MS));
        d.on = true;
        p.lcPacket(20 * MS);
        assertEquals("switch on", p.evaluate(30 * MS).reason());
        assertTrue(p.enforcing());
        d.on = false;
        p.lcPacket(40 * MS);
        assertEquals(new SuppressionPolicy.Transition(SuppressionPolicy.State.ENFORCING, SuppressionPolicy.State.WATCHING,
                "detector cleared"), p.evaluate(50 * MS));
        assertNull(p.evaluate(60 * MS));
    }

    @Test
    void enforcementIsHeldFiveSecondsAfterTheLastIssueButEndsAtOnceWithoutLc() {
        Switch d = new Switch();
        SuppressionPolicy p = new SuppressionPolicy(S, List.of(d));
        long t = 0;
        p.lcPacket(t);
        p.evaluate(t);
        d.on = true;
        assertTrue(p.evaluate(t += 10 * MS).to() == SuppressionPolicy.State.ENFORCING);
        long lastIssue = t;
        d.on = false;
        // the symptom goes and comes back (the control loop): no flapping inside the hold
        for (int i = 0; i < 40; i++) {
            t += 100 * MS;
            p.lcPacket(t);
            d.on = i == 10;
            if (d.on) {
                lastIssue = t;
            }
            assertNull(p.evaluate(t), "held at " + t / MS + " ms");
        }
        d.on = false;
        while (t - lastIssue < SuppressionPolicy.DEFAULT_HOLD_NANOS) {
            t += 100 * MS;
            p.lcPacket(t);
            if (t - lastIssue < SuppressionPolicy.DEFAULT_HOLD_NANOS) {
                assertNull(p.evaluate(t));
            }
        }
        assertEquals("detector cleared", p.evaluate(t).reason());
        // held, but LC traffic ends: IDLE after D, not after the hold
        d.on = true;
        p.lcPacket(t += 10 * MS);
        assertTrue(p.evaluate(t).to() == SuppressionPolicy.State.ENFORCING);
        d.on = false;
        assertEquals(SuppressionPolicy.State.IDLE, p.evaluate(t + S + MS).to());
    }
}
