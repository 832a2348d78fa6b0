package net.coopwan.daemon.reorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.coopwan.daemon.reorder.ReorderBuffer.Config;
import org.junit.jupiter.api.Test;

/**
 * 10,000 packets over 16 flows through a simulated pair of paths: random delay (so random
 * reordering), 2 % loss, 3 % duplicates, 5 % of packets delayed by up to 50 ms (beyond the 30 ms
 * wait, so some gaps are skipped and their packets come late). Time advances in 1 ms poll ticks
 * between arrivals, like a receive loop that polls on a 1 ms timer.
 */
class ReorderBufferRandomTest {

    static final long MS = 1_000_000L;
    static final long WAIT = 30 * MS;
    static final long TICK = MS;
    static final int FLOWS = 16;
    static final int PACKETS = 10_000;

    record Arrival(long at, int flow, int k, int order) {
    }

    @Test
    void everyPacketOnceInOrderUnlessLateBoundedWait() {
        for (long seed : new long[] {1, 2, 3}) {
            run(seed);
        }
    }

    private void run(long seed) {
        Random r = new Random(seed);
        int[] start = new int[FLOWS];
        for (int f = 0; f < FLOWS; f++) {
            start[f] = f == 3 ? 0xFFFF_FF80 : r.nextInt(); // flow 3 crosses 2^32 on the way
        }
        int[] sent = new int[FLOWS];
        long[][] firstArrival = new long[FLOWS][PACKETS];
        boolean[][] lost = new boolean[FLOWS][PACKETS];
        int[][] length = new int[FLOWS][PACKETS];
        for (long[] a : firstArrival) {
            Arrays.fill(a, Long.MAX_VALUE);
        }
        List<Arrival> arrivals = new ArrayList<>();
        for (int i = 0; i < PACKETS; i++) {
            int f = r.nextInt(FLOWS);
            int k = sent[f]++;
            long send = i * 100_000L; // 10,000 packets/s in all
            length[f][k] = 40 + r.nextInt(1361);
            if (r.nextDouble() < 0.02) {
                lost[f][k] = true;
                continue;
            }
            long at = send + 5 * MS + (long) (r.nextDouble() * 2 * MS);
            if (r.nextDouble() < 0.05) {
                at += (long) (r.nextDouble() * 50 * MS);
            }
            arrivals.add(new Arrival(at, f, k, arrivals.size()));
            firstArrival[f][k] = at;
            if (r.nextDouble() < 0.03) {
                long dup = send + 5 * MS + (long) (r.nextDouble() * 80 * MS);
                arrivals.add(new Arrival(dup, f, k, arrivals.size()));
                firstArrival[f][k] = Math.min(firstArrival[f][k], dup);
            }
        }
        arrivals.sort(Comparator.comparingLong(Arrival::at).thenComparingInt(Arrival::order));

        long[][] deliveredAt = new long[FLOWS][PACKETS];
        int[][] deliveredCount = new int[FLOWS][PACKETS];
        int[][] deliveryRank = new int[FLOWS][PACKETS];
        int[] rank = new int[FLOWS];
        long[] now = {0};
        PacketSink sink = p -> {
            int f = p.getInt(p.position());
            int k = p.getInt(p.position() + 4) - start[f];
            assertEquals(length[f][k], p.remaining());
            assertEquals((byte) k, p.get(p.limit() - 1));
            deliveredCount[f][k]++;
            deliveredAt[f][k] = now[0];
            deliveryRank[f][k] = rank[f]++;
        };
        Config config = new Config(FlowHash.BUCKETS, 4096, 2048, WAIT, 1024);
        ReorderBuffer rb = new ReorderBuffer(config, sink);
        int[] bucketOf = new int[FLOWS];
        for (int f = 0; f < FLOWS; f++) {
            bucketOf[f] = f * 251 + 17;
        }
        int[] firstK = new int[FLOWS];
        Arrays.fill(firstK, -1);
        long nextTick = TICK;
        for (Arrival a : arrivals) {
            while (nextTick <= a.at()) {
                now[0] = nextTick;
                rb.poll(nextTick);
                nextTick += TICK;
            }
            now[0] = a.at();
            if (firstK[a.flow()] < 0) {
                firstK[a.flow()] = a.k();
            }
            ByteBuffer p = ByteBuffer.allocate(length[a.flow()][a.k()]);
            p.putInt(0, a.flow()).putInt(4, start[a.flow()] + a.k()).put(p.limit() - 1, (byte) a.k());
            rb.offer(bucketOf[a.flow()], start[a.flow()] + a.k(), p, a.at());
        }
        for (int i = 0; i < 1000 && rb.held() > 0; i++) {
            now[0] = nextTick;
            rb.poll(nextTick);
            nextTick += TICK;
        }
        assertEquals(0, rb.held());

        long expectedDelivered = 0;
        int late = 0;
        for (int f = 0; f < FLOWS; f++) {
            // Earliest first arrival among the flow's later packets, for each packet.
            long[] laterMin = new long[sent[f] + 1];
            laterMin[sent[f]] = Long.MAX_VALUE;
            for (int k = sent[f] - 1; k >= 0; k--) {
                laterMin[k] = Math.min(laterMin[k + 1], firstArrival[f][k]);
            }
            int[] byRank = new int[sent[f]];
            Arrays.fill(byRank, -1);
            for (int k = 0; k < sent[f]; k++) {
                String id = "seed " + seed + " flow " + f + " packet " + k;
                if (lost[f][k]) {
                    assertEquals(0, deliveredCount[f][k], id);
                    continue;
                }
                expectedDelivered++;
                assertEquals(1, deliveredCount[f][k], "delivered exactly once: " + id);
                long waited = deliveredAt[f][k] - firstArrival[f][k];
                assertTrue(waited >= 0 && waited <= WAIT + TICK, "held " + waited + " ns: " + id);
                byRank[deliveryRank[f][k]] = k;
            }
            // Out of order = delivered after a higher-numbered packet of the same flow.
            int highest = -1;
            for (int k : byRank) {
                if (k < 0) {
                    continue;
                }
                boolean outOfOrder = k < highest;
                highest = Math.max(highest, k);
                if (k < firstK[f]) {
                    assertTrue(outOfOrder); // overtaken by the flow's first packet: late by definition
                    late++;
                    continue;
                }
                long displacement = firstArrival[f][k] - laterMin[k + 1];
                String id = "seed " + seed + " flow " + f + " packet " + k + " displaced " + displacement;
                if (displacement < WAIT) {
                    assertTrue(!outOfOrder, "displaced less than the wait but out of order: " + id);
                }
                if (displacement >= WAIT + TICK) {
                    assertTrue(outOfOrder, "displaced beyond the wait but held: " + id);
                }
                if (outOfOrder) {
                    late++;
                }
            }
        }
        assertEquals(expectedDelivered, rb.inOrder() + rb.reordered() + rb.late());
        assertEquals(late, rb.late());
        assertTrue(rb.late() > 10 && rb.reordered() > 100 && rb.duplicates() > 100 && rb.gapsSkipped() > 100,
                "the run exercised every path: late " + rb.late() + " reordered " + rb.reordered()
                        + " duplicates " + rb.duplicates() + " gaps " + rb.gapsSkipped());
        assertEquals(0, rb.poolExhausted() + rb.jumps() + rb.oversize() + rb.invalid());
    }
}
