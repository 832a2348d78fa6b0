package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.coopwan.config.Latency;
import net.coopwan.daemon.coop.latency.BondLcClassifier;
import net.coopwan.daemon.coop.latency.Flow;
import net.coopwan.daemon.coop.latency.LatencyPolicy;
import net.coopwan.daemon.testing.ManualClock;

/**
 * The router's classifier in the real data path (loopback UDP, sealing, both ends): a game on the
 * seed's ports goes as own 3 + neighbour 2 copies and its replies come back over both members; a
 * session the ad hoc rule upgraded goes as own copies only, so the concentrator hears it on the
 * own member alone and answers there alone (the neighbour's member never carries it, [0236]);
 * other traffic is untouched.
 */
class BondLcClassifierLoopbackTest {
    static final int ROUTER = LoopbackBondTest.ROUTER;
    static final int SERVER = LoopbackBondTest.SERVER;

    private final TwoMemberLoopback loop = new TwoMemberLoopback();
    private final List<AutoCloseable> open = loop.open;
    private final MemoryTun routerTun = loop.routerTun;
    private final MemoryTun concTun = loop.concTun;

    @AfterEach
    void close() throws Exception {
        loop.close();
    }

    /** Takes {@code n} packets off {@code tun}; each sequence number once. */
    private static Set<Integer> drain(MemoryTun tun, int n) throws InterruptedException {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            byte[] got = tun.written.poll(5, TimeUnit.SECONDS);
            assertNotNull(got, "packet " + i + " of " + n + " arrived");
            assertTrue(seen.add(MemoryTun.seqOf(got)), "twice: " + MemoryTun.seqOf(got));
        }
        assertNull(tun.written.poll(300, TimeUnit.MILLISECONDS), "nothing arrives a second time");
        return seen;
    }

    @Test
    void theGameGoesBothWaysAnUpgradedAdHocSessionOnlyOverTheOwnMember() throws Exception {
        TwoMemberLoopback.Lab lab = loop.start(false);
        Concentrator c = lab.concentrator();
        BondDataPath p = lab.path();
        List<String> log = new ArrayList<>();
        BondLcClassifier k = new BondLcClassifier(new LatencyPolicy(Latency.defaults(), new ManualClock()),
                new BondLcClassifier.Members(List.of(0), List.of(1)), log::add);
        k.viaNeighbour(true);
        k.upgraded(Set.of(new Flow(Latency.Protocol.UDP, ROUTER, 40003, SERVER, 7777)));
        p.duplicate(k);

        int n = 20;
        for (int i = 0; i < n; i++) {
            routerTun.inject(MemoryTun.udp(ROUTER, SERVER, 40000, 5000, 120, i));         // the game
            routerTun.inject(MemoryTun.udp(ROUTER, SERVER, 40003, 7777, 120, 100 + i));   // upgraded ad hoc
            routerTun.inject(MemoryTun.udp(ROUTER, SERVER, 40001, 6000, 1200, 200 + i));  // ordinary bonded
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertEquals(3 * n, drain(concTun, 3 * n).size());
        LcCounters up = p.duplicationCounters();
        assertEquals(2L * n, up.lcPackets(), "the game and the ad hoc session, not the ordinary packets");
        assertEquals(5L * n + 3L * n, up.copiesSent(), "game: own 3 + neighbour 2; ad hoc: own 3 only");
        assertEquals(n, k.counters().withheldFromNeighbour());
        assertEquals(2, k.counters().sessions());

        // replies: the game's over both members, the ad hoc session's over the own member only
        for (int i = 0; i < n; i++) {
            concTun.inject(MemoryTun.udp(SERVER, ROUTER, 5000, 40000, 120, 300 + i));
            concTun.inject(MemoryTun.udp(SERVER, ROUTER, 7777, 40003, 120, 400 + i));
        }
        assertEquals(2 * n, drain(routerTun, 2 * n).size());
        LcCounters far = c.duplicationCounters();
        assertEquals(2L * n + n, far.copiesSent(), "game replies 2 copies, ad hoc replies 1: the concentrator never "
                + "heard the ad hoc session on the neighbour's member");
        assertEquals(2L * n, p.duplicationCounters().delivered());
        assertEquals(n, p.duplicationCounters().duplicatesDropped());
        assertTrue(log.stream().anyMatch(l -> l.contains("never via the neighbour (upgraded ad hoc)")), log.toString());
    }
}
