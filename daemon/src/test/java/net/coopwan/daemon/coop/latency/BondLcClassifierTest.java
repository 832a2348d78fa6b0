package net.coopwan.daemon.coop.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.coopwan.config.Latency;
import net.coopwan.daemon.coop.duplication.LcRoute;
import net.coopwan.daemon.coop.duplication.PathCopies;
import net.coopwan.daemon.testing.ManualClock;

/** The router's side of the duplication seam: which bond packets are LC and over which members. */
class BondLcClassifierTest {

    private static final long MS = 1_000_000L;
    private final List<String> log = new ArrayList<>();
    private final LatencyPolicy policy = new LatencyPolicy(Latency.defaults(), new ManualClock());
    /** Members 0 and 2 are own uplinks, 1 the path through the neighbour. */
    private final BondLcClassifier c = new BondLcClassifier(policy,
            new BondLcClassifier.Members(List.of(0, 2), List.of(1)), log::add);

    /** An IPv4 packet of {@code proto} from the LAN host to the server, with DSCP and ports, at offset 16 of a bigger buffer. */
    static ByteBuffer packet(int proto, int dscp, int sport, int dport) {
        ByteBuffer b = ByteBuffer.allocate(16 + 48);
        int at = 16;
        b.put(at, (byte) 0x45).put(at + 1, (byte) (dscp << 2)).putShort(at + 2, (short) 48).put(at + 8, (byte) 64)
                .put(at + 9, (byte) proto).putInt(at + 12, LatencyPolicyTest.HOST).putInt(at + 16, LatencyPolicyTest.SERVER)
                .putShort(at + 20, (short) sport).putShort(at + 22, (short) dport);
        return b;
    }

    private LcRoute route(ByteBuffer b, long now) {
        return c.route(b, 16, 48, now);
    }

    @Test
    void theSeedsGamePortsAreLcWithOwnCopiesAndTheNeighboursOnlyWhileAllowed() {
        LcRoute own = route(packet(17, 0, 40000, 5000), 0);
        assertNotNull(own);
        assertEquals(List.of(new PathCopies(0, 3), new PathCopies(2, 3)), own.paths(), "own 3 per own member");
        assertEquals(20 * MS, own.tauNanos(), "tau: the lol type's 20 ms");
        c.viaNeighbour(true);
        LcRoute both = route(packet(17, 0, 40000, 5000), 20 * MS);
        assertEquals(List.of(new PathCopies(0, 3), new PathCopies(2, 3), new PathCopies(1, 2)), both.paths(),
                "the notes' own 3 / neighbour 2");
        assertEquals(own.sessionId(), both.sessionId(), "one session, one id");
        c.viaNeighbour(false);
        assertEquals(own.paths(), route(packet(17, 0, 40000, 5000), 40 * MS).paths());
        assertEquals(3, c.counters().packets());
        assertEquals(1, c.counters().sessions());
    }

    @Test
    void ordinaryBondedTrafficIsNotLc() {
        assertNull(route(packet(17, 0, 40000, 4999), 0));
        assertNull(route(packet(17, 0, 40000, 5501), 0));
        assertNull(route(packet(6, 0, 40000, 5000), 0), "TCP to a UDP type's port");
        assertNull(route(packet(1, 0, 0, 0), 0), "ICMP");
        assertNull(route(packet(17, 34, 40000, 443), 0), "AF41 is not LC under rule b");
        assertEquals(0, c.counters().packets());
    }

    @Test
    void anUpgradedAdHocSessionIsNeverDuplicatedViaTheNeighbour() {
        c.viaNeighbour(true);
        Flow f = new Flow(Latency.Protocol.UDP, LatencyPolicyTest.HOST, 41000, LatencyPolicyTest.SERVER, 7777);
        assertNull(route(packet(17, 0, 41000, 7777), 0), "unknown before the upgrade");
        c.upgraded(Set.of(f));
        // its pair is learned at the upgrade too: ad hoc wins, as in the kernel
        c.learned(Set.of(f.target()));
        LcRoute r = route(packet(17, 0, 41000, 7777), MS);
        assertEquals(List.of(new PathCopies(0, 3), new PathCopies(2, 3)), r.paths());
        assertEquals(1, c.counters().withheldFromNeighbour());
        assertTrue(log.get(0).contains("never via the neighbour"), log.toString());
        // the next session to the learned pair is LEARNED, and may go via the neighbour
        LcRoute next = route(packet(17, 0, 41001, 7777), 2 * MS);
        assertEquals(3, next.paths().size());
        assertNotEquals(r.sessionId(), next.sessionId());
    }

    @Test
    void dscpMarksTheFlowForItsLifeAndItEndsAfterItsIdleTimeout() {
        long idle = Latency.defaults().adHoc().timeoutMs() * MS;
        LcRoute first = route(packet(17, 46, 42000, 9000), 0);
        assertNotNull(first, "EF");
        LcRoute later = route(packet(17, 0, 42000, 9000), idle);
        assertNotNull(later, "the connection keeps its classification, like the kernel's mark");
        assertEquals(first.sessionId(), later.sessionId());
        assertNull(route(packet(17, 0, 42000, 9000), 2 * idle + 1), "idle longer than its timeout: a new look");
    }

    @Test
    void aConfiguredTauAndRaic5AreUsed() {
        Latency d = Latency.defaults();
        Latency l = new Latency(true, d.apps(), d.dscpRule(), d.currentMs(), d.adHoc(), d.learn(), d.learnLifetimeS(),
                new Latency.Duplication(1, 0, 33, true), d.commonIsp());
        BondLcClassifier k = new BondLcClassifier(new LatencyPolicy(l, new ManualClock()),
                new BondLcClassifier.Members(List.of(0), List.of(1)), log::add);
        k.viaNeighbour(true);
        LcRoute r = k.route(packet(17, 0, 40000, 5000), 16, 48, 0);
        assertEquals(33 * MS, r.tauNanos());
        assertTrue(r.raic5());
        assertEquals(List.of(new PathCopies(0, 1)), r.paths(), "neighbour copies 0: nothing via the neighbour");
    }

    @Test
    void aClassifierPutInAgainNeverReusesASessionIdOfItsBond() {
        java.util.concurrent.atomic.AtomicInteger bond = new java.util.concurrent.atomic.AtomicInteger(1);
        BondLcClassifier first = new BondLcClassifier(policy, new BondLcClassifier.Members(List.of(0), List.of()),
                bond::getAndIncrement, log::add);
        int a = first.route(packet(17, 0, 40000, 5000), 16, 48, 0).sessionId();
        // duplication off and on: a new classifier, the same tunnel session at the far end
        BondLcClassifier again = new BondLcClassifier(policy, new BondLcClassifier.Members(List.of(0), List.of()),
                bond::getAndIncrement, log::add);
        int b = again.route(packet(17, 0, 40000, 5000), 16, 48, 0).sessionId();
        assertNotEquals(a, b, "the far end still holds a window for the first id");
    }

    @Test
    void aSessionOfNoTypeGetsTheMeanOfItsFirstGapsAsTauAnAppTypeKeepsItsInterval() {
        long gap = 33 * MS;
        for (int i = 0; i <= BondLcClassifier.MEASURED_AFTER; i++) {
            LcRoute dscp = route(packet(17, 46, 43000, 9000), i * gap);
            LcRoute game = route(packet(17, 0, 43001, 5000), i * gap);
            assertEquals(20 * MS, game.tauNanos(), "the lol type's interval, whatever the gaps");
            assertEquals(i < BondLcClassifier.MEASURED_AFTER ? 20 * MS : gap, dscp.tauNanos(),
                    "the seed's 20 ms until " + BondLcClassifier.MEASURED_AFTER + " gaps are measured, then their mean");
        }
        LcRoute later = route(packet(17, 0, 43000, 9000), 20 * gap);
        assertEquals(gap, later.tauNanos(), "measured once: a pause does not change it");
    }

    @Test
    void theAgreementsRateCapsTheCopiesThroughTheNeighbour() {
        c.viaNeighbour(true);
        // 50 packets of 48 bytes a second: neighbour copies 2 x (48 + 88) bytes, 108.8 kbit/s
        c.neighbourKbps(55); // about half of that
        int via = 0;
        int n = 500;
        for (int i = 0; i < n; i++) {
            if (route(packet(17, 0, 40000, 5000), i * 20 * MS).paths().size() == 3) {
                via++;
            }
        }
        long over = c.counters().overNeighbourCap();
        assertEquals(n - via, over, "every packet kept off the neighbour is counted");
        // never more than the bucket's depth (3000 bytes) plus 55 kbit/s over the 9.98 s, and not
        // one packet less: what the neighbour approved is used
        int perPacket = 2 * (48 + BondLcClassifier.COPY_OVERHEAD);
        double allowed = 3000 + 55 * 125 * (n - 1) * 0.020;
        assertTrue(via * perPacket <= allowed, via + " packets of " + perPacket + " B via the neighbour, allowed " + allowed);
        assertTrue((via + 1) * perPacket > allowed, via + " packets via the neighbour, " + allowed + " B allowed");
        c.neighbourKbps(0); // no cap
        assertEquals(3, route(packet(17, 0, 40000, 5000), n * 20 * MS).paths().size());
        assertEquals(over, c.counters().overNeighbourCap());
    }

    @Test
    void theFlowTableIsBounded() {
        for (int i = 0; i < BondLcClassifier.MAX_FLOWS + 10; i++) {
            assertNotNull(route(packet(17, 0, 1024 + i, 5000), i));
        }
        assertEquals(BondLcClassifier.MAX_FLOWS, c.counters().followed());
        assertEquals(BondLcClassifier.MAX_FLOWS + 10, c.counters().sessions());
    }

    /** Any bytes from the LAN: a route or null, never an exception (fixed seed, 200 000 inputs). */
    @Test
    void anyBytesAreSafe() {
        Random rnd = new Random(17);
        int routes = 0;
        for (int i = 0; i < 200_000; i++) {
            ByteBuffer b;
            int len;
            if (i % 2 == 0) {
                b = packet(17, rnd.nextInt(64), 1 + rnd.nextInt(65535), 4990 + rnd.nextInt(20));
                len = rnd.nextInt(64);
                for (int k = rnd.nextInt(4); k > 0; k--) {
                    b.put(16 + rnd.nextInt(48), (byte) rnd.nextInt(256));
                }
            } else {
                byte[] a = new byte[rnd.nextInt(80)];
                rnd.nextBytes(a);
                b = ByteBuffer.allocate(16 + a.length);
                b.put(16, a);
                len = a.length + rnd.nextInt(3) - 1; // also one byte past the end
            }
            if (c.route(b, 16, Math.max(0, len), i) != null) {
                routes++;
            }
        }
        assertTrue(routes > 0, "some mutated game packets are still LC");
    }
}
