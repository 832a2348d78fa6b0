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

    @ParameterizedTest(name = "{0} targets, seed {1}")
    @CsvSource({"2, 1", "2, 2", "3, 3", "3, 4"})
    void totalLossIsDeclaredWithinOneSecond(int targets, long seed) {
        SimulatedUplink line = new SimulatedUplink(UplinkFailureDetectorTest.withTargets(targets), seed);
        line.probeLoss = 0.10;
        line.replyLoss = 0.10;
        for (int round = 0; round < 20; round++) {
            line.run(5000 + 37 * round); // cuts at different phases of the probe schedule
            assertEquals(State.HEALTHY, line.detector.state());
            line.dead = true;
            long cut = line.now;
            UplinkVerdict v = line.runUntilChange(1000).orElseThrow(() -> new AssertionError("not declared in 1 s"));
            assertEquals(State.FAILED, v.state());
            assertTrue(v.atNanos() - cut <= 1000 * MS, "declared after " + (v.atNanos() - cut) / MS + " ms");
            line.dead = false;
            UplinkVerdict back = line.runUntilChange(5000).orElseThrow(() -> new AssertionError("no recovery in 5 s"));
            assertEquals(State.HEALTHY, back.state());
            line.run(61_000); // out of the flap window, so every round recovers in 2 s
        }
    }

    @ParameterizedTest(name = "{0} targets, seed {1}")
    @CsvSource({"2, 1", "3, 2"})
    void totalProbeLossOnALineThatStillReceivesIsDeclaredWithinOneSecond(int targets, long seed) {
        // Other packets keep arriving (the black-hole rule stays quiet): probes alone decide.
        SimulatedUplink line = new SimulatedUplink(UplinkFailureDetectorTest.withTargets(targets), seed);
        line.backgroundRxPerTick = 1;
        line.probeLoss = 0.10;
        line.replyLoss = 0.10;
        for (int round = 0; round < 10; round++) {
            line.run(5000 + 41 * round);
            java.util.Arrays.fill(line.targetDead, true);
            long cut = line.now;
            UplinkVerdict v = line.runUntilChange(1000).orElseThrow(() -> new AssertionError("not declared in 1 s"));
            assertEquals("probes unanswered", v.reason());
            assertTrue(v.atNanos() - cut <= 1000 * MS);
            java.util.Arrays.fill(line.targetDead, false);
            assertEquals(State.HEALTHY, line.runUntilChange(5000).orElseThrow().state());
            line.run(61_000);
        }
    }
}
