package net.coopwan.daemon.coop.duplication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Notes section 6, spacing [0287]-[0289]. */
class CopyScheduleTest {
    private static final long MS = 1_000_000L;
    private static final int OWN = 0;
    private static final int NEIGHBOUR = 1;

    /** TEST: 20 ms, {own: 3, neighbour: 2} -> own {0, 6.67, 13.33} ms, neighbour {0, 10} ms. */
    @Test
    void notesExampleOffsets() {
        List<ScheduledCopy> plan = CopySchedule.plan(20 * MS,
                List.of(new PathCopies(OWN, 3), new PathCopies(NEIGHBOUR, 2)));
        assertEquals(5, plan.size());
        assertOffsetsMs(new double[] {0, 6.67, 13.33}, offsets(plan, OWN));
        assertOffsetsMs(new double[] {0, 10}, offsets(plan, NEIGHBOUR));
        for (int i = 1; i < plan.size(); i++) {
            assertTrue(plan.get(i - 1).offsetNanos() <= plan.get(i).offsetNanos(), "leaving order");
        }
    }

    /**
     * The same through the pacer on a stepped clock: no copy leaves before its offset, each leaves
     * at the first poll after it (polls every 0.1 ms, the tolerance of this test).
     */
    @Test
    void pacerReleasesNeverEarlyAndWithinOnePoll() {
        long step = MS / 10;
        CopyPacer<String> pacer = new CopyPacer<>(16);
        long t0 = 123_456_789L;
        List<ScheduledCopy> plan = CopySchedule.plan(20 * MS,
                List.of(new PathCopies(OWN, 3), new PathCopies(NEIGHBOUR, 2)));
        pacer.add("p", plan, t0);
        List<long[]> sent = new ArrayList<>(); // path, index, sent-at
        for (long now = t0; now <= t0 + 30 * MS; now += step) {
            long at = now;
            pacer.releaseDue(now, (pkt, c) -> sent.add(new long[] {c.path(), c.index(), at}));
        }
        assertEquals(5, sent.size());
        for (long[] s : sent) {
            long due = t0 + CopySchedule.offsetNanos((int) s[1], s[0] == OWN ? 3 : 2, 20 * MS);
            assertTrue(s[2] >= due, "early: " + (s[2] - due));
            assertTrue(s[2] - due < step, "late: " + (s[2] - due));
        }
        assertEquals(Long.MAX_VALUE, pacer.nextDueNanos());
        assertTrue(pacer.maxLatenessNanos() < step);
    }

    @Test
    void pacerBoundsItsQueueAndDropsStaleCopies() {
        CopyPacer<Integer> pacer = new CopyPacer<>(4);
        List<ScheduledCopy> three = CopySchedule.plan(20 * MS, List.of(new PathCopies(OWN, 3)));
        assertEquals(0, pacer.add(1, three, 0));
        assertEquals(2, pacer.add(2, three, 0));
        assertEquals(4, pacer.waiting());
        assertEquals(2, pacer.overflows());
        assertEquals(0, pacer.nextDueNanos());
        List<Integer> got = new ArrayList<>();
        assertEquals(2, pacer.releaseDue(0, (p, c) -> got.add(p)));
        assertEquals(List.of(1, 2), got, "same due time: in the order added");
        long late = 20 * MS / 3 * 2 + CopyPacer.STALE_NANOS + 1;
        // the 13.33 ms copy is exactly STALE late (still sent), the 6.67 ms one more (dropped)
        assertEquals(1, pacer.releaseDue(late, (p, c) -> got.add(p)));
        assertEquals(1, pacer.stale());
    }

    @Test
    void degenerateIntervalsAndArguments() {
        assertEquals(0, CopySchedule.offsetNanos(2, 3, 999_999), "below 1 ms: back to back");
        assertEquals(CopySchedule.MAX_TAU_NANOS / 2, CopySchedule.offsetNanos(1, 2, 60_000 * MS));
        assertEquals(List.of(), CopySchedule.plan(20 * MS, List.of(new PathCopies(OWN, 0))));
        assertThrows(IllegalArgumentException.class, () -> CopySchedule.offsetNanos(3, 3, 20 * MS));
        assertThrows(IllegalArgumentException.class, () -> new PathCopies(16, 1));
        assertThrows(IllegalArgumentException.class, () -> new PathCopies(0, PathCopies.MAX_COPIES + 1));
    }

    private static List<Long> offsets(List<ScheduledCopy> plan, int path) {
        return plan.stream().filter(c -> c.path() == path).map(ScheduledCopy::offsetNanos).toList();
    }

    /** The notes give two decimals (20/3 = 6.67): equal to within 0.005 ms. */
    private static void assertOffsetsMs(double[] expectedMs, List<Long> actualNanos) {
        assertEquals(expectedMs.length, actualNanos.size());
        for (int i = 0; i < expectedMs.length; i++) {
            assertEquals(expectedMs[i], actualNanos.get(i) / 1e6, 0.005, "copy " + i);
        }
    }
}
