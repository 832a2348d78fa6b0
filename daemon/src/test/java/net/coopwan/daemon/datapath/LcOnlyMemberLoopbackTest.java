package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import net.coopwan.daemon.coop.duplication.LcCopyCodec;
import net.coopwan.daemon.measure.LinkHealth;
import net.coopwan.daemon.tunnel.TunnelHeader;

/**
 * The member through the neighbour for duplication alone ({@code shareStandby(.., lcOnly)},
 * docs/latency.md section 8) on the real tunnel: it comes up and carries the LC copies, but no
 * ordinary bonded packet either way (its buckets for them hold 0 on the router and, told in CAPS,
 * on the concentrator), so the neighbour's line carries only what the duplication agreement is for.
 */
class LcOnlyMemberLoopbackTest {
    static final int ROUTER = LoopbackBondTest.ROUTER;
    static final int SERVER = LoopbackBondTest.SERVER;
    static final int LC_INNER = 120;
    static final int OTHER_INNER = 1200;
    /** One LC copy on the wire as the member's counter counts it: tunnel overhead, LC_COPY header, packet. */
    static final int LC_DATAGRAM = LC_INNER + LcCopyCodec.HEADER + TunnelHeader.OVERHEAD;

    private final TwoMemberLoopback loop = new TwoMemberLoopback();
    private final List<AutoCloseable> open = loop.open;
    private final MemoryTun routerTun = loop.routerTun;
    private final MemoryTun concTun = loop.concTun;

    @AfterEach
    void close() throws Exception {
        loop.close();
    }

    @Test
    void theLcOnlyMemberCarriesTheCopiesAndNoOrdinaryPacketEitherWay() throws Exception {
        TwoMemberLoopback.Lab lab = loop.start(true);
        Concentrator c = lab.concentrator();
        BondDataPath p = lab.path();
        p.shareStandby("127.0.0.1", 512, 512, true);
        LoopbackBondTest.await("the neighbour's member up", 5000, () -> p.linkState(1) == LinkHealth.State.UP);
        p.duplicate(LcDuplicationLoopbackTest.PORTS);
        Thread.sleep(100); // CAPS 0 reaches the concentrator within a tick

        // what the member carries without data (probes, CAPS), for the bound's allowance
        long q0 = System.nanoTime();
        long up0 = p.txBytes(1);
        long down0 = c.txBytes("home1", 1);
        Thread.sleep(1000);
        double upControl = (p.txBytes(1) - up0) / ((System.nanoTime() - q0) / 1e9);
        double downControl = (c.txBytes("home1", 1) - down0) / ((System.nanoTime() - q0) / 1e9);

        int n = 50;
        long t0 = System.nanoTime();
        long viaUp0 = p.txBytes(1);
        long next = System.nanoTime();
        for (int i = 0; i < n; i++) {
            routerTun.inject(MemoryTun.udp(ROUTER, SERVER, 40000, 5000, LC_INNER, i));
            for (int k = 0; k < 4; k++) {
                routerTun.inject(MemoryTun.udp(ROUTER, SERVER, 40001, 6000, OTHER_INNER, 1000 + 4 * i + k));
            }
            next += LcDuplicationLoopbackTest.TAU;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
        }
        Set<Integer> got = new HashSet<>();
        for (int i = 0; i < 5 * n; i++) {
            byte[] b = concTun.written.poll(5, TimeUnit.SECONDS);
            assertNotNull(b, "packet " + i + " of " + 5 * n + " arrived");
            assertTrue(got.add(MemoryTun.seqOf(b)), "twice: " + MemoryTun.seqOf(b));
        }
        Thread.sleep(100); // the paced copies' last
        double upSeconds = (System.nanoTime() - t0) / 1e9;
        long viaUp = p.txBytes(1) - viaUp0;
        long copies = 2L * n * LC_DATAGRAM;
        System.out.printf("lc-only member up: %d B (%d B of LC copies, control %.0f B/s over %.2f s)%n", viaUp, copies,
                upControl, upSeconds);
        assertTrue(viaUp >= copies, "the LC copies went through the member: " + viaUp + " B of " + copies);
        assertTrue(viaUp < copies + upControl * upSeconds * 1.5 + LC_DATAGRAM,
                "no ordinary packet went through the member (one would add " + (OTHER_INNER + TunnelHeader.OVERHEAD)
                        + " B): " + viaUp + " B");

        // down: LC replies go back over both members, ordinary ones only over the own one
        long d0 = System.nanoTime();
        long viaDown0 = c.txBytes("home1", 1);
        for (int i = 0; i < n; i++) {
            concTun.inject(MemoryTun.udp(SERVER, ROUTER, 5000, 40000, LC_INNER, 2000 + i));
            for (int k = 0; k < 4; k++) {
                concTun.inject(MemoryTun.udp(SERVER, ROUTER, 6000, 40001, OTHER_INNER, 3000 + 4 * i + k));
            }
        }
        for (int i = 0; i < 5 * n; i++) {
            assertNotNull(routerTun.written.poll(5, TimeUnit.SECONDS), "reply " + i + " arrived");
        }
        Thread.sleep(100);
        double downSeconds = (System.nanoTime() - d0) / 1e9;
        long viaDown = c.txBytes("home1", 1) - viaDown0;
        long replyCopies = (long) n * LC_DATAGRAM;
        System.out.printf("lc-only member down: %d B (%d B of LC reply copies, control %.0f B/s over %.2f s)%n", viaDown,
                replyCopies, downControl, downSeconds);
        assertTrue(viaDown >= replyCopies, "the reply copies went through the member: " + viaDown);
        assertTrue(viaDown < replyCopies + downControl * downSeconds * 1.5 + LC_DATAGRAM,
                "no ordinary reply went through the member: " + viaDown + " B");
    }
}
