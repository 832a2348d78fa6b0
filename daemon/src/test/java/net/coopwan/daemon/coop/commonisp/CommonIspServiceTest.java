package net.coopwan.daemon.coop.commonisp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.channel.SealedMessages;
import net.coopwan.daemon.testing.ManualClock;

/**
 * Two services, "a" and "b", over an in-memory channel that can lose messages, each with a fake
 * tracer answering a fixed route per target (the real one is IcmpRouteTracer, tested in
 * IcmpRouteTracerNetnsTest); traces run at once (a direct executor).
 */
class CommonIspServiceTest {

    static final int Z = Hop.parse("198.19.0.1").address();
    static final int Z2 = Hop.parse("198.19.0.9").address();
    static final String[] A = {"198.18.1.1", "198.18.1.2", "198.18.9.1", "198.18.9.2", "198.19.0.1"};
    static final String[] B = {"198.18.2.1", "198.18.2.2", "198.18.9.1", "198.18.9.2", "198.19.0.1"};
    static final String[] B_DISJOINT = {"198.18.2.1", "198.18.2.2", "198.18.3.1", "198.18.3.2", "198.19.0.1"};

    static final class FakeTracer implements RouteTracer {
        final Map<Integer, Route> routes = new HashMap<>();
        final List<Integer> traced = new ArrayList<>();
        boolean fail;

        @Override
        public Route trace(Inet4Address target) throws IOException {
            int t = Hop.parse(target.getHostAddress()).address();
            traced.add(t);
            if (fail) {
                throw new IOException("raw socket refused");
            }
            return routes.getOrDefault(t, Route.NONE);
        }
    }

    final ManualClock clock = new ManualClock();
    final List<String> log = new ArrayList<>();
    final FakeTracer tracerA = new FakeTracer();
    final FakeTracer tracerB = new FakeTracer();
    CommonIspService a;
    CommonIspService b;
    int sent;
    boolean lose;

    void build(boolean gate, int targetA, int targetB) {
        a = new CommonIspService(new CommonIspService.Settings(gate, targetA, 1_800_000), tracerA, Runnable::run, clock,
                () -> Set.of("b"), 100, log::add);
        b = new CommonIspService(new CommonIspService.Settings(gate, targetB, 1_800_000), tracerB, Runnable::run, clock,
                () -> Set.of("a"), 7, log::add);
    }

    SealedMessages.Sender to(CommonIspService other, String from) {
        return (peer, plaintext) -> {
            sent++;
            if (!lose) {
                other.onMessage(from, plaintext, 0, to(from.equals("a") ? a : b, peer));
            }
            return true;
        };
    }

    void tickBoth() {
        a.tick(0, to(b, "a"));
        b.tick(0, to(a, "b"));
    }

    @Test
    void routesDifferingInTheirFirstTwoHopsGiveSameOnBothSidesAndItsGating() {
        // TEST (notes 8): A=[a1,a2,x,y,z], B=[b1,b2,x,y,z] -> SAME; gate on: no LC copies via B, suppression requests still go
        tracerA.routes.put(Z, Route.of(A));
        tracerB.routes.put(Z, Route.of(B));
        build(true, Z, Z);
        tickBoth();
        tickBoth();
        assertEquals(IspVerdict.SAME, a.verdict("b"));
        assertEquals(IspVerdict.SAME, b.verdict("a"));
        assertFalse(a.duplicationVia("b"));
        assertTrue(a.suppressionRequestsTo("b"));
        // both owners see the same metric
        CommonIspStatus sa = a.status().get(0);
        CommonIspStatus sb = b.status().get(0);
        assertEquals(3, sa.commonSuffix());
        assertEquals(sa.commonSuffix(), sb.commonSuffix());
        assertEquals(sa.ratio(), sb.ratio(), 0);
        assertEquals(sa.ownRoute(), sb.peerRoute());
        assertEquals("198.19.0.1", sa.target());
        assertEquals(clock.millis(), sa.ownMeasuredAt());
        assertEquals(clock.millis(), sa.peerMeasuredAt());
        assertTrue(log.contains("common-isp: b: verdict unknown -> same: common suffix 3 of 5/5 hops to 198.19.0.1 (ratio 0.60)"),
                log.toString());
    }

    @Test
    void disjointPathsGiveDifferentAndTheReverseGating() {
        // TEST (notes 8): disjoint before the destination -> DIFFERENT: duplication runs, no suppression requests
        tracerA.routes.put(Z, Route.of(A));
        tracerB.routes.put(Z, Route.of(B_DISJOINT));
        build(true, Z, Z);
        tickBoth();
        tickBoth();
        assertEquals(IspVerdict.DIFFERENT, a.verdict("b"));
        assertEquals(IspVerdict.DIFFERENT, b.verdict("a"));
        assertTrue(a.duplicationVia("b"));
        assertFalse(a.suppressionRequestsTo("b"));
    }

    @Test
    void gateOffShowsTheVerdictButGatesNothing() {
        tracerA.routes.put(Z, Route.of(A));
        tracerB.routes.put(Z, Route.of(B));
        build(false, Z, Z);
        tickBoth();
        tickBoth();
        assertEquals(IspVerdict.SAME, a.status().get(0).verdict());
        assertEquals(IspVerdict.UNKNOWN, a.verdict("b"));
        assertTrue(a.duplicationVia("b"));
        assertTrue(a.suppressionRequestsTo("b"));
    }

    @Test
    void differentTargetsConvergeOnTheSmallerOne() {
        tracerA.routes.put(Z, Route.of(A));
        tracerB.routes.put(Z, Route.of(B));
        tracerB.routes.put(Z2, Route.of("198.18.2.1", "198.19.0.9"));
        build(true, Z, Z2);
        for (int i = 0; i < 4; i++) {
            tickBoth();
        }
        assertEquals(IspVerdict.SAME, a.verdict("b"));
        assertEquals(IspVerdict.SAME, b.verdict("a"));
        assertTrue(tracerB.traced.contains(Z), "b traced a's smaller target too");
        assertFalse(tracerA.traced.contains(Z2), "a never needed b's larger one");
    }

    @Test
    void lostReportsAreResentUntilAcknowledgedThenNothingMore() {
        tracerA.routes.put(Z, Route.of(A));
        tracerB.routes.put(Z, Route.of(B));
        build(true, Z, Z);
        lose = true;
        tickBoth();
        assertEquals(2, sent);
        tickBoth();
        assertEquals(2, sent, "not before the resend time");
        assertEquals(IspVerdict.UNKNOWN, a.verdict("b"));
        lose = false;
        clock.advanceMillis(CommonIspService.RESEND_MS);
        tickBoth();
        assertEquals(IspVerdict.SAME, a.verdict("b"));
        assertEquals(IspVerdict.SAME, b.verdict("a"));
        int settled = sent;
        for (int i = 0; i < 10; i++) {
            clock.advanceMillis(CommonIspService.RESEND_MS);
            tickBoth();
        }
        assertEquals(settled, sent, "both acknowledged: nothing resent");
    }

    @Test
    void aFailedOrUnreachedTraceIsUnknownAndGatesNothing() {
        tracerA.routes.put(Z, Route.of(A));
        tracerB.fail = true;
        build(true, Z, Z);
        tickBoth();
        tickBoth();
        assertEquals(IspVerdict.UNKNOWN, a.verdict("b"));
        assertTrue(a.duplicationVia("b") && a.suppressionRequestsTo("b"));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("common-isp: trace to 198.19.0.1 failed: raw socket refused")), log.toString());
    }

    @Test
    void aRouteChangeIsRetracedAtTheRefreshAndFlipsTheVerdict() {
        tracerA.routes.put(Z, Route.of(A));
        tracerB.routes.put(Z, Route.of(B));
        build(true, Z, Z);
        tickBoth();
        tickBoth();
        assertEquals(IspVerdict.SAME, a.verdict("b"));
        tracerB.routes.put(Z, Route.of(B_DISJOINT));
        clock.advanceMillis(1_800_000);
        tickBoth();
        tickBoth();
        assertEquals(IspVerdict.DIFFERENT, a.verdict("b"));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("common-isp: b: verdict same -> different: common suffix 1")), log.toString());
    }

    @Test
    void malformedAndRepeatedReportsAreCountedNeverThrown() {
        build(true, Z, Z);
        a.onMessage("b", ByteBuffer.wrap(new byte[] {1, 2, 3}), 0, (p, x) -> true);
        assertEquals(1L, a.counters().get("COMMON_ISP_MALFORMED"));
        CommonIspMessage m = new CommonIspMessage(9, 0, Z, 0, Route.of(B), CommonIspMessage.Samples.NONE);
        a.onMessage("b", CommonIspCodec.encode(m), 0, (p, x) -> true);
        a.onMessage("b", CommonIspCodec.encode(m), 0, (p, x) -> true);
        assertEquals(1L, a.counters().get("COMMON_ISP_REPEATED"));
    }

    /** Method 2: RTT samples every 10 s, sent with the report every minute, correlated on both sides alike. */
    @Test
    void rttSamplesFlowWithTheReportsAndTheirCorrelationIsShownOnBothSides() {
        tracerA.routes.put(Z, Route.of(A));
        tracerB.routes.put(Z, Route.of(B_DISJOINT));
        int[] step = {0};
        // a shared queue: both RTTs rise in the same minutes
        RttProbe probeA = t -> 20 + ((step[0] / 6) % 2 == 0 ? 0 : 60) + step[0] % 3;
        RttProbe probeB = t -> 35 + ((step[0] / 6) % 2 == 0 ? 0 : 50) + step[0] % 2;
        a = new CommonIspService(new CommonIspService.Settings(true, Z, 1_800_000), tracerA, probeA, Runnable::run, clock,
                () -> Set.of("b"), 100, log::add);
        b = new CommonIspService(new CommonIspService.Settings(true, Z, 1_800_000), tracerB, probeB, Runnable::run, clock,
                () -> Set.of("a"), 7, log::add);
        for (step[0] = 0; step[0] < 60; step[0]++) {
            tickBoth();
            clock.advanceMillis(CommonIspService.SAMPLE_PERIOD_MS);
        }
        tickBoth();
        CommonIspStatus sa = a.status().get(0);
        CommonIspStatus sb = b.status().get(0);
        assertEquals(60, sa.ownSamples());
        assertTrue(sa.peerSamples() >= 54, "the last report carried the samples up to a minute ago: " + sa.peerSamples());
        assertTrue(sa.rttCorrelation() >= RttCorrelation.CORRELATED, "r = " + sa.rttCorrelation());
        assertTrue(sb.rttCorrelation() >= RttCorrelation.CORRELATED, "r = " + sb.rttCorrelation());
        // shown, not gating: the routes still say DIFFERENT
        assertEquals(IspVerdict.DIFFERENT, a.verdict("b"));
        // reports went out about once a minute (a report, its answer with the other's news, that one's ack), not
        // with every sample: at most 4 a minute for the pair
        assertTrue(sent <= 4 * 11, "messages in 10 minutes: " + sent);
    }

    @Test
    void withoutANeighbourNothingIsTraced() {
        tracerA.routes.put(Z, Route.of(A));
        a = new CommonIspService(new CommonIspService.Settings(true, Z, 1_800_000), tracerA, t -> 5, Runnable::run, clock,
                Set::of, 100, log::add);
        for (int i = 0; i < 10; i++) {
            a.tick(0, (p, x) -> true);
            clock.advanceMillis(CommonIspService.SAMPLE_PERIOD_MS);
        }
        assertEquals(List.of(), tracerA.traced);
        assertTrue(a.status().isEmpty());
    }
}
