package net.coopwan.daemon.uplink.failure;

import static net.coopwan.daemon.uplink.failure.SimulatedUplink.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.coopwan.daemon.uplink.failure.UplinkVerdict.State;

/**
 * The defaults against the targets: no false failure in 10 minutes of 10 % independent loss of
 * probes and of replies (19 % per round trip) on a healthy line, and failure within 1 s when
 * everything is lost. Fixed seeds, so a failure here is reproducible.
 */
class UplinkFailureLossTest {

    @ParameterizedTest(name = "{0} targets, seed {1}")
    @CsvSource({"2, 1", "2, 2", "2, 3", "2, 4", "2, 5", "3, 1", "3, 2", "3, 3", "3, 4", "3, 5"})
    void tenMinutesOfTenPercentLossGiveNoFailure(int targets, long seed) {
        SimulatedUplink line = new SimulatedUplink(UplinkFailureDetectorTest.withTargets(targets), seed);
        line.probeLoss = 0.10;
        line.replyLoss = 0.10;
        assertEquals(0, line.run(600_000), () -> "false failure: " + line.verdicts);
        long lost = line.detector.targetCounters().stream().mapToLong(UplinkFailureDetector.TargetCounters::lost).sum();
        long sent = line.detector.targetCounters().stream().mapToLong(UplinkFailureDetector.TargetCounters::sent).sum();
        assertTrue(lost > sent * 0.17 && lost < sent * 0.21, "about 19 % of round trips lost: " + lost + " of " + sent);
    }

    /**
     * The figures in {@link UplinkFailureSettings}' javadoc, computed exactly: a Markov chain over
     * every target's run of losses (0 .. probeDownCount, the last meaning down), all targets
     * probed in lockstep, each round trip lost with q = 0.19; the probability that all targets
     * are down at once within 6000 rounds (10 minutes at 100 ms).
     */
    static double falseFailureProbability(int targets, int downCount, double q, int rounds) {
        int k = downCount + 1;
        int states = (int) Math.pow(k, targets);
        double[] p = new double[states];
        double[] next = new double[states];
        p[0] = 1;
        double failed = 0;
        int[] digits = new int[targets];
        for (int r = 0; r < rounds; r++) {
            java.util.Arrays.fill(next, 0);
            for (int s = 0; s < states; s++) {
                if (p[s] == 0) {
                    continue;
                }
                for (int i = 0, v = s; i < targets; i++, v /= k) {
                    digits[i] = v % k;
                }
                for (int outcome = 0; outcome < (1 << targets); outcome++) {
                    double w = p[s];
                    int to = 0;
                    boolean allDown = true;
                    for (int i = targets - 1; i >= 0; i--) {
                        boolean lost = (outcome >> i & 1) == 1;
                        int d = lost ? Math.min(digits[i] + 1, downCount) : 0;
                        w *= lost ? q : 1 - q;
                        allDown &= d == downCount;
                        to = to * k + d;
                    }
                    if (allDown) {
                        failed += w;
                    } else {
                        next[to] += w;
                    }
                }
            }
            double[] t = p;
            p = next;
            next = t;
        }
        return failed;
    }

    @org.junit.jupiter.api.Test
    void theFalseFailureFiguresOfTheJavadoc() {
        double q = 1 - 0.9 * 0.9;
        int down = UplinkFailureSettings.DEFAULTS.probeDownCount();
        double two = falseFailureProbability(2, down, q, 6000);
        double three = falseFailureProbability(3, down, q, 6000);
        System.out.printf("false failure in 10 minutes at 10 %% loss: 2 targets %.2g, 3 targets %.2g"
                + " (5 in a row: %.2g, %.2g; one target: %.2g)%n", two, three,
                falseFailureProbability(2, 5, q, 6000), falseFailureProbability(3, 5, q, 6000),
                falseFailureProbability(1, down, q, 6000));
        assertTrue(two > 1.2e-5 && two < 1.4e-5, "2 targets: " + two);
        assertTrue(three > 5e-10 && three < 7e-10, "3 targets: " + three);
    }

    @ParameterizedTest(name = "{0} targets, seed {1}")
    @CsvSource({"2, 1", "2, 2", "3, 3", "3, 4"})
    void totalLossIsDeclaredWithinOneSecond(int targets, long seed) {
        SimulatedUplink line = new SimulatedUplink(UplinkFailureDetectorTest.withTargets(targets), seed);
        line.probeLoss = 0.10;
        line.replyLoss = 0.10;
        long worst = 0;
        for (int round = 0; round < 20; round++) {
            line.run(5000 + 37 * round); // cuts at different phases of the probe schedule
            assertEquals(State.HEALTHY, line.detector.state());
            line.dead = true;
            long cut = line.now;
            UplinkVerdict v = line.runUntilChange(1000).orElseThrow(() -> new AssertionError("not declared in 1 s"));
            assertEquals(State.FAILED, v.state());
            assertTrue(v.atNanos() - cut <= 1000 * MS, "declared after " + (v.atNanos() - cut) / MS + " ms");
            worst = Math.max(worst, v.atNanos() - cut);
            line.dead = false;
            UplinkVerdict back = line.runUntilChange(5000).orElseThrow(() -> new AssertionError("no recovery in 5 s"));
            assertEquals(State.HEALTHY, back.state());
            line.run(61_000); // out of the flap window, so every round recovers in 2 s
        }
        System.out.println("total loss, " + targets + " targets, seed " + seed + ": declared at worst after "
                + worst / MS + " ms");
    }

    @ParameterizedTest(name = "{0} targets, seed {1}")
    @CsvSource({"2, 1", "3, 2"})
    void totalProbeLossOnALineThatStillReceivesIsDeclaredWithinOneSecond(int targets, long seed) {
        // Other packets keep arriving (the black-hole rule stays quiet): probes alone decide.
        SimulatedUplink line = new SimulatedUplink(UplinkFailureDetectorTest.withTargets(targets), seed);
        line.backgroundRxPerTick = 1;
        line.probeLoss = 0.10;
        line.replyLoss = 0.10;
        long worst = 0;
        for (int round = 0; round < 10; round++) {
            line.run(5000 + 41 * round);
            java.util.Arrays.fill(line.targetDead, true);
            long cut = line.now;
            UplinkVerdict v = line.runUntilChange(1000).orElseThrow(() -> new AssertionError("not declared in 1 s"));
            assertEquals("probes unanswered", v.reason());
            assertTrue(v.atNanos() - cut <= 1000 * MS);
            worst = Math.max(worst, v.atNanos() - cut);
            java.util.Arrays.fill(line.targetDead, false);
            assertEquals(State.HEALTHY, line.runUntilChange(5000).orElseThrow().state());
            line.run(61_000);
        }
        System.out.println("probes alone, " + targets + " targets, seed " + seed + ": declared at worst after "
                + worst / MS + " ms");
    }
}
