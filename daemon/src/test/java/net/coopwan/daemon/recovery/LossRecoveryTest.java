package net.coopwan.daemon.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.TunnelHeader;

/** The rules around the pieces: caps, once only, rate limit, links without data, hostile NACKs, no allocation. */
class LossRecoveryTest {
    private static final long MS = 1_000_000L;

    /** Two usable links; link 1 is faster (smaller delay); records what is sent. */
    private static final class FakePort implements LossRecovery.Port {
        final List<int[]> resent = new ArrayList<>();
        final List<byte[]> nacks = new ArrayList<>();
        final List<Integer> nackLinks = new ArrayList<>();
        boolean record = true;
        long sent;

        @Override
        public boolean usable(int link) {
            return link < 2;
        }

        @Override
        public boolean capped(int link) {
            return false;
        }

        @Override
        public double delayMicros(int link) {
            return link == 0 ? 30_000 : 5_000;
        }

        @Override
        public double jitterMicros(int link) {
            return 100;
        }

        @Override
        public boolean sendNack(Frame f, int payloadLength, int link, long nowNanos) {
            sent++;
            if (record) {
                byte[] b = new byte[payloadLength];
                f.buffer().get(TunnelHeader.LENGTH, b);
                nacks.add(b);
                nackLinks.add(link);
            }
            return true;
        }

        @Override
        public boolean resend(Frame f, int length, int link, int bucket, int flowSeq, long nowNanos) {
            sent++;
            if (record) {
                resent.add(new int[] {link, bucket, flowSeq, length});
            }
            return true;
        }
    }

    private static LossRecovery recovery(FakePort p) {
        return new LossRecovery(LossRecovery.Config.defaults(150 * MS).withEnabled(true), p);
    }

    private static Frame nack(int link, long top, long mask) {
        Frame f = new Frame();
        NackCodec.writeGroup(f.buffer(), TunnelHeader.LENGTH, link, top, mask);
        return f;
    }

    @Test
    void aNackedPacketIsSentOnceOnTheNacksLinkAndTheRestIsCounted() {
        FakePort p = new FakePort();
        LossRecovery r = recovery(p);
        ByteBuffer src = ByteBuffer.allocateDirect(2000);
        for (int i = 0; i < 100; i++) {
            r.commit(r.stage(0, 9, i, src, 0, 1000, i * MS), i);
        }
        // 100 000 B sent: 10 000 B of budget, 10 packets
        assertTrue(r.onNack(1, nack(0, 50, 0b11), 18, 100 * MS)); // 50, 49, 48
        assertEquals(3, p.resent.size());
        assertEquals(1, p.resent.get(0)[0], "on the link the NACK came on");
        assertEquals(9, p.resent.get(0)[1]);
        assertEquals(50, p.resent.get(0)[2]);
        assertTrue(r.onNack(1, nack(0, 50, 0), 18, 100 * MS)); // again: once only
        assertEquals(1, r.get(RecoveryCounter.NACK_ALREADY_SENT));
        assertTrue(r.onNack(1, nack(0, 500, 0), 18, 100 * MS)); // never sent
        assertEquals(1, r.get(RecoveryCounter.NACK_NOT_HELD));
        assertTrue(r.onNack(1, nack(0, 10, 0), 18, 200 * MS)); // sent at 10 ms, asked at 200: older than 150
        assertEquals(1, r.get(RecoveryCounter.NACK_TOO_LATE));
        // a NACK naming 65 numbers: 64 acted on, 1 capped; the budget stops at 10 sent in all
        assertTrue(r.onNack(1, nack(0, 99, -1L), 18, 100 * MS));
        assertEquals(1, r.get(RecoveryCounter.NACK_CAPPED));
        assertEquals(10, r.get(RecoveryCounter.RETRANSMITTED));
        assertEquals(10_000, r.get(RecoveryCounter.RETRANSMITTED_BYTES));
        assertTrue(r.get(RecoveryCounter.NACK_NO_BUDGET) > 40);
        // malformed: counted, false, nothing sent
        Frame bad = nack(0, 5, 0);
        bad.buffer().put(TunnelHeader.LENGTH + 1, (byte) 1);
        assertFalse(r.onNack(1, bad, 18, 100 * MS));
        assertFalse(r.onNack(1, nack(0, 5, 0), 17, 100 * MS));
        assertEquals(2, r.get(RecoveryCounter.NACK_MALFORMED));
        assertEquals(10, p.resent.size());
    }

    @Test
    void nacksGoOnTheFastestLinkWithinTheRateAndNotForLinksWithoutData() {
        FakePort p = new FakePort();
        LossRecovery r = recovery(p);
        long now = 0;
        // link 0 carries data and loses every 10th number, 1000 packets a second, for 2 s
        for (long pn = 0; pn < 2000; pn++) {
            now = pn * MS;
            if (pn % 10 != 5) {
                r.onPacket(0, pn, true, now);
            }
            r.poll(now);
        }
        assertEquals(200, r.get(RecoveryCounter.MISSING));
        assertEquals(200, r.get(RecoveryCounter.NACKED_NUMBERS));
        assertTrue(p.nackLinks.stream().allMatch(l -> l == 1), "the faster link");
        // link 2 carries only keep-alives (not DATA): its gaps are not NACKed
        r.onPacket(2, 0, false, now);
        r.onPacket(2, 2, false, now);
        r.poll(now + 20 * MS);
        assertEquals(1, r.get(RecoveryCounter.MISSING_NO_DATA));
        // a gap every 10 µs for 2 ms, each reported in its own step: at most a tenth of a
        // second's NACKs (20) at once, the rest suppressed and counted
        LossRecovery s = recovery(p);
        long sentBefore = p.nacks.size();
        for (int k = 1; k <= 200; k++) {
            long t = k * 10_000L;
            s.onPacket(1, 2L * k, true, t);
            s.poll(t);
        }
        long nacks = p.nacks.size() - sentBefore;
        assertTrue(nacks <= 21, "sent " + nacks);
        assertTrue(s.get(RecoveryCounter.NACK_SUPPRESSED) >= 70, s.nonZero().toString());
        assertEquals(s.get(RecoveryCounter.MISSING), s.get(RecoveryCounter.NACKED_NUMBERS) + s.get(RecoveryCounter.NACK_SUPPRESSED));
    }

    @Test
    void offHoldsNothingDetectsNothingAndAnswersNothing() {
        FakePort p = new FakePort();
        LossRecovery r = new LossRecovery(LossRecovery.Config.defaults(150 * MS).withEnabled(false), p);
        ByteBuffer src = ByteBuffer.allocateDirect(2000);
        assertEquals(-1, r.stage(0, 1, 1, src, 0, 100, 0));
        r.onPacket(0, 0, true, 0);
        r.onPacket(0, 5, true, 0);
        assertEquals(Long.MAX_VALUE, r.poll(100 * MS));
        assertTrue(r.onNack(1, nack(0, 0, 0), 18, 0));
        assertEquals(0, p.sent);
        assertEquals(0, r.holdExtraNanos(10 * MS));
        assertEquals(1, r.get(RecoveryCounter.NACKS_RECEIVED));
    }

    @Test
    void randomNacksNeverThrowAndCauseBoundedWork() {
        FakePort p = new FakePort();
        p.record = false;
        LossRecovery r = recovery(p);
        ByteBuffer src = ByteBuffer.allocateDirect(2000);
        for (int i = 0; i < 5000; i++) {
            r.commit(r.stage(i & 1, 1, i, src, 0, 500, 0), i / 2);
        }
        Random rnd = new Random(3);
        Frame f = new Frame();
        for (int i = 0; i < 50_000; i++) {
            int len = rnd.nextInt(400);
            for (int k = 0; k < len; k++) {
                f.buffer().put(TunnelHeader.LENGTH + k, (byte) (rnd.nextInt(4) == 0 ? 0 : rnd.nextInt()));
            }
            long before = p.sent;
            r.onNack(rnd.nextInt(2), f, len, MS);
            assertTrue(p.sent - before <= NackCodec.MAX_NUMBERS);
        }
        // every retransmission within the budget: a tenth of the 2.5 MB staged
        assertTrue(r.get(RecoveryCounter.RETRANSMITTED_BYTES) <= 250_000);
    }

    @Test
    void thePerPacketPathsAllocateNothing() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled());
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        FakePort p = new FakePort();
        p.record = false;
        LossRecovery sender = recovery(p);
        LossRecovery receiver = recovery(p);
        ByteBuffer src = ByteBuffer.allocateDirect(2000);
        Frame f = new Frame();
        long[] pn = new long[2];
        long sink = 0;
        for (int round = 0; round < 2; round++) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                long now = (round * 200_000L + i) * 100_000L;
                int link = i & 1;
                long n = pn[link]++;
                sender.commit(sender.stage(link, i & 4095, i, src, 0, 1200, now), n);
                if (n % 50 != 7) {
                    receiver.onPacket(link, n, true, now);
                }
                sink += receiver.poll(now);
                if (i % 100 == 0 && n >= 10) {
                    NackCodec.writeGroup(f.buffer(), TunnelHeader.LENGTH, link, n - 3, 0b101);
                    sink += sender.onNack(1, f, 18, now) ? 1 : 0;
                }
            }
            long used = bean.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertTrue(used < 1024, "allocated " + used + " bytes for 200,000 packets (" + sink + ")");
                assertTrue(receiver.get(RecoveryCounter.NACKS_SENT) > 1000 && sender.get(RecoveryCounter.RETRANSMITTED) > 1000);
            }
        }
    }
}
