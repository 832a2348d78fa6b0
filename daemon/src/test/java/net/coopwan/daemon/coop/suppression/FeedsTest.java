package net.coopwan.daemon.coop.suppression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.uplink.failure.ProbeTarget;
import net.coopwan.daemon.uplink.failure.Prober;

/**
 * The feeders of the detectors: the RTT probe against a fake line (a prober whose replies come
 * back after a delay the test sets, or never) and the uplink byte counters against fake sysfs.
 */
class FeedsTest {
    static final long MS = 1_000_000L;

    /** A line: each probe's reply arrives rtt later, or is lost when the test says so. */
    static final class FakeLine implements Prober {
        final TreeMap<Long, List<Long>> due = new TreeMap<>();
        final List<Long> sentAt = new ArrayList<>();
        long now;
        long rttNanos = 30 * MS;
        boolean losing;

        @Override
        public ProbeTarget target() {
            return ProbeTarget.icmp((java.net.Inet4Address) addr());
        }

        private static java.net.InetAddress addr() {
            try {
                return java.net.InetAddress.getByName("100.64.0.1");
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public boolean send(long seq) {
            sentAt.add(now);
            if (!losing) {
                due.computeIfAbsent(now + rttNanos, k -> new ArrayList<>()).add(seq);
            }
            return true;
        }

        @Override
        public int drain(LongConsumer replies, int max) {
            int n = 0;
            while (!due.isEmpty() && due.firstKey() <= now && n < max) {
                for (long s : due.pollFirstEntry().getValue()) {
                    replies.accept(s);
                    n++;
                }
            }
            return n;
        }

        @Override
        public long ignored() {
            return 0;
        }

        @Override
        public long sendFailures() {
            return 0;
        }

        @Override
        public String lastError() {
            return "";
        }

        @Override
        public void close() {
        }
    }

    /** Runs the probe at 10 ms ticks from {@code from} for {@code ms}; returns the end time. */
    static long run(LcPathProbe p, FakeLine line, long from, long ms, boolean lc) {
        long t = from;
        for (; t < from + ms * MS; t += 10 * MS) {
            line.now = t;
            p.tick(t, lc);
        }
        return t;
    }

    @Test
    void probesLeaveAtFivePerSecondOnlyWhileLcIsCurrent() {
        FakeLine line = new FakeLine();
        LcPathProbe p = new LcPathProbe(line, new PathQualityDetector());
        long t = run(p, line, 0, 2000, false);
        assertEquals(0, line.sentAt.size(), "no LC traffic: no probe");
        t = run(p, line, t, 10_000, true);
        assertEquals(50, line.sentAt.size(), "10 s at 5/s");
        for (int i = 1; i < line.sentAt.size(); i++) {
            assertTrue(line.sentAt.get(i) - line.sentAt.get(i - 1) >= LcPathProbe.INTERVAL_NANOS);
        }
        int before = line.sentAt.size();
        run(p, line, t, 3000, false);
        assertEquals(before, line.sentAt.size(), "LC gone: probes stop");
    }

    @Test
    void aSteadyLineIsNormalAndABloatedOneIsAnIssue() {
        FakeLine line = new FakeLine();
        PathQualityDetector d = new PathQualityDetector();
        LcPathProbe p = new LcPathProbe(line, d);
        long t = run(p, line, 0, 20_000, true);
        assertFalse(d.issue(t), d.why(t));
        assertEquals(30_000, d.baselineRttMicros(), 1000, "the baseline is the line's RTT");
        assertEquals(0, p.lost());
        line.rttNanos = 150 * MS; // a download fills the uplink's queue
        t = run(p, line, t, 3000, true);
        assertTrue(d.issue(t), "a queue of 120 ms: " + d.why(t));
        assertTrue(d.why(t).startsWith("rtt"), d.why(t));
        line.rttNanos = 30 * MS;
        t = run(p, line, t, 3000, true);
        assertFalse(d.issue(t), "the queue drained: " + d.why(t));
    }

    @Test
    void unansweredProbesCountAsLossAfterTheTimeoutAndLateRepliesAreIgnored() {
        FakeLine line = new FakeLine();
        PathQualityDetector d = new PathQualityDetector();
        LcPathProbe p = new LcPathProbe(line, d);
        long t = run(p, line, 0, 10_000, true);
        line.losing = true;
        t = run(p, line, t, 3000, true);
        assertTrue(p.lost() >= 5, "lost " + p.lost());
        assertTrue(d.issue(t), d.why(t));
        assertTrue(d.why(t).startsWith("loss"), d.why(t));
        // a reply 2 s late (over the timeout) is not an RTT sample
        line.losing = false;
        line.rttNanos = 2000 * MS;
        long answered = p.answered();
        run(p, line, t, 1500, true);
        assertEquals(answered, p.answered(), "no reply within the timeout");
    }

    @Test
    void outstandingProbesStayBounded() {
        FakeLine line = new FakeLine();
        line.losing = true;
        LcPathProbe p = new LcPathProbe(line, new PathQualityDetector());
        run(p, line, 0, 60_000, true);
        assertEquals(300, p.sent());
        assertEquals(0, p.answered());
        // at 5/s with a 1 s timeout, at most 6 probes wait at once; the rest are counted lost
        assertTrue(p.sent() - p.lost() <= 6, "outstanding " + (p.sent() - p.lost()));
    }

    @Test
    void uplinkByteCountersGiveTheRateTheCapsAreCheckedAgainst() {
        Map<String, long[]> sysfs = new HashMap<>();
        sysfs.put("sfwan0", new long[] {0, 0});
        sysfs.put("sfwan1", new long[] {0, 0});
        TrafficCapDetector caps = new TrafficCapDetector(100_000, 1_000_000);
        UplinkLoad load = new UplinkLoad(List.of("sfwan0", "sfwan1"), sysfs::get, caps);
        long t = 0;
        for (int i = 0; i <= 20; i++, t += 100 * MS) {
            // 60 kB/s up on each: 120 kB/s over a 100 kB/s cap; 400 kB/s down, under its cap
            sysfs.put("sfwan0", new long[] {i * 6_000L, i * 20_000L});
            sysfs.put("sfwan1", new long[] {i * 6_000L, i * 20_000L});
            load.tick(t);
        }
        assertTrue(caps.issue(t), caps.why(t));
        for (int i = 21; i <= 40; i++, t += 100 * MS) {
            sysfs.put("sfwan0", new long[] {120_000 + (i - 20) * 4_000L, i * 20_000L});
            sysfs.put("sfwan1", new long[] {120_000 + (i - 20) * 4_000L, i * 20_000L});
            load.tick(t);
        }
        assertFalse(caps.issue(t), "80 kB/s is under the cap: " + caps.why(t));
    }

    @Test
    void aVanishedDeviceRestartsTheSpanInsteadOfANegativeRate() {
        Map<String, long[]> sysfs = new HashMap<>();
        TrafficCapDetector caps = new TrafficCapDetector(1000, 0);
        UplinkLoad load = new UplinkLoad(List.of("sfwan0", "sfwan1"), sysfs::get, caps);
        sysfs.put("sfwan0", new long[] {1_000_000, 0});
        sysfs.put("sfwan1", new long[] {1_000_000, 0});
        load.tick(0);
        sysfs.remove("sfwan1");
        load.tick(1500 * MS);
        assertFalse(caps.issue(1500 * MS), caps.why(1500 * MS));
        sysfs.put("sfwan0", new long[] {1_000_500, 0});
        load.tick(3000 * MS);
        assertFalse(caps.issue(3000 * MS), "500 B in 1.5 s is under 1000 B/s: " + caps.why(3000 * MS));
    }

    @Test
    void theFeedStepProbesOnlyWhileTheServiceSaysLcIsCurrent() {
        FakeLine line = new FakeLine();
        LcPathProbe p = new LcPathProbe(line, new PathQualityDetector());
        long[] lastLc = {Long.MIN_VALUE};
        SuppressionFeeds f = new SuppressionFeeds(List.of(p), null, new LcLossDetector(), now -> now - lastLc[0] <= 500 * MS,
                new Object());
        for (long t = 0; t < 3000 * MS; t += 50 * MS) {
            line.now = t;
            if (t < 1000 * MS) {
                lastLc[0] = t;
            }
            f.step(t);
        }
        // LC from 0 to 950 ms, current until 1450 ms: probes at 0, 200, ..., 1400 ms
        assertEquals(8, line.sentAt.size(), "sent at " + line.sentAt);
    }

    @Test
    void lcLossOnEveryPathOverFivePercentIsAnIssueAndAFilledIdIsNot() {
        LcLossDetector d = new LcLossDetector();
        long t = 0;
        long delivered = 0;
        long missing = 0;
        // 50 pps, the feed reads the counters each 50 ms: 2 or 3 packets per step
        for (int i = 0; i < 100; i++, t += 50 * MS) {
            delivered += i % 2 == 0 ? 2 : 3;
            d.counters(t, delivered, missing);
            assertFalse(d.issue(t), d.why(t));
        }
        // 1 in 25 lost (4 %): under the rule
        for (int i = 0; i < 100; i++, t += 50 * MS) {
            delivered += 2;
            missing += i % 10 == 0 ? 1 : 0;
            d.counters(t, delivered, missing);
        }
        assertFalse(d.issue(t), d.why(t));
        // 1 in 5 lost on every path
        for (int i = 0; i < 40; i++, t += 50 * MS) {
            delivered += 2;
            missing += i % 2 == 0 ? 1 : 0;
            d.counters(t, delivered, missing);
        }
        assertTrue(d.issue(t), d.why(t));
        // late copies filled them all back: the counter falls, never a negative loss
        missing = 0;
        for (int i = 0; i < 60; i++, t += 50 * MS) {
            delivered += 2;
            d.counters(t, delivered, missing);
        }
        assertFalse(d.issue(t), d.why(t));
        // a new tunnel session: counters restart, no burst of fake loss or delivery
        d.counters(t, 0, 0);
        assertFalse(d.issue(t), d.why(t));
    }

    @Test
    void theFeedStepHandsTheBondCountersToTheLossDetectorOnceDuplicationRuns() {
        LcLossDetector loss = new LcLossDetector();
        SuppressionFeeds f = new SuppressionFeeds(List.of(), null, loss, now -> true, new Object());
        long[] counters = {0, 0};
        long t = 0;
        for (int i = 0; i < 40; i++, t += 50 * MS) {
            counters[0] += 2;
            counters[1] += 1;
            f.step(t);
        }
        assertFalse(loss.issue(t), "not fed before bond(): " + loss.why(t));
        f.bond(() -> counters.clone());
        for (int i = 0; i < 40; i++, t += 50 * MS) {
            counters[0] += 2;
            counters[1] += 1;
            f.step(t);
        }
        assertTrue(loss.issue(t), loss.why(t));
    }
}
