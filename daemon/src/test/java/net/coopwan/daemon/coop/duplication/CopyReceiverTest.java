package net.coopwan.daemon.coop.duplication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sender ({@link Duplicator}) to receiver ({@link CopyReceiver}): the first copy wins, once. */
class CopyReceiverTest {
    private static final long MS = 1_000_000L;
    private static final List<PathCopies> OWN3_NEIGHBOUR2 = List.of(new PathCopies(0, 3), new PathCopies(1, 2));
    private static final List<PathCopies> THREE_PATHS = List.of(new PathCopies(0, 1), new PathCopies(1, 1),
            new PathCopies(2, 1));

    @Test
    void duplicatorNumbersPacketsAndPlansEveryCopy() {
        Duplicator d = new Duplicator(42);
        List<Duplicator.Outgoing> first = d.copies(new byte[] {1, 2, 3}, 20 * MS, OWN3_NEIGHBOUR2, false);
        assertEquals(5, first.size());
        for (Duplicator.Outgoing o : first) {
            assertEquals(0, o.copy().packetId());
            assertEquals(LcCopy.WHOLE, o.copy().partCount());
            assertEquals(42, o.copy().sessionId());
        }
        // RAIC asked with two paths: not usable, whole copies
        assertEquals(LcCopy.WHOLE, d.copies(new byte[] {1}, 20 * MS, OWN3_NEIGHBOUR2, true).get(0).copy().partCount());
        List<Duplicator.Outgoing> split = d.copies(new byte[] {1, 2, 3, 4, 5}, 20 * MS,
                List.of(new PathCopies(0, 1), new PathCopies(1, 1), new PathCopies(2, 1), new PathCopies(3, 1)), true);
        assertEquals(2, split.get(0).copy().packetId());
        assertEquals(List.of(0, 1, 2, 0), split.stream().map(o -> o.copy().partIndex()).toList());
        assertEquals(List.of(3, 3, 3, 1), split.stream().map(o -> o.copy().partCount()).toList());
        assertEquals(3, d.nextPacketId());
    }

    @Test
    void firstWholeCopyDeliveredLaterOnesCounted() {
        CopyReceiver r = new CopyReceiver();
        Duplicator d = new Duplicator(7);
        byte[] pkt = {9, 9, 9};
        List<Duplicator.Outgoing> copies = d.copies(pkt, 20 * MS, OWN3_NEIGHBOUR2, false);
        assertArrayEquals(pkt, r.receive(copies.get(0).copy(), 0));
        for (int i = 1; i < copies.size(); i++) {
            assertNull(r.receive(copies.get(i).copy(), i));
        }
        assertEquals(4, r.drops().get(DuplicationDrop.DUPLICATE));
        assertEquals(1, r.delivered());
    }

    @Test
    void raicPartsWaitForASecondAndThirdIsADuplicate() {
        CopyReceiver r = new CopyReceiver();
        byte[] pkt = {1, 2, 3, 4, 5};
        List<Duplicator.Outgoing> copies = new Duplicator(1).copies(pkt, 20 * MS, THREE_PATHS, true);
        assertNull(r.receive(copies.get(2).copy(), 0)); // A^B alone: waits, not a drop
        assertEquals(0, r.drops().total());
        assertEquals(1, r.waitingPackets());
        assertArrayEquals(pkt, r.receive(copies.get(0).copy(), 1));
        assertEquals(0, r.waitingPackets());
        assertNull(r.receive(copies.get(1).copy(), 2));
        assertEquals(1, r.drops().get(DuplicationDrop.DUPLICATE));
        assertEquals(1, r.rebuilt());
        // a part claiming another length for a waiting packet is refused
        assertNull(r.receive(new LcCopy(1, 5, 0, 3, 4, new byte[2]), 3));
        assertNull(r.receive(new LcCopy(1, 5, 1, 3, 6, new byte[3]), 3));
        assertEquals(1, r.drops().get(DuplicationDrop.PART_CONFLICT));
    }

    /**
     * Property over random loss per path, duplication and reordering: each packet is delivered
     * exactly once, with its exact bytes, iff a whole copy or two distinct parts of it arrived
     * and it is not older than the session's first delivered packet (every packet stays inside
     * the window here: reordering spans at most 10 packets).
     */
    @Test
    void exactlyOnceAgainstModel() {
        Random rnd = new Random(169);
        for (int run = 0; run < 200; run++) {
            boolean raic = run % 2 == 1;
            List<PathCopies> paths = raic ? THREE_PATHS : OWN3_NEIGHBOUR2;
            double loss = rnd.nextDouble() * 0.6;
            Duplicator d = new Duplicator(run);
            CopyReceiver r = new CopyReceiver();
            List<byte[]> sent = new ArrayList<>();
            List<LcCopy> wire = new ArrayList<>();
            for (int p = 0; p < 300; p++) {
                byte[] pkt = new byte[1 + rnd.nextInt(200)];
                rnd.nextBytes(pkt);
                sent.add(pkt);
                List<LcCopy> batch = new ArrayList<>();
                for (Duplicator.Outgoing o : d.copies(pkt, 20 * MS, paths, raic)) {
                    if (rnd.nextDouble() >= loss) {
                        batch.add(o.copy());
                        if (rnd.nextInt(20) == 0) {
                            batch.add(o.copy()); // duplicated by the network
                        }
                    }
                }
                wire.addAll(batch);
            }
            // reorder: shuffle within blocks of 10 packets' copies
            int block = 10 * 5;
            for (int i = 0; i < wire.size(); i += block) {
                Collections.shuffle(wire.subList(i, Math.min(wire.size(), i + block)), rnd);
            }
            // model: a packet becomes complete with its first whole copy or second distinct part;
            // it is delivered then, unless it is older than the first packet delivered (the
            // window's initial state: mask 0, nothing before the first passes)
            boolean[] complete = new boolean[sent.size()];
            boolean[][] partSeen = new boolean[sent.size()][3];
            long firstDelivered = -1;
            int[] expected = new int[sent.size()];
            int[] deliveries = new int[sent.size()];
            for (int i = 0; i < wire.size(); i++) {
                LcCopy c = wire.get(i);
                int id = (int) c.packetId();
                if (!complete[id]) {
                    if (c.partCount() == LcCopy.WHOLE) {
                        complete[id] = true;
                    } else {
                        partSeen[id][c.partIndex()] = true;
                        int n = 0;
                        for (boolean b : partSeen[id]) {
                            n += b ? 1 : 0;
                        }
                        complete[id] = n >= 2;
                    }
                    if (complete[id] && (firstDelivered < 0 || id >= firstDelivered)) {
                        firstDelivered = firstDelivered < 0 ? id : firstDelivered;
                        expected[id] = 1;
                    }
                }
                byte[] out = r.receive(c, i);
                if (out != null) {
                    assertArrayEquals(sent.get(id), out, "run " + run + " packet " + id);
                    deliveries[id]++;
                }
            }
            assertArrayEquals(expected, deliveries, "run " + run + " raic " + raic + " loss " + loss);
            long lost = java.util.Arrays.stream(expected).filter(e -> e == 0).count();
            assertTrue(lost < sent.size(), "something was delivered");
            assertTrue(r.waitingPackets() <= DedupWindow.DEFAULT_BITS);
        }
    }

    @Test
    void sessionsAreBoundedAndExpire() {
        CopyReceiver r = new CopyReceiver(2, 1_000 * MS);
        byte[] pkt = {1};
        assertNotNull(r.receive(LcCopy.whole(1, 0, pkt), 0));
        assertNotNull(r.receive(LcCopy.whole(2, 0, pkt), 0));
        assertNull(r.receive(LcCopy.whole(3, 0, pkt), 500 * MS));
        assertEquals(1, r.drops().get(DuplicationDrop.SESSIONS_FULL));
        assertSame(pkt, r.receive(LcCopy.whole(3, 0, pkt), 1_001 * MS)); // 1 and 2 idle: expired
        assertEquals(1, r.sessions());
        // a forgotten session starts again: its old ids pass once more (a new tunnel session restarts ids)
        r.clear();
        assertNotNull(r.receive(LcCopy.whole(3, 0, pkt), 1_002 * MS));
    }

    /** Parts of packets that never complete do not pile up: at most the window's worth wait. */
    @Test
    void lonelyPartsAreBounded() {
        CopyReceiver r = new CopyReceiver();
        for (long id = 0; id < 10_000; id++) {
            assertNull(r.receive(new LcCopy(1, id, 2, 3, 4, new byte[2]), id));
        }
        assertTrue(r.waitingPackets() <= DedupWindow.DEFAULT_BITS, "waiting " + r.waitingPackets());
        assertEquals(0, r.delivered());
    }

    @Test
    void missingCountsIdsOvertakenAndTakesBackThoseALateCopyFills() {
        CopyReceiver r = new CopyReceiver();
        byte[] p = {7};
        r.receive(LcCopy.whole(5, 0, p), 0);
        r.receive(LcCopy.whole(5, 1, p), 0);
        assertEquals(0, r.missing());
        r.receive(LcCopy.whole(5, 4, p), 0); // 2 and 3 overtaken
        assertEquals(2, r.missing());
        r.receive(LcCopy.whole(5, 3, p), 0); // 3 late, on the slower path
        assertEquals(1, r.missing());
        r.receive(LcCopy.whole(5, 3, p), 0); // a duplicate fills nothing
        assertEquals(1, r.missing());
        r.receive(LcCopy.whole(6, 100, p), 0); // a new session's first id overtakes nothing
        assertEquals(1, r.missing());
        Random rnd = new Random(3);
        int lost = 0;
        for (long id = 5; id < 2000; id++) {
            if (rnd.nextInt(100) < 7) {
                lost++;
            } else {
                r.receive(LcCopy.whole(5, id, p), 0);
            }
        }
        // the last ids, if lost, are not yet overtaken
        assertTrue(r.missing() >= lost - 5 + 1 && r.missing() <= lost + 1, r.missing() + " vs " + lost);
    }
}
