package net.coopwan.daemon.reorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.coopwan.daemon.reorder.ReorderBuffer.Config;
import org.junit.jupiter.api.Test;

class ReorderBufferTest {

    static final long MS = 1_000_000L;
    static final long WAIT = Config.DEFAULT_MAX_WAIT_NANOS;

    /** A delivered packet as the sink saw it, with the time of the call that delivered it. */
    record Got(int flow, int seq, long at) {
    }

    /** Records deliveries; packets carry (flow, seq) in their first 8 bytes and a checkable pattern. */
    static final class Recorder implements PacketSink {
        final List<Got> got = new ArrayList<>();
        long now;

        @Override
        public void deliver(ByteBuffer p) {
            int flow = p.getInt(p.position());
            int seq = p.getInt(p.position() + 4);
            for (int i = p.position() + 8; i < p.limit(); i++) {
                assertEquals((byte) (flow * 31 + seq + i - p.position()), p.get(i), "payload of " + flow + "/" + seq);
            }
            got.add(new Got(flow, seq, now));
        }

        List<Integer> seqs(int flow) {
            List<Integer> s = new ArrayList<>();
            for (Got g : got) {
                if (g.flow == flow) {
                    s.add(g.seq);
                }
            }
            return s;
        }
    }

    static ByteBuffer packet(int flow, int seq, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        b.putInt(flow).putInt(seq);
        for (int i = 8; i < length; i++) {
            b.put((byte) (flow * 31 + seq + i));
        }
        return b.flip();
    }

    private final Recorder out = new Recorder();
    private ReorderBuffer rb = new ReorderBuffer(out);

    private void offer(int flow, int seq, long now) {
        out.now = now;
        rb.offer(flow, seq, packet(flow, seq, 100), now);
    }

    private void poll(long now) {
        out.now = now;
        rb.poll(now);
    }

    @Test
    void inOrderPassesThroughAtOnce() {
        for (int i = 0; i < 100; i++) {
            offer(7, 1000 + i, i * MS);
            assertEquals(i + 1, out.got.size());
            assertEquals(i * MS, out.got.get(i).at());
        }
        assertEquals(100, rb.inOrder());
        assertEquals(0, rb.held());
        assertEquals(Long.MAX_VALUE, rb.nextDeadlineNanos());
    }

    @Test
    void swapIsFixed() {
        offer(1, 0, 0);
        offer(1, 2, 1 * MS);
        assertEquals(List.of(0), out.seqs(1));
        assertEquals(1, rb.held());
        offer(1, 1, 2 * MS);
        offer(1, 3, 3 * MS);
        assertEquals(List.of(0, 1, 2, 3), out.seqs(1));
        assertEquals(2 * MS, out.got.get(2).at(), "2 went out with 1, not later");
        assertEquals(3, rb.inOrder());
        assertEquals(1, rb.reordered());
        assertEquals(0, rb.gapsSkipped());
    }

    /** The tunnel numbers each flow from 0: a first arrival numbered 2 waits for 0 and 1. */
    @Test
    void withFlowsStartingAtZeroTheFirstArrivalWaitsForLowerNumbers() {
        rb = new ReorderBuffer(Config.defaults(), out, true);
        offer(4, 2, 0);
        assertEquals(List.of(), out.seqs(4));
        offer(4, 0, 1 * MS);
        offer(4, 1, 2 * MS);
        assertEquals(List.of(0, 1, 2), out.seqs(4));
        // a flow whose 0 never comes is released after the wait, like any gap
        offer(5, 3, 10 * MS);
        poll(10 * MS + WAIT);
        assertEquals(List.of(3), out.seqs(5));
        // far beyond the window it is not a first packet of this session's numbering: taken as is
        offer(6, 5000, 50 * MS);
        assertEquals(List.of(5000), out.seqs(6));
    }

    /** A new session of the far end numbers from 0 again: after reset that is in order, not "very old". */
    @Test
    void resetDeliversWhatIsHeldAndForgetsTheFlows() {
        for (int i = 0; i < 10; i++) {
            offer(1, 500 + i, i * MS);
        }
        offer(1, 512, 11 * MS); // held behind the missing 510, 511
        rb.reset();
        assertEquals(11, out.seqs(1).size(), "the held packet went out");
        assertEquals(0, rb.held());
        offer(1, 0, 12 * MS);
        offer(1, 1, 13 * MS);
        assertEquals(List.of(0, 1), out.seqs(1).subList(11, 13));
        assertEquals(0, rb.tooOld());
    }

    /** A loss: the packet after it waits exactly maxWait, not a nanosecond more or less. */
    @Test
    void lossSkippedAfterExactlyMaxWait() {
        offer(1, 0, 0);
        offer(1, 2, 1000);
        offer(1, 3, 2000);
        assertEquals(1000 + WAIT, rb.nextDeadlineNanos());
        poll(1000 + WAIT - 1);
        assertEquals(List.of(0), out.seqs(1));
        poll(1000 + WAIT);
        assertEquals(List.of(0, 2, 3), out.seqs(1));
        assertEquals(1000 + WAIT, out.got.get(1).at());
        assertEquals(1, rb.gapsSkipped());
        assertEquals(1, rb.seqsSkipped());
        assertEquals(2, rb.reordered());
        assertEquals(0, rb.held());
        offer(1, 4, 2 * WAIT);
        assertEquals(List.of(0, 2, 3, 4), out.seqs(1));
    }

    /** The same expiry happens inside offer: a caller that never polls still gets it. */
    @Test
    void offerPollsFirst() {
        offer(1, 0, 0);
        offer(1, 2, 0);
        offer(2, 0, WAIT);
        assertEquals(List.of(0, 2), out.seqs(1));
        assertEquals(new Got(1, 2, WAIT), out.got.get(1), "released before the new packet is handled");
    }

    /** Flow 1 has a loss; flow 2 keeps flowing with zero added wait, before and after the expiry. */
    @Test
    void gapInOneFlowNeverDelaysAnother() {
        offer(1, 0, 0);
        offer(1, 2, 10); // 1 lost
        for (int i = 0; i < 50; i++) {
            long t = 20 + i * (WAIT / 25); // spans two maxWaits
            offer(1, 3 + i, t);
            offer(2, i, t);
            Got last = out.got.get(out.got.size() - 1);
            assertEquals(new Got(2, i, t), last, "flow 2 packet " + i + " delivered on arrival");
        }
        assertEquals(50, out.seqs(2).size());
        List<Integer> f1 = out.seqs(1);
        for (int i = 0; i < f1.size(); i++) {
            assertEquals(i == 0 ? 0 : i + 1, f1.get(i));
        }
    }

    @Test
    void duplicatesDropped() {
        offer(1, 0, 0);
        offer(1, 1, 1);
        offer(1, 1, 2); // delivered already
        offer(1, 0, 3);
        offer(1, 3, 4);
        offer(1, 3, 5); // held already
        offer(1, 2, 6);
        offer(1, 2, 7);
        assertEquals(List.of(0, 1, 2, 3), out.seqs(1));
        assertEquals(4, rb.duplicates());
    }

    /** A late packet (its gap already skipped) is delivered once; its second copy is a duplicate. */
    @Test
    void lateDeliveredOnce() {
        offer(1, 0, 0);
        offer(1, 2, 0);
        poll(WAIT);
        offer(1, 1, WAIT + 1);
        offer(1, 1, WAIT + 2);
        assertEquals(List.of(0, 2, 1), out.seqs(1));
        assertEquals(1, rb.late());
        assertEquals(1, rb.duplicates());
    }

    /** The first packet sets the frontier; one that it overtook is still delivered, as late. */
    @Test
    void firstPacketSetsExpectation() {
        offer(1, 50, 0);
        offer(1, 49, 1);
        offer(1, 49, 2);
        offer(1, 51, 3);
        assertEquals(List.of(50, 49, 51), out.seqs(1));
        assertEquals(1, rb.late());
        assertEquals(1, rb.duplicates());
    }

    @Test
    void wrapAround() {
        int s = 0xFFFF_FFFD;
        offer(1, s, 0);
        offer(1, s + 2, 1); // 0xFFFFFFFF
        offer(1, s + 4, 2); // 1, across the wrap
        offer(1, s + 1, 3);
        offer(1, s + 3, 4); // 0
        offer(1, s + 5, 5);
        assertEquals(List.of(s, s + 1, s + 2, s + 3, s + 4, s + 5), out.seqs(1));
        offer(1, s + 3, 6);
        assertEquals(1, rb.duplicates());
        assertEquals(0, rb.gapsSkipped());
    }

    /** Pool of 4: the fifth hold releases the globally oldest held packet's gap, counted, no block. */
    @Test
    void poolExhaustion() {
        rb = new ReorderBuffer(Config.defaults().withSlots(4), out);
        offer(1, 0, 0);
        offer(1, 2, 1);
        offer(1, 3, 2);
        offer(2, 0, 3);
        offer(2, 2, 4);
        offer(2, 3, 5);
        assertEquals(4, rb.held());
        offer(2, 5, 6); // full: flow 1's 2 is oldest, flow 1 skips 1 and delivers 2, 3
        assertEquals(1, rb.poolExhausted());
        assertEquals(List.of(0, 2, 3), out.seqs(1));
        assertEquals(List.of(0), out.seqs(2));
        assertEquals(3, rb.held());
        offer(2, 1, 7);
        assertEquals(List.of(0, 1, 2, 3), out.seqs(2));
        offer(1, 1, 8); // the skipped one comes late: delivered once
        assertEquals(List.of(0, 2, 3, 1), out.seqs(1));
        // Full again, and the oldest held is of this very flow and beyond the new packet.
        offer(3, 0, 10);
        offer(3, 5, 11);
        offer(3, 6, 12);
        offer(3, 7, 13);
        offer(3, 8, 14); // full: oldest is flow 2's 5 (bucket 2), released
        assertEquals(2, rb.poolExhausted());
        assertEquals(List.of(0, 1, 2, 3, 5), out.seqs(2));
        offer(3, 9, 15);
        offer(3, 3, 16); // full: oldest is flow 3's 5 -> flow 3 skips to 5..9, 3 is then late
        assertEquals(3, rb.poolExhausted());
        assertEquals(List.of(0, 5, 6, 7, 8, 9, 3), out.seqs(3));
        assertEquals(0, rb.held());
    }

    /** A jump of more than the window (sender restart) flushes the bucket and delivers at once. */
    @Test
    void bigJumpForwardResetsTheFlow() {
        offer(1, 0, 0);
        offer(1, 2, 1);
        offer(1, 5000, 2);
        assertEquals(List.of(0, 2, 5000), out.seqs(1));
        assertEquals(1, rb.jumps());
        assertEquals(0, rb.held());
        offer(1, 5001, 3);
        offer(1, 1, 4); // far behind: too old to tell, dropped
        offer(1, 4990, 5); // skipped by the jump, within 64: late, delivered once
        offer(1, 4990, 6);
        assertEquals(List.of(0, 2, 5000, 5001, 4990), out.seqs(1));
        assertEquals(1, rb.tooOld());
        assertEquals(1, rb.late());
        assertEquals(1, rb.duplicates());
        // window + 1 jumps, window does not
        rb = new ReorderBuffer(Config.defaults().withWindow(10), out);
        offer(2, 0, 10);
        offer(2, 11, 11);
        assertEquals(1, rb.held());
        offer(2, 12, 12);
        assertEquals(1, rb.jumps());
        assertEquals(List.of(0, 11, 12), out.seqs(2));
    }

    @Test
    void oversizePacketSkipsToItself() {
        rb = new ReorderBuffer(new Config(16, 8, 200, WAIT, 64), out);
        offer(1, 0, 0);
        offer(1, 2, 1);
        out.now = 2;
        rb.offer(1, 4, packet(1, 4, 500), 2);
        assertEquals(List.of(0, 2, 4), out.seqs(1));
        assertEquals(1, rb.oversize());
        offer(1, 3, 3);
        assertEquals(List.of(0, 2, 4, 3), out.seqs(1));
    }

    @Test
    void badBucketCountedNotThrown() {
        offer(-1, 0, 0);
        offer(4096, 0, 0);
        assertEquals(2, rb.invalid());
        assertTrue(out.got.isEmpty());
    }

    @Test
    void flushAllDeliversEverythingInOrder() {
        offer(1, 0, 0);
        offer(1, 3, 1);
        offer(1, 2, 2);
        offer(2, 0, 3);
        offer(2, 5, 4);
        rb.flushAll();
        assertEquals(List.of(0, 2, 3), out.seqs(1));
        assertEquals(List.of(0, 5), out.seqs(2));
        assertEquals(0, rb.held());
    }

    @Test
    void callerBufferUntouchedAndHeldCopyIsExact() {
        offer(1, 0, 0);
        ByteBuffer p = packet(1, 2, 1500);
        rb.offer(1, 2, p, 1);
        assertEquals(0, p.position());
        assertEquals(1500, p.limit());
        p.put(100, (byte) 0); // caller reuses its buffer; the held copy must not change
        offer(1, 1, 2); // Recorder checks the whole payload of 2
        assertEquals(List.of(0, 1, 2), out.seqs(1));
    }

    @Test
    void configChecks() {
        assertThrows(IllegalArgumentException.class, () -> new Config(0, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Config.defaults().withMaxWaitNanos(-1));
        assertThrows(IllegalArgumentException.class, () -> new Config(1, 1 << 20, 1 << 20, 1, 1));
        assertEquals(30 * MS, Config.defaults().maxWaitNanos());
    }
}
