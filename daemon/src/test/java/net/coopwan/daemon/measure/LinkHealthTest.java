package net.coopwan.daemon.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.PriorityQueue;
import java.util.Random;
import net.coopwan.daemon.measure.LinkHealth.State;
import org.junit.jupiter.api.Test;

class LinkHealthTest {

    private static final long MS = 1_000_000L;
    private static final long T0 = 7_000_000_000L; // any origin: nanoTime values are arbitrary

    /** Sends probe seq at t and gets its echo rtt later, then ticks. */
    private static void roundTrip(LinkHealth health, long seq, long t, long rtt) {
        health.onProbeSent(seq, t);
        health.onProbeEcho(seq, t + rtt);
    }

    private static LinkHealth upLink() {
        LinkHealth health = new LinkHealth();
        for (int s = 0; s < 3; s++) {
            roundTrip(health, s, T0 + s * 50 * MS, 20 * MS);
        }
        assertTrue(health.tick(T0 + 120 * MS));
        return health;
    }

    @Test
    void startsDownAndComesUpAfterThreeConsecutiveEchoes() {
        LinkHealth health = new LinkHealth();
        assertEquals(State.DOWN, health.snapshot().state());
        assertFalse(health.tick(T0));
        roundTrip(health, 0, T0, 20 * MS);
        roundTrip(health, 1, T0 + 50 * MS, 20 * MS);
        assertFalse(health.tick(T0 + 80 * MS), "two echoes are not enough");
        roundTrip(health, 2, T0 + 100 * MS, 20 * MS);
        assertTrue(health.tick(T0 + 130 * MS));
        assertEquals(State.UP, health.snapshot().state());
        assertFalse(health.tick(T0 + 140 * MS), "one change, reported once");
        assertEquals(1, health.snapshot().transitions());
    }

    @Test
    void aGapInProbeNumbersRestartsTheCount() {
        LinkHealth health = new LinkHealth();
        roundTrip(health, 0, T0, 20 * MS);
        roundTrip(health, 1, T0 + 50 * MS, 20 * MS);
        health.onProbeSent(2, T0 + 100 * MS); // lost
        roundTrip(health, 3, T0 + 150 * MS, 20 * MS);
        roundTrip(health, 4, T0 + 200 * MS, 20 * MS);
        assertFalse(health.tick(T0 + 230 * MS));
        roundTrip(health, 5, T0 + 250 * MS, 20 * MS);
        assertTrue(health.tick(T0 + 280 * MS));
    }

    @Test
    void anyAuthenticatedPacketKeepsTheLinkUpButOnlyEchoesBringItUp() {
        LinkHealth down = new LinkHealth();
        for (int i = 0; i < 10; i++) {
            down.onPacketHeard(T0 + i * MS);
        }
        assertFalse(down.tick(T0 + 10 * MS));
        assertEquals(State.DOWN, down.state());

        LinkHealth health = upLink();
        for (long t = T0 + 200 * MS; t < T0 + 3_000 * MS; t += 100 * MS) {
            health.onPacketHeard(t); // data, no echoes
            assertFalse(health.tick(t + 50 * MS));
        }
        assertEquals(State.UP, health.state());
    }

    @Test
    void downAfterDeadAfterOfSilenceAndNotBefore() {
        LinkHealth health = upLink();
        long lastHeard = T0 + 100 * MS + 20 * MS;
        assertFalse(health.tick(lastHeard + 499 * MS));
        assertTrue(health.tick(lastHeard + 500 * MS));
        assertEquals(State.DOWN, health.snapshot().state());
        assertEquals(2, health.snapshot().transitions());
        // Coming back needs three fresh consecutive echoes, not the old streak.
        roundTrip(health, 10, lastHeard + 600 * MS, 20 * MS);
        assertFalse(health.tick(lastHeard + 630 * MS));
    }

    /** Probes every 50 ms, ticks every 10 ms, echoes after 20..60 ms unless lost. */
    private static final class Simulation {
        final LinkHealth health = new LinkHealth();
        final PriorityQueue<long[]> echoes = new PriorityQueue<>((a, b) -> Long.compare(a[1], b[1]));
        final Random random;
        final double loss;
        long seq;
        long downs;
        long ups;
        long firstDownAt = -1;

        Simulation(double loss, long seed) {
            this.loss = loss;
            this.random = new Random(seed);
        }

        /** Runs from step 0 (t = T0) for the given number of 10 ms steps; deadFromNanos: no echoes after it. */
        void run(long steps, long deadFromNanos) {
            for (long step = 0; step < steps; step++) {
                long t = T0 + step * 10 * MS;
                if (step % 5 == 0) {
                    health.onProbeSent(seq, t);
                    if (random.nextDouble() >= loss && t < deadFromNanos) {
                        echoes.add(new long[] {seq, t + (20 + random.nextInt(41)) * MS});
                    }
                    seq++;
                }
                while (!echoes.isEmpty() && echoes.peek()[1] <= t) {
                    long[] e = echoes.poll();
                    health.onProbeEcho(e[0], e[1]);
                }
                if (health.tick(t)) {
                    if (health.state() == State.DOWN) {
                        downs++;
                        if (firstDownAt < 0) {
                            firstDownAt = t;
                        }
                    } else {
                        ups++;
                    }
                }
            }
        }
    }

    @Test
    void noFlappingAtTenPercentProbeLoss() {
        // 100,000 probe intervals (500,000 ticks, 83 minutes of link time) with 10 % of the
        // probes unanswered, independently. DOWN needs about 10 in a row (500 ms at 50 ms):
        // 0.9 * 0.1^10 per probe, 9e-6 expected over the whole run (LinkHealthConfig).
        Simulation sim = new Simulation(0.10, 2026);
        sim.run(500_000, Long.MAX_VALUE);
        assertEquals(1, sim.ups, "comes up once");
        assertEquals(0, sim.downs, "never goes down");
        assertEquals(10.0, sim.health.snapshot().lossPercent(), 7.0);
        assertEquals(100_000, sim.health.snapshot().probesSent());
    }

    @Test
    void aDeadLinkLeavesTheScheduleInWellUnderASecond() {
        Simulation sim = new Simulation(0.10, 7);
        long death = T0 + 10_000 * MS;
        sim.run(2_000, death);
        assertEquals(1, sim.downs);
        // Last echo at most 60 ms after death (a probe sent just before it), DOWN 500 ms later,
        // seen by the next 10 ms tick.
        long detection = sim.firstDownAt - death;
        assertTrue(detection <= 570 * MS, "detected after " + detection / MS + " ms");
        assertTrue(detection >= 400 * MS, "detected after " + detection / MS + " ms");
    }

    @Test
    void rttIsSmoothedLikeRfc6298() {
        LinkHealth health = new LinkHealth();
        roundTrip(health, 0, T0, 100 * MS);
        assertEquals(100 * MS, health.snapshot().srttNanos());
        assertEquals(50 * MS, health.snapshot().rttvarNanos());
        roundTrip(health, 1, T0 + 50 * MS, 20 * MS);
        // rttvar = 3/4 * 50 + 1/4 * |100 - 20| = 57.5; srtt = 7/8 * 100 + 1/8 * 20 = 90
        assertEquals(57_500_000L, health.snapshot().rttvarNanos());
        assertEquals(90 * MS, health.snapshot().srttNanos());
        assertEquals(2, health.snapshot().echoes());
        assertEquals(1_000 * MS, health.lossTimeoutNanos()); // max(1 s, 4 * 90 ms)
    }

    @Test
    void lossTimeoutFollowsSrttWhenThatIsLonger() {
        LinkHealth health = new LinkHealth();
        roundTrip(health, 0, T0, 400 * MS);
        assertEquals(1_600 * MS, health.lossTimeoutNanos());
        health.onProbeSent(1, T0 + 50 * MS);
        health.tick(T0 + 1_600 * MS);
        assertEquals(0.0, health.snapshot().lossPercent(), "not yet: 1.55 s < 1.6 s");
        health.tick(T0 + 1_651 * MS);
        assertEquals(50.0, health.snapshot().lossPercent());
    }

    @Test
    void unknownDuplicateAndLateEchoesAreIgnoredAndCounted() {
        LinkHealth health = new LinkHealth();
        health.onProbeEcho(5, T0); // nothing sent yet
        roundTrip(health, 0, T0, 30 * MS);
        health.onProbeEcho(0, T0 + 40 * MS); // duplicate
        health.onProbeEcho(77, T0 + 40 * MS); // never sent
        health.onProbeSent(1, T0 + 50 * MS);
        health.tick(T0 + 1_100 * MS); // probe 1 lost
        health.onProbeEcho(1, T0 + 1_200 * MS); // late
        LinkHealthSnapshot s = health.snapshot();
        assertEquals(4, s.ignoredEchoes());
        assertEquals(1, s.echoes());
        assertEquals(30 * MS, s.srttNanos());
        assertEquals(50.0, s.lossPercent());
        assertEquals(T0 + 1_200 * MS, s.lastHeardNanos(), "even a late echo proves liveness");
    }

    @Test
    void probesPushedOutOfTheWindowAreTooOld() {
        LinkHealth health = new LinkHealth();
        for (int s = 0; s <= 100; s++) {
            health.onProbeSent(s, T0 + s * 50 * MS);
        }
        health.onProbeEcho(0, T0 + 5_100 * MS); // slot reused by probe 100
        assertEquals(1, health.snapshot().ignoredEchoes());
        assertEquals(0, health.snapshot().echoes());
    }

    @Test
    void lossIsOverTheLastHundredProbes() {
        LinkHealth health = new LinkHealth();
        long t = T0;
        for (int s = 0; s < 100; s++, t += 50 * MS) {
            health.onProbeSent(s, t);
            if (s % 5 != 0) {
                health.onProbeEcho(s, t + 20 * MS);
            }
            health.tick(t + 20 * MS);
        }
        health.tick(t + 2_000 * MS);
        assertEquals(20.0, health.snapshot().lossPercent(), 1e-9);
        for (int s = 100; s < 150; s++, t += 50 * MS) {
            roundTrip(health, s, t, 20 * MS);
        }
        assertEquals(10.0, health.snapshot().lossPercent(), 1e-9); // 10 lost among the last 100
        for (int s = 150; s < 200; s++, t += 50 * MS) {
            roundTrip(health, s, t, 20 * MS);
        }
        assertEquals(0.0, health.snapshot().lossPercent());
    }

    @Test
    void jitterIsRfc3550OnOneWayDelays() {
        LinkHealth health = new LinkHealth();
        health.onOneWayDelay(5_000);
        assertEquals(0, health.snapshot().jitterMicros());
        health.onOneWayDelay(6_600); // |D| = 1600 -> J = 1600 / 16 = 100
        assertEquals(100, health.snapshot().jitterMicros());
        health.onOneWayDelay(5_000); // J += (1600 - 100) / 16 = 193.75
        assertEquals(194, health.snapshot().jitterMicros());
        for (int i = 0; i < 500; i++) {
            health.onOneWayDelay(i % 2 == 0 ? 6_600 : 5_000);
        }
        assertEquals(1_600, health.snapshot().jitterMicros(), 1);
    }

    @Test
    void owdTrendSeesAQueueBuildingWhateverTheClockOffset() {
        for (long offset : new long[] {0, 5_000_000L, -123_456_789L}) {
            LinkHealth health = new LinkHealth();
            assertEquals(TrendTest.Verdict.TOO_FEW_SAMPLES, health.snapshot().owdTrend());
            long[] flat = PctPdtTrendTestTest.series(64, 30_000, 0, 0, 1);
            for (long owd : flat) {
                health.onOneWayDelay(owd + offset);
            }
            assertEquals(TrendTest.Verdict.NOT_INCREASING, health.snapshot().owdTrend());
            long[] ramp = PctPdtTrendTestTest.series(64, 30_000, 200, 500, 2);
            for (long owd : ramp) {
                health.onOneWayDelay(owd + offset);
            }
            assertEquals(TrendTest.Verdict.INCREASING, health.snapshot().owdTrend(), "offset " + offset);
        }
    }

    @Test
    void snapshotIsWhatAnotherThreadSees() throws Exception {
        LinkHealth health = upLink();
        LinkHealthSnapshot[] seen = new LinkHealthSnapshot[1];
        Thread reader = new Thread(() -> seen[0] = health.snapshot());
        reader.start();
        reader.join(5_000);
        assertEquals(State.UP, seen[0].state());
        assertEquals(3, seen[0].probesSent());
    }

    @Test
    void probeNumbersMustIncrease() {
        LinkHealth health = new LinkHealth();
        health.onProbeSent(10, T0);
        assertThrows(IllegalArgumentException.class, () -> health.onProbeSent(10, T0 + MS));
        assertThrows(IllegalArgumentException.class, () -> health.onProbeSent(9, T0 + MS));
    }

    @Test
    void configValidation() {
        LinkHealthConfig d = LinkHealthConfig.DEFAULT;
        assertEquals(50 * MS, d.probeIntervalNanos());
        assertEquals(500 * MS, d.deadAfterNanos());
        assertEquals(3, d.upAfterEchoes());
        assertThrows(IllegalArgumentException.class, () -> new LinkHealthConfig(50 * MS, 90 * MS, 3, 100, 1_000 * MS, 4, 64));
        assertThrows(IllegalArgumentException.class, () -> new LinkHealthConfig(50 * MS, 500 * MS, 0, 100, 1_000 * MS, 4, 64));
        assertThrows(IllegalArgumentException.class, () -> new LinkHealthConfig(50 * MS, 500 * MS, 3, 5, 1_000 * MS, 4, 64));
        assertThrows(IllegalArgumentException.class, () -> new LinkHealthConfig(50 * MS, 500 * MS, 3, 100, 10 * MS, 4, 64));
        assertThrows(IllegalArgumentException.class, () -> new LinkHealthConfig(50 * MS, 500 * MS, 3, 100, 1_000 * MS, 0, 64));
        assertThrows(IllegalArgumentException.class, () -> new LinkHealthConfig(50 * MS, 500 * MS, 3, 100, 1_000 * MS, 4, 2));
        assertThrows(IllegalArgumentException.class, () -> new LinkHealthConfig(100, 500 * MS, 3, 100, 1_000 * MS, 4, 64));
    }

    @Test
    void queueDelayIsTheLastRttAboveTheBaseOfTheLast30To60Seconds() {
        LinkHealth health = new LinkHealth();
        assertEquals(-1, health.queueDelayNanos());
        roundTrip(health, 0, T0, 20 * MS);
        assertEquals(0, health.queueDelayNanos());
        roundTrip(health, 1, T0 + 50 * MS, 70 * MS);
        assertEquals(50 * MS, health.queueDelayNanos(), "a probe met 50 ms of queue");
        roundTrip(health, 2, T0 + 100 * MS, 25 * MS);
        assertEquals(5 * MS, health.queueDelayNanos());
        // 40 s later the 20 ms sample is in the previous bucket: still the base
        roundTrip(health, 3, T0 + 40_000 * MS, 60 * MS);
        assertEquals(40 * MS, health.queueDelayNanos());
        // 70 s later it has aged out: the base is now the smallest of the last two buckets (60 ms)
        roundTrip(health, 4, T0 + 70_000 * MS, 90 * MS);
        assertEquals(30 * MS, health.queueDelayNanos());
    }

    /** The base RTT the scheduler halves into a one-way delay: the smallest of the last 30-60 s. */
    @Test
    void baseRttIsTheSmallestRttOfTheLast30To60Seconds() {
        LinkHealth health = new LinkHealth();
        assertEquals(-1, health.baseRttNanos());
        roundTrip(health, 0, T0, 20 * MS);
        assertEquals(20 * MS, health.baseRttNanos());
        roundTrip(health, 1, T0 + 50 * MS, 70 * MS);
        assertEquals(20 * MS, health.baseRttNanos(), "a queue does not raise the base");
        roundTrip(health, 2, T0 + 40_000 * MS, 60 * MS);
        assertEquals(20 * MS, health.baseRttNanos());
        roundTrip(health, 3, T0 + 70_000 * MS, 90 * MS);
        assertEquals(60 * MS, health.baseRttNanos(), "a longer route becomes the base within a minute");
    }
}
