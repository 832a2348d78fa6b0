package net.coopwan.daemon.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.coopwan.config.ConfigLoader;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Latency;
import net.coopwan.daemon.api.LatencyStatus;
import net.coopwan.daemon.coop.suppression.AppType;
import net.coopwan.daemon.coop.suppression.IssueDetector;
import net.coopwan.daemon.coop.suppression.SuppressionDemands;
import net.coopwan.daemon.coop.suppression.SuppressionKernel;
import net.coopwan.daemon.coop.suppression.SuppressionPolicy;
import net.coopwan.daemon.coop.suppression.SuppressionService;
import net.coopwan.daemon.testing.ManualClock;

/** The ControlApi's latency status built from the classification's reading and the suppression service. */
class LatencyStatusViewTest {

    static final long MS = 1_000_000L;

    @Test
    void nothingRunningIsOffAndSaysWhyDuplicationIsOff() {
        LatencyStatus s = LatencyStatusView.of(null, null);
        assertEquals(LatencyStatus.Classification.OFF, s.classification());
        assertEquals(LatencyStatus.Suppression.OFF, s.suppression());
        assertFalse(s.duplication().on());
        assertEquals("latency classification not running", s.duplication().reason());
        assertFalse(LatencyStatus.off().duplication().on());
    }

    @Test
    void aConcentratorShowsItsClientsDuplicationCounters() {
        LatencyStatus s = LatencyStatusView.concentrator(new net.coopwan.daemon.datapath.LcCounters(5, 9, 7, 21));
        assertTrue(s.duplication().on());
        assertEquals(5, s.duplication().lcPackets());
        assertEquals(9, s.duplication().copiesSent());
        assertEquals(7, s.duplication().delivered());
        assertEquals(21, s.duplication().duplicatesDropped());
        assertFalse(s.classification().enabled());
    }

    @Test
    void classificationShowsTheLastReadingOnly() {
        LatencyWiringTest.Fake os = new LatencyWiringTest.Fake();
        ManualClock clock = new ManualClock();
        CoopwanConfig c = ConfigLoader.defaults();
        try (LatencyWiring w = LatencyWiring.start(c, os, clock, false, m -> { })) {
            LatencyStatus.Classification before = LatencyStatusView.of(w, null).classification();
            assertTrue(before.enabled());
            assertEquals(c.latency().dscpRule().uciName(), before.dscpRule());
            assertEquals(0, before.lcPackets());
            assertFalse(before.lcTrafficCurrent());

            os.lcPackets = 37;
            assertEquals(0, LatencyStatusView.of(w, null).classification().lcPackets(),
                    "the status never reads the kernel itself");
            clock.advanceMillis(1000);
            w.tick();
            LatencyStatus.Classification after = LatencyStatusView.of(w, null).classification();
            assertEquals(37, after.lcPackets());
            assertTrue(after.lcTrafficCurrent());
            assertEquals(0, after.adHocUnreadable());

            clock.advanceMillis(c.latency().currentMs() + 1);
            w.tick(); // no new LC packet: D passed
            assertFalse(LatencyStatusView.of(w, null).classification().lcTrafficCurrent());
            assertEquals(37, LatencyStatusView.of(w, null).classification().lcPackets());
        }
    }

    @Test
    void classificationOffInConfigIsOff() {
        LatencyWiringTest.Fake os = new LatencyWiringTest.Fake();
        Latency d = Latency.defaults();
        CoopwanConfig base = ConfigLoader.defaults();
        CoopwanConfig off = new CoopwanConfig(base.global(), base.uplinks(), base.peer(), base.offers(), base.web(),
                base.snmp(), base.bonds(), base.concentrator(), base.clients(), base.dataPlane(), base.emergency(),
                base.sharing(), base.suppression(), new Latency(false, d.apps(), d.dscpRule(), d.currentMs(), d.adHoc(),
                        d.learn(), d.learnLifetimeS()));
        try (LatencyWiring w = LatencyWiring.start(off, os, new ManualClock(), false, m -> { })) {
            os.lcPackets = 5;
            w.tick();
            assertEquals(LatencyStatus.Classification.OFF, LatencyStatusView.of(w, null).classification());
        }
    }

    @Test
    void suppressionShowsPolicyDemandsAndCounters() {
        List<String> kernel = new ArrayList<>();
        SuppressionKernel k = new SuppressionKernel() {
            @Override
            public void enforce(int maxDropPercent) {
                kernel.add("enforce " + maxDropPercent);
            }

            @Override
            public void release() {
                kernel.add("release");
            }
        };
        boolean[] issue = {true};
        IssueDetector detector = new IssueDetector() {
            @Override
            public boolean issue(long nowNanos) {
                return issue[0];
            }

            @Override
            public String why(long nowNanos) {
                return "rtt rising";
            }
        };
        SuppressionService.Agreements none = new SuppressionService.Agreements() {
            @Override
            public int grantedTo(String peerId) {
                return -1;
            }

            @Override
            public Set<String> requestable() {
                return Set.of();
            }
        };
        SuppressionService s = new SuppressionService(new SuppressionPolicy(500 * MS, List.of(detector)),
                new SuppressionDemands(k), none, new SuppressionService.Ask(true, false, AppType.VOIP, 10, 3000), 1,
                m -> { });
        SuppressionService.Sender nowhere = (peer, b) -> true;

        LatencyStatus.Suppression idle = LatencyStatusView.of(null, s).suppression();
        assertTrue(idle.enabled());
        assertEquals("IDLE", idle.state());
        assertEquals(-1, idle.enforcedPercent());
        assertEquals(Map.of(), idle.demands());

        long now = 1000 * MS;
        s.lcPacket(now);
        s.tick(now, nowhere);
        s.tick(now + MS, nowhere);
        LatencyStatus.Suppression enforcing = LatencyStatusView.of(null, s).suppression();
        assertEquals(s.status().policy().name(), enforcing.state());
        assertEquals("ENFORCING", enforcing.state(), kernel.toString());
        assertEquals(10, enforcing.enforcedPercent());
        assertEquals(Map.of(SuppressionDemands.LOCAL, 10), enforcing.demands());
        assertFalse(enforcing.reason().isEmpty());
        assertEquals(0, enforcing.dropped(), "no table counters read: none shown");
        // the kernel's table as last read: drops and CE marks of both directions added
        net.coopwan.daemon.steer.SuppressionRules.Counters table = new net.coopwan.daemon.steer.SuppressionRules.Counters(
                40, 900, 700, 3, 4, 11, 13);
        LatencyStatus.Suppression read = LatencyStatusView.of(null, s, table, null).suppression();
        assertEquals(24, read.dropped());
        assertEquals(7, read.ecnMarked());
        assertEquals(0, LatencyStatusView.suppression(idleService(), table).dropped(), "nothing enforced: a stale reading is not shown");

        s.onMessage("nb", ByteBuffer.wrap(new byte[] {(byte) 0xff}), now, nowhere); // not a SUPPRESSION message
        assertEquals(s.counters(), LatencyStatusView.of(null, s).suppression().counters());
        assertTrue(LatencyStatusView.of(null, s).suppression().counters().values().stream().anyMatch(v -> v > 0));
        s.close();
    }

    /** A suppression service that enforces nothing (no issue, no LC traffic). */
    private static SuppressionService idleService() {
        SuppressionKernel k = new SuppressionKernel() {
            @Override
            public void enforce(int maxDropPercent) {
            }

            @Override
            public void release() {
            }
        };
        SuppressionService.Agreements none = new SuppressionService.Agreements() {
            @Override
            public int grantedTo(String peerId) {
                return -1;
            }

            @Override
            public Set<String> requestable() {
                return Set.of();
            }
        };
        return new SuppressionService(new SuppressionPolicy(500 * MS, List.of()), new SuppressionDemands(k), none,
                new SuppressionService.Ask(true, false, AppType.VOIP, 10, 3000), 1, m -> { });
    }

    /** The common-ISP part: the neighbour's verdict and what it gates as applied, the settings, the counters. */
    @Test
    void commonIspShowsEachNeighboursVerdictAndItsGating() {
        ManualClock clock = new ManualClock();
        int z = net.coopwan.daemon.coop.commonisp.Hop.parse("198.19.0.1").address();
        net.coopwan.daemon.coop.commonisp.Route own = net.coopwan.daemon.coop.commonisp.Route.of("198.18.1.1", "198.18.1.2",
                "198.18.9.1", "198.19.0.1");
        net.coopwan.daemon.coop.commonisp.CommonIspService s = new net.coopwan.daemon.coop.commonisp.CommonIspService(
                new net.coopwan.daemon.coop.commonisp.CommonIspService.Settings(true, z, 1_800_000), t -> own, Runnable::run,
                clock, () -> Set.of("nb"), 1, m -> { });
        assertEquals(LatencyStatus.CommonIsp.OFF, LatencyStatusView.of(null, null, null).commonIsp());
        s.tick(0, (p, b) -> true);
        // the neighbour reports a disjoint route to the same target
        s.onMessage("nb", net.coopwan.daemon.coop.commonisp.CommonIspCodec.encode(new net.coopwan.daemon.coop.commonisp.CommonIspMessage(
                5, 1, z, 2, net.coopwan.daemon.coop.commonisp.Route.of("198.18.2.1", "198.18.2.2", "198.18.3.1", "198.19.0.1"),
                net.coopwan.daemon.coop.commonisp.CommonIspMessage.Samples.NONE)), 0, (p, b) -> true);
        LatencyStatus.CommonIsp ci = LatencyStatusView.of(null, null, s).commonIsp();
        assertTrue(ci.enabled() && ci.gate());
        assertEquals("198.19.0.1", ci.target());
        LatencyStatus.IspNeighbour n = ci.neighbours().get(0);
        assertEquals("nb", n.peerId());
        assertEquals("DIFFERENT", n.verdict());
        assertEquals(1, n.commonSuffix());
        assertEquals(0.25, n.ratio(), 1e-12);
        assertTrue(n.duplicationVia());
        assertFalse(n.suppressionRequests());
        assertEquals(own.toString(), n.ownRoute());
        assertEquals(clock.instant(), n.ownMeasuredAt());
        assertEquals(clock.instant().minusSeconds(2), n.peerMeasuredAt());
        assertEquals(s.counters(), ci.counters());
    }
}
