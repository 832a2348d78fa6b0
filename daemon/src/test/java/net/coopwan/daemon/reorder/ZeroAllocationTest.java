package net.coopwan.daemon.reorder;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The per-packet paths allocate nothing: hashing, dedup, and the reorder buffer's every branch. */
class ZeroAllocationTest {

    private static com.sun.management.ThreadMXBean bean() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled() ? t : null;
    }

    private long sink;

    @Test
    void perPacketPathsAllocateNothing() {
        com.sun.management.ThreadMXBean bean = bean();
        assumeTrue(bean != null);
        ByteBuffer[] packets = new ByteBuffer[8];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = ByteBuffer.wrap(FlowHashTest.ipv4(i % 2 == 0 ? 6 : 17, FlowHashTest.A, FlowHashTest.B,
                    1000 + i, 443, 0, 100 * i));
        }
        FlowHash hash = new FlowHash(99);
        DuplicateFilter filter = new DuplicateFilter(FlowHash.BUCKETS);
        ReorderBuffer rb = new ReorderBuffer(p -> sink += p.remaining());
        long now = 0;
        int seq = 0;
        for (int round = 0; round < 2; round++) { // round 0 warms up, round 1 is measured
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                ByteBuffer p = packets[i & 7];
                int b = hash.bucket(p, 0, p.limit());
                sink += filter.accept(b, i - (i & 3)).ordinal();
                // Pattern per bucket: in order, swaps, a loss, a duplicate; polls on the way.
                int s = seq++;
                int pattern = i & 15;
                int send = pattern == 4 ? s + 1 : pattern == 5 ? s - 1 : pattern == 9 ? s + 1 : s;
                now += 50_000;
                rb.offer(b, send, p, now);
                if (pattern == 12) {
                    rb.offer(b, send, p, now); // duplicate
                }
                if ((i & 255) == 0) {
                    rb.poll(now + ReorderBuffer.DEFAULT_MAX_WAIT_NANOS);
                    sink += rb.nextDeadlineNanos();
                }
            }
            long used = bean.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertTrue(used < 1024, "allocated " + used + " bytes for 200,000 packets (" + sink + ")");
                assertTrue(rb.reordered() > 0 && rb.duplicates() > 0 && rb.gapsSkipped() > 0);
            }
        }
    }

    /** The same with link and delay samples: the adaptive wait (estimates, wait classes) allocates nothing. */
    @Test
    void adaptivePathAllocatesNothing() {
        com.sun.management.ThreadMXBean bean = bean();
        assumeTrue(bean != null);
        ByteBuffer p = ByteBuffer.allocate(200);
        ReorderBuffer rb = new ReorderBuffer(ReorderBuffer.Config.defaults(), q -> sink += q.remaining(), true);
        long now = 0;
        int[] seq = new int[64];
        for (int round = 0; round < 2; round++) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                int b = i & 63;
                int link = (i >> 6) & 3;
                int s = seq[b]++;
                int pattern = (i >> 6) & 15;
                int send = pattern == 4 ? s + 1 : pattern == 5 ? s - 1 : pattern == 9 ? s + 1 : s;
                now += 20_000;
                rb.offer(b, send, p, link, 1_000_000 + link * 7_000 + (i % 13) * 100, now);
                if ((i & 255) == 0) {
                    rb.poll(now + ReorderBuffer.DEFAULT_MAX_WAIT_NANOS);
                    sink += rb.nextDeadlineNanos() + rb.waitNanos(now);
                }
            }
            long used = bean.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertTrue(used < 1024, "allocated " + used + " bytes for 200,000 packets (" + sink + ")");
                assertTrue(rb.reordered() > 0 && rb.gapsSkipped() > 0);
            }
        }
    }
}
