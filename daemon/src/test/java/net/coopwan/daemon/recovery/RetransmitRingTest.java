package net.coopwan.daemon.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

/** The sender's ring: holds the last packets, evicted ones are too late, once only, within budget, no allocation. */
class RetransmitRingTest {
    private static final long MS = 1_000_000L;

    private static ByteBuffer packet(int length, int fill) {
        ByteBuffer b = ByteBuffer.allocateDirect(64 + length);
        for (int i = 0; i < length; i++) {
            b.put(64 + i, (byte) (fill + i));
        }
        return b;
    }

    @Test
    void holdsTheLastPacketsAndAnswersTooLateForEvictedOnes() {
        // 64 KiB arena, 64 entries: 1000-byte packets, so the entries (64) bind before the arena (65)
        RetransmitRing ring = new RetransmitRing(1 << 16, 64, 1024, 1.0, 1 << 20);
        ByteBuffer dst = ByteBuffer.allocateDirect(4096);
        int[] meta = new int[2];
        for (int i = 0; i < 200; i++) {
            ByteBuffer p = packet(1000, i);
            int h = ring.stage(i % 2, 7, i, p, 64, 1000, i * MS);
            ring.commit(h, i / 2); // link i%2, numbers 0, 1, 2... per link
        }
        // the last 64 (i = 136..199) are held; older ones are too late
        for (int i = 0; i < 200; i++) {
            int r = ring.take(i % 2, i / 2, 200 * MS, 1000 * MS, dst, 28, meta);
            if (i >= 136) {
                assertEquals(1000, r, "packet " + i);
                assertEquals(7, meta[0]);
                assertEquals(i, meta[1]);
                assertEquals((byte) i, dst.get(28));
                assertEquals((byte) (i + 999), dst.get(28 + 999));
            } else {
                assertEquals(RetransmitRing.TOO_LATE, r, "packet " + i);
            }
        }
        // once only
        assertEquals(RetransmitRing.ALREADY_SENT, ring.take(1, 99, 200 * MS, 1000 * MS, dst, 28, meta));
        // a number never filed (a keep-alive took it, or not sent yet)
        assertEquals(RetransmitRing.NOT_HELD, ring.take(1, 100, 200 * MS, 1000 * MS, dst, 28, meta));
        assertEquals(RetransmitRing.NOT_HELD, ring.take(3, 5, 200 * MS, 1000 * MS, dst, 28, meta));
    }

    @Test
    void theArenaBindsForLargePacketsAndOldPacketsAreTooLate() {
        RetransmitRing ring = new RetransmitRing(1 << 14, 1024, 1024, 1.0, 1 << 20); // 16 KiB: 11 of 1400 B
        ByteBuffer dst = ByteBuffer.allocateDirect(4096);
        int[] meta = new int[2];
        for (int i = 0; i < 100; i++) {
            ring.commit(ring.stage(0, 1, i, packet(1400, i), 64, 1400, i * MS), i);
        }
        int held = 0;
        for (int i = 0; i < 100; i++) {
            int r = ring.take(0, i, 100 * MS, 1000 * MS, dst, 28, meta);
            if (r == 1400) {
                held++;
                assertEquals((byte) i, dst.get(28));
                assertTrue(i >= 89, "held " + i);
            }
        }
        assertEquals(11, held);
        // age limit: a packet older than the limit is too late even if held
        ring.commit(ring.stage(0, 1, 100, packet(100, 0), 64, 100, 200 * MS), 100);
        assertEquals(RetransmitRing.TOO_LATE, ring.take(0, 100, 400 * MS, 150 * MS, dst, 28, meta));
        // a packet larger than a quarter of the arena is not held
        assertEquals(-1, ring.stage(0, 1, 101, packet(5000, 0), 64, 5000, 0));
        assertEquals(1, ring.oversize());
    }

    @Test
    void theBudgetIsAShareOfTheBytesSent() {
        RetransmitRing ring = new RetransmitRing(1 << 20, 4096, 1024, 0.1, 1 << 20);
        ByteBuffer dst = ByteBuffer.allocateDirect(4096);
        int[] meta = new int[2];
        for (int i = 0; i < 1000; i++) {
            ring.commit(ring.stage(0, 1, i, packet(1000, i), 64, 1000, 0), i);
        }
        // 1000 x 1000 B sent: 100 000 B of budget, 100 packets
        int sent = 0;
        int refused = 0;
        for (int i = 0; i < 1000; i++) {
            int r = ring.take(0, i, 0, MS, dst, 28, meta);
            if (r == 1000) {
                sent++;
            } else if (r == RetransmitRing.NO_BUDGET) {
                refused++;
            }
        }
        assertEquals(100, sent);
        assertEquals(900, refused);
    }

    @Test
    void steadyStateAllocatesNothing() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled());
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RetransmitRing ring = new RetransmitRing(1 << 20, 4096, 1024, 0.1, 1 << 17);
        ByteBuffer src = packet(1400, 3);
        ByteBuffer dst = ByteBuffer.allocateDirect(9100);
        int[] meta = new int[2];
        long sink = 0;
        long[] pn = new long[4];
        for (int round = 0; round < 2; round++) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                int link = i & 3;
                int len = 40 + (i * 37) % 1360;
                int h = ring.stage(link, i & 4095, i, src, 64, len, i * 10_000L);
                ring.commit(h, pn[link]++);
                if (i % 100 == 0) {
                    sink += ring.take(link, pn[link] - 5, i * 10_000L, 150 * MS, dst, 28, meta);
                    sink += ring.take(link, pn[link] - 5, i * 10_000L, 150 * MS, dst, 28, meta);
                    sink += ring.take(link, pn[link] - 3000, i * 10_000L, 150 * MS, dst, 28, meta);
                }
            }
            long used = bean.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertTrue(used < 1024, "allocated " + used + " bytes for 200,000 packets (" + sink + ")");
            }
        }
    }
}
