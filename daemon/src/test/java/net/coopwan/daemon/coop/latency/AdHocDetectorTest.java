package net.coopwan.daemon.coop.latency;

import static net.coopwan.daemon.coop.latency.LatencyPolicyTest.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.config.Latency;
import net.coopwan.daemon.testing.ManualClock;

/** [0235]'s ad hoc rule judged from per-second counters; thresholds from the configuration. */
class AdHocDetectorTest {

    private final ManualClock clock = new ManualClock();
    private final Latency.AdHoc rule = Latency.AdHoc.defaults(); // 300 B, 100 ms, 200 kbit/s, 3 s, 5 s

    /** A flow that sends {@code pps} packets of {@code size} bytes each second each way, sampled every second. */
    private static final class Steady {
        final Flow flow;
        long packets;
        long bytes;

        Steady(Flow flow) {
            this.flow = flow;
        }

        AdHocDetector.Sample second(int pps, int size) {
            packets += pps;
            bytes += (long) pps * size;
            return new AdHocDetector.Sample(flow, packets, bytes, packets, bytes);
        }
    }

    @Test
    void aGamesFlowIsUpgradedAfterConfirmSecondsInARowAndOnce() {
        AdHocDetector d = new AdHocDetector(rule, clock);
        Steady game = new Steady(udp(40000, 7777));
        assertEquals(List.of(), d.observe(List.of(game.second(50, 120))), "first reading: a baseline");
        for (int s = 1; s < rule.confirmS(); s++) {
            clock.advanceMillis(1000);
            assertEquals(List.of(), d.observe(List.of(game.second(50, 120))), "second " + s);
        }
        clock.advanceMillis(1000);
        assertEquals(List.of(game.flow), d.observe(List.of(game.second(50, 120))));
        assertTrue(d.upgraded(game.flow));
        clock.advanceMillis(1000);
        assertEquals(List.of(), d.observe(List.of(game.second(50, 120))), "upgraded once");
    }

    @Test
    void eachThresholdOnItsOwnKeepsAFlowOut() {
        // 50 pps of 120 B = 48 kbit/s: fits; each line breaks one threshold only
        Map<String, int[]> cases = Map.of(
                "big packets", new int[] {50, rule.maxPacketBytes() + 1},
                "gaps over 100 ms (9 pps)", new int[] {9, 120},
                "over 200 kbit/s", new int[] {210, 120});
        for (Map.Entry<String, int[]> e : cases.entrySet()) {
            AdHocDetector d = new AdHocDetector(rule, clock);
            Steady f = new Steady(udp(40000, 7777));
            d.observe(List.of(f.second(e.getValue()[0], e.getValue()[1])));
            for (int s = 0; s < 10; s++) {
                clock.advanceMillis(1000);
                assertEquals(List.of(), d.observe(List.of(f.second(e.getValue()[0], e.getValue()[1]))), e.getKey());
            }
        }
        // the edges themselves fit: 10 pps (100 ms gaps) of 300 B = 24 kbit/s
        AdHocDetector d = new AdHocDetector(rule, clock);
        Steady f = new Steady(udp(40000, 7777));
        d.observe(List.of(f.second(10, 300)));
        List<Flow> up = new ArrayList<>();
        for (int s = 0; s < rule.confirmS(); s++) {
            clock.advanceMillis(1000);
            up.addAll(d.observe(List.of(f.second(10, 300))));
        }
        assertEquals(List.of(f.flow), up);
    }

    @Test
    void aBadSecondRestartsTheStreakAndSoDoesACounterReset() {
        AdHocDetector d = new AdHocDetector(rule, clock);
        Steady f = new Steady(udp(40000, 7777));
        d.observe(List.of(f.second(50, 120)));
        clock.advanceMillis(1000);
        d.observe(List.of(f.second(50, 120)));
        clock.advanceMillis(1000);
        d.observe(List.of(f.second(50, 1400))); // a burst of big packets
        for (int s = 0; s < rule.confirmS() - 1; s++) {
            clock.advanceMillis(1000);
            assertEquals(List.of(), d.observe(List.of(f.second(50, 120))));
        }
        // counters go back: a new connection on the same 5-tuple starts from its own baseline
        Steady again = new Steady(f.flow);
        clock.advanceMillis(1000);
        assertEquals(List.of(), d.observe(List.of(again.second(50, 120))));
        for (int s = 0; s < rule.confirmS() - 1; s++) {
            clock.advanceMillis(1000);
            assertEquals(List.of(), d.observe(List.of(again.second(50, 120))));
        }
        clock.advanceMillis(1000);
        assertEquals(List.of(f.flow), d.observe(List.of(again.second(50, 120))));
    }

    @Test
    void anIdleOrUnlistedFlowIsForgotten() {
        AdHocDetector d = new AdHocDetector(rule, clock);
        Steady f = new Steady(udp(40000, 7777));
        d.observe(List.of(f.second(50, 120)));
        for (int s = 0; s * 1000 <= rule.timeoutMs(); s++) {
            clock.advanceMillis(1000);
            d.observe(List.of(f.second(0, 120)));
        }
        assertEquals(0, d.followed(), "idle for longer than the ad hoc timeout");
        d.observe(List.of(f.second(50, 120)));
        assertEquals(1, d.followed());
        d.observe(List.of());
        assertEquals(0, d.followed(), "gone from conntrack");
    }

    @Test
    void beyondTheLimitFlowsAreCountedAndSkipped() {
        AdHocDetector d = new AdHocDetector(rule, clock);
        List<AdHocDetector.Sample> many = new ArrayList<>();
        for (int i = 0; i < AdHocDetector.MAX_FLOWS + 10; i++) {
            many.add(new AdHocDetector.Sample(udp(1 + i % 60000, 1 + i / 60000), 1, 100, 1, 100));
        }
        many.add(many.get(0));
        d.observe(many);
        assertEquals(AdHocDetector.MAX_FLOWS, d.followed());
        assertEquals(11, d.ignored());
    }

    /**
     * Property: over random counter sequences the detector never throws, upgrades a flow at most
     * once, and only after {@code confirmS} readings in a row whose intervals meet every
     * threshold (checked here independently from the counters).
     */
    @Test
    void randomCountersNeverThrowAndUpgradeOnlyAfterConfirmFittingIntervals() {
        Random rnd = new Random(17);
        int total = 0;
        for (int run = 0; run < 200; run++) {
            AdHocDetector d = new AdHocDetector(rule, clock);
            List<Flow> flows = List.of(udp(40000, 1), udp(40001, 2), udp(40002, 3));
            Map<Flow, long[]> counters = new HashMap<>();
            Map<Flow, Integer> streak = new HashMap<>();
            Map<Flow, Integer> upgrades = new HashMap<>();
            for (int step = 0; step < 40; step++) {
                int ms = 200 + rnd.nextInt(1600);
                clock.advanceMillis(ms);
                List<AdHocDetector.Sample> samples = new ArrayList<>();
                for (Flow f : flows) {
                    long[] c = counters.computeIfAbsent(f, k -> new long[4]);
                    boolean fresh = c[0] == 0 && c[2] == 0;
                    long pOut = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(120);
                    long pIn = rnd.nextInt(120);
                    long bOut = pOut * (40 + rnd.nextInt(400));
                    long bIn = pIn * (40 + rnd.nextInt(400));
                    boolean fits = pOut > 0 && bOut <= pOut * rule.maxPacketBytes() && bIn <= pIn * rule.maxPacketBytes()
                            && ms <= pOut * rule.maxGapMs() && bOut * 8 <= (long) rule.maxKbps() * ms
                            && bIn * 8 <= (long) rule.maxKbps() * ms;
                    c[0] += pOut;
                    c[1] += bOut;
                    c[2] += pIn;
                    c[3] += bIn;
                    if (!fresh) {
                        streak.merge(f, 0, (a, b) -> fits ? a + 1 : 0);
                    } else {
                        streak.put(f, 0);
                    }
                    samples.add(new AdHocDetector.Sample(f, c[0], c[1], c[2], c[3]));
                }
                for (Flow f : d.observe(samples)) {
                    assertTrue(streak.get(f) >= rule.confirmS(), "run " + run + " step " + step + ": " + streak.get(f));
                    upgrades.merge(f, 1, Integer::sum);
                }
            }
            upgrades.values().forEach(n -> assertEquals(1, n));
            total += upgrades.size();
        }
        assertTrue(total > 0, "the random sequences upgrade some flows, so the property was exercised");
    }

    @Test
    void negativeCountersAreRefused() {
        assertFalse(assertThrowsIae(() -> new AdHocDetector.Sample(udp(1, 1), -1, 0, 0, 0)).isEmpty());
    }

    private static String assertThrowsIae(Runnable r) {
        return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }
}
