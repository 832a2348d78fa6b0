package net.coopwan.daemon.coop.suppression;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The pure detectors, fed with synthetic samples at 50 pps (20 ms apart). */
class DetectorsTest {
    static final long MS = 1_000_000L;

    @Test
    void steadyPathWithSmallNoiseIsNeverAnIssue() {
        PathQualityDetector d = new PathQualityDetector();
        Random r = new Random(1);
        for (int i = 0; i < 3000; i++) {
            long now = i * 20 * MS;
            d.rtt(now, 30_000 + r.nextInt(4000));
            assertFalse(d.issue(now), "sample " + i + ": " + d.why(now));
        }
    }

    @Test
    void rttStepAboveTheThresholdIsAnIssueAndClearsWhenItFalls() {
        PathQualityDetector d = new PathQualityDetector();
        long t = 0;
        for (int i = 0; i < 500; i++, t += 20 * MS) {
            d.rtt(t, 30_000);
        }
        for (int i = 0; i < 100; i++, t += 20 * MS) {
            d.rtt(t, 45_000); // +15 ms: not over max(10 ms, 50 %) = 15 ms
        }
        assertFalse(d.issue(t), d.why(t));
        for (int i = 0; i < 100; i++, t += 20 * MS) {
            d.rtt(t, 60_000); // +30 ms
        }
        assertTrue(d.issue(t), d.why(t));
        assertTrue(d.why(t).startsWith("rtt 60 ms over baseline 3"), d.why(t));
        for (int i = 0; i < 150; i++, t += 20 * MS) {
            d.rtt(t, 30_000);
        }
        assertFalse(d.issue(t), "the baseline was not learnt from the degraded samples: " + d.why(t));
    }

    /** The latency benchmark's saturated line: a gateway at 0.2 ms, then a queue adding 14 ms to the median. */
    @Test
    void aQueueOfTenOddMillisecondsOnAShortPathIsAnIssue() {
        PathQualityDetector d = new PathQualityDetector();
        long t = 0;
        for (int i = 0; i < 100; i++, t += 200 * MS) {
            d.rtt(t, 200);
        }
        for (int i = 0; i < 12; i++, t += 200 * MS) {
            d.rtt(t, 8_000 + (i % 3) * 6_000); // 8, 14, 20 ms: median 14
        }
        assertTrue(d.issue(t), d.why(t));
    }

    /**
     * The baseline learns at most a second's worth from one sample, and nothing while suppression
     * enforces: a game that starts on a saturated line after a pause, or a line held back, does not
     * become the normal.
     */
    @Test
    void theBaselineLearnsNeitherFromTheFirstSampleAfterAPauseNorWhileSuppressing() {
        PathQualityDetector d = new PathQualityDetector();
        long t = 0;
        for (int i = 0; i < 50; i++, t += 200 * MS) {
            d.rtt(t, 200);
        }
        t += 60_000 * MS; // no LC traffic, no probe, for a minute
        for (int i = 0; i < 12; i++, t += 200 * MS) {
            d.rtt(t, 15_000);
        }
        assertTrue(d.issue(t), "the pause taught nothing: " + d.why(t));
        boolean[] suppressing = {false};
        PathQualityDetector e = new PathQualityDetector();
        e.pauseLearningWhile(() -> suppressing[0]);
        t = 0;
        for (int i = 0; i < 20; i++, t += 200 * MS) {
            e.rtt(t, 200);
        }
        suppressing[0] = true;
        for (int i = 0; i < 150; i++, t += 200 * MS) {
            e.rtt(t, 9_000); // suppression holds the queue at 9 ms for 30 s
        }
        suppressing[0] = false;
        for (int i = 0; i < 12; i++, t += 200 * MS) {
            e.rtt(t, 15_000);
        }
        assertTrue(e.issue(t), "9 ms under suppression is not the baseline: " + e.why(t));
    }

    @Test
    void jitterAndLossAreIssues() {
        PathQualityDetector j = new PathQualityDetector();
        long t = 0;
        for (int i = 0; i < 500; i++, t += 20 * MS) {
            j.rtt(t, 30_000);
        }
        for (int i = 0; i < 100; i++, t += 20 * MS) {
            j.rtt(t, i % 2 == 0 ? 20_000 : 45_000); // median 45 ms: not over +15 ms, but 25 ms swings
        }
        assertTrue(j.issue(t) && j.why(t).startsWith("jitter"), j.why(t));

        PathQualityDetector l = new PathQualityDetector();
        t = 0;
        for (int i = 0; i < 500; i++, t += 20 * MS) {
            l.rtt(t, 30_000);
        }
        l.lost(t);
        t += 20 * MS;
        assertFalse(l.issue(t), "one loss of 100 is not an issue");
        for (int i = 0; i < 100; i++, t += 20 * MS) {
            if (i % 10 == 0) {
                l.lost(t);
            } else {
                l.rtt(t, 30_000);
            }
        }
        assertTrue(l.issue(t) && l.why(t).startsWith("loss"), l.why(t));
    }

    @Test
    void tooFewSamplesAreNoIssue() {
        PathQualityDetector d = new PathQualityDetector();
        for (int i = 0; i < PathQualityDetector.MIN_SAMPLES - 1; i++) {
            d.lost(i * MS);
        }
        assertFalse(d.issue(PathQualityDetector.MIN_SAMPLES * MS));
    }

    @Test
    void oneWayDelayTrendIgnoresTheClockOffsetAndSeesARise() {
        OneWayDelayTrend d = new OneWayDelayTrend();
        long offset = 123_456_789_000L; // the two clocks' difference, µs
        long t = 0;
        for (int i = 0; i < 1000; i++, t += 20 * MS) {
            d.delay(t, offset + 10_000 + i % 3 * 1000);
            assertFalse(d.issue(t));
        }
        for (int i = 0; i < 60; i++, t += 20 * MS) {
            d.delay(t, offset + 20_000); // +10 ms: under 15
        }
        assertFalse(d.issue(t), d.why(t));
        for (int i = 0; i < 60; i++, t += 20 * MS) {
            d.delay(t, offset + 40_000); // +30 ms
        }
        assertTrue(d.issue(t), d.why(t));
    }

    @Test
    void trafficCapsAreMeasuredOverAtLeastOneSecondPerDirection() {
        TrafficCapDetector d = new TrafficCapDetector(100_000, 0);
        d.counters(0, 0, 0);
        d.counters(500 * MS, 1_000_000, 0); // half a second: not yet measured
        assertFalse(d.issue(500 * MS));
        d.counters(1000 * MS, 1_000_000, 50_000_000); // down has no cap
        assertTrue(d.issue(1000 * MS), d.why(1000 * MS));
        d.counters(2000 * MS, 1_090_000, 60_000_000); // 90 kB/s up
        assertFalse(d.issue(2000 * MS), d.why(2000 * MS));
        d.counters(3000 * MS, 0, 0); // counters reset (table replaced): span restarts
        assertFalse(d.issue(3000 * MS));
    }
}
