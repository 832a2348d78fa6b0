package net.coopwan.daemon.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.reorder.ReorderBuffer;
import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.TunnelHeader;

/**
 * Two links, 5 ms with 0.5 % loss and 30 ms with 1 % loss (both ways, FIFO, up to 0.5 ms of
 * jitter), one flow of 4000 packets a second split evenly, 10 s: the sender's and the receiver's
 * {@link LossRecovery} with the receiver's real {@link ReorderBuffer} (adaptive, 150 ms ceiling)
 * in a discrete-event simulation. Pure logic, seeded.
 */
class LossRecoverySimulationTest {
    private static final long MS = 1_000_000L;
    private static final long[] DELAY = {5 * MS, 30 * MS};
    private static final double[] LOSS = {0.005, 0.01};
    private static final int PACKETS = 40_000;
    private static final long INTERVAL = 250_000L;
    private static final int SIZE = 1000;

    /** What one run measured. */
    record Result(int sent, int linkLost, int notDelivered, long late, long retransmitted, long retransmittedBytes,
            long nacks, long nackBytes, long missing) {
        double linkLossRate() {
            return (double) linkLost / sent;
        }

        double overhead() {
            return (double) retransmittedBytes / ((long) sent * SIZE);
        }

        @Override
        public String toString() {
            return String.format("sent %d, lost on the links %d (%.2f %%), never delivered %d, delivered late %d,"
                    + " retransmitted %d (%.2f %% of the data bytes), NACKs %d (%d B), reported missing %d",
                    sent, linkLost, 100 * linkLossRate(), notDelivered, late, retransmitted, 100 * overhead(), nacks,
                    nackBytes, missing);
        }
    }

    private record Event(long t, long id, boolean toReceiver, int link, long pn, long sentAt, byte[] data) {
    }

    static Result run(boolean recovery, boolean extendHold, long seed) {
        Random loss = new Random(seed);
        Random jitter = new Random(seed + 1);
        PriorityQueue<Event> q = new PriorityQueue<>(Comparator.comparingLong(Event::t).thenComparingLong(Event::id));
        long[] ids = {0};
        long[][] lastArrival = new long[2][2]; // [direction: 0 to receiver, 1 back][link]
        long[] pnForward = new long[2];
        boolean[] delivered = new boolean[PACKETS];
        ReorderBuffer[] rbHolder = new ReorderBuffer[1];
        LossRecovery[] holder = new LossRecovery[2];
        long[] nackBytes = {0};
        int[] lost = {0};

        // puts a datagram on a link: lost, or arriving in FIFO order after its delay and a little jitter
        interface Wire {
            void put(boolean toReceiver, int link, long pn, long now, byte[] data, boolean original);
        }
        Wire wire = (toReceiver, link, pn, now, data, original) -> {
            if (loss.nextDouble() < LOSS[link]) {
                if (original) {
                    lost[0]++;
                }
                return;
            }
            int dir = toReceiver ? 0 : 1;
            long at = Math.max(lastArrival[dir][link], now + DELAY[link] + (long) (jitter.nextDouble() * 0.5 * MS));
            lastArrival[dir][link] = at;
            q.add(new Event(at, ids[0]++, toReceiver, link, pn, now, data));
        };

        LossRecovery.Port senderPort = new Port() {
            @Override
            public boolean resend(Frame f, int length, int link, int bucket, int flowSeq, long nowNanos) {
                byte[] d = new byte[length];
                f.buffer().get(TunnelHeader.LENGTH, d);
                wire.put(true, link, pnForward[link]++, nowNanos, d, false);
                return true;
            }
        };
        LossRecovery.Port receiverPort = new Port() {
            @Override
            public double delayMicros(int link) {
                return rbHolder[0].linkDelayMicros(link);
            }

            @Override
            public double jitterMicros(int link) {
                return rbHolder[0].linkJitterMicros(link);
            }

            @Override
            public boolean sendNack(Frame f, int payloadLength, int link, long nowNanos) {
                byte[] d = new byte[payloadLength];
                f.buffer().get(TunnelHeader.LENGTH, d);
                nackBytes[0] += payloadLength + TunnelHeader.OVERHEAD + 28;
                wire.put(false, link, 0, nowNanos, d, false);
                return true;
            }
        };
        LossRecovery.Config config = LossRecovery.Config.defaults(150 * MS).withEnabled(recovery);
        LossRecovery sender = new LossRecovery(config, senderPort);
        LossRecovery receiver = new LossRecovery(config, receiverPort);
        ReorderBuffer rb = new ReorderBuffer(ReorderBuffer.Config.defaults().withSlots(4096).withMaxWaitNanos(150 * MS),
                p -> delivered[p.getInt(p.position())] = true, true);
        rbHolder[0] = rb;

        ByteBuffer src = ByteBuffer.allocateDirect(SIZE);
        Frame nackFrame = new Frame();
        int next = 0;
        long end = PACKETS * INTERVAL + 1000 * MS;
        for (long t = 0; t <= end; t += 100_000L) {
            while (next < PACKETS && next * INTERVAL <= t) {
                long now = next * INTERVAL;
                int link = next % 2;
                src.putInt(0, next);
                int h = sender.stage(link, 0, next, src, 0, SIZE, now);
                sender.commit(h, pnForward[link]++);
                byte[] d = new byte[SIZE];
                src.get(0, d);
                wire.put(true, link, pnForward[link] - 1, now, d, true);
                next++;
            }
            while (!q.isEmpty() && q.peek().t() <= t) {
                Event e = q.poll();
                if (e.toReceiver()) {
                    receiver.onPacket(e.link(), e.pn(), true, e.t());
                    int seq = ByteBuffer.wrap(e.data()).getInt(0);
                    int owd = (int) (e.t() / 1000) - (int) (e.sentAt() / 1000);
                    rb.offer(0, seq, ByteBuffer.wrap(e.data()), e.link(), owd, e.t());
                } else {
                    nackFrame.buffer().put(TunnelHeader.LENGTH, e.data());
                    assertTrue(sender.onNack(e.link(), nackFrame, e.data().length, e.t()));
                }
            }
            if (extendHold) {
                rb.extraWaitNanos(receiver.holdExtraNanos(2 * DELAY[0]));
            }
            receiver.poll(t);
            rb.poll(t);
        }
        rb.flushAll();
        int notDelivered = 0;
        for (boolean d : delivered) {
            notDelivered += d ? 0 : 1;
        }
        return new Result(PACKETS, lost[0], notDelivered, rb.late(), sender.get(RecoveryCounter.RETRANSMITTED),
                sender.get(RecoveryCounter.RETRANSMITTED_BYTES), receiver.get(RecoveryCounter.NACKS_SENT), nackBytes[0],
                receiver.get(RecoveryCounter.MISSING));
    }

    /** Usable links 0 and 1, nothing capped, nothing measured, nothing sent: the simulation overrides what it uses. */
    private abstract static class Port implements LossRecovery.Port {
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
            return Double.NaN;
        }

        @Override
        public double jitterMicros(int link) {
            return Double.NaN;
        }

        @Override
        public boolean sendNack(Frame f, int payloadLength, int link, long nowNanos) {
            return false;
        }

        @Override
        public boolean resend(Frame f, int length, int link, int bucket, int flowSeq, long nowNanos) {
            return false;
        }
    }

    @Test
    void mostLossIsHiddenAtAboutTheLossRateInOverhead() {
        for (long seed : new long[] {42, 43, 44}) {
            Result off = run(false, false, seed);
            Result on = run(true, true, seed);
            Result noHold = run(true, false, seed);
            System.out.println("seed " + seed + ", recovery off:                 " + off);
            System.out.println("seed " + seed + ", recovery on:                  " + on);
            System.out.println("seed " + seed + ", recovery on, hold not raised: " + noHold);
            // without recovery every packet lost on a link is lost to the flow
            assertEquals(off.linkLost(), off.notDelivered());
            assertTrue(off.linkLost() > 200, off.toString());
            // with it, under a tenth of the link loss reaches the flow, lost or out of order
            assertTrue(on.notDelivered() < 0.1 * on.linkLost(), on.toString());
            assertTrue(on.notDelivered() + on.late() < 0.1 * on.linkLost(), on.toString());
            // the cost: the lost packets once more, about the loss rate of the data bytes
            assertTrue(on.overhead() > 0.5 * on.linkLossRate() && on.overhead() < 2 * on.linkLossRate(), on.toString());
            assertTrue(on.retransmitted() >= 0.9 * on.linkLost(), on.toString());
            // without the raised hold the slow link's losses are recovered too, but late: the gap was given up
            assertTrue(noHold.notDelivered() < 0.1 * noHold.linkLost(), noHold.toString());
            assertTrue(noHold.late() > 0.3 * noHold.linkLost(), noHold.toString());
        }
    }
}
