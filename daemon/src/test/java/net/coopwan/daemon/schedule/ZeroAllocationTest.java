package net.coopwan.daemon.schedule;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** pick allocates nothing, also when it applies a new snapshot. */
class ZeroAllocationTest {

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    static boolean measurable() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled();
    }

    @Test
    void pickAllocatesNothing() {
        assumeTrue(measurable());
        WeightedRoundRobin wrr = new WeightedRoundRobin(8);
        ActiveBackup ab = new ActiveBackup(8);
        int sink = 0;
        for (int i = 0; i < 200_000; i++) { // warm up
            sink += wrr.pick(40 + (i & 1023), 0L) + ab.pick(100, 0L);
        }
        wrr.setWeights(new double[] {1, 2, 3, 4, 5, 6, 7, 8});
        wrr.setUsable(3, false);
        long before = allocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            sink += wrr.pick(40 + (i & 1023), 0L) + ab.pick(100, 0L);
        }
        long used = allocatedBytes() - before;
        assertTrue(used < 1024, "allocated " + used + " bytes in 1e6 picks (" + sink + ")");
    }
}
