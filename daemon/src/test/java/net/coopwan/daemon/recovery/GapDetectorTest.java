package net.coopwan.daemon.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Per-link gap detection: each lost number reported once, reordering within the allowance never. */
class GapDetectorTest {
    private static final long MS = 1_000_000L;

    private record Report(int link, long pn, long at) {
    }

    @Test
    void inOrderWithOnePercentLossReportsEveryLostNumberOnce() {
        Random r = new Random(18);
        GapDetector g = new GapDetector(MS);
        List<Report> reports = new ArrayList<>();
        GapDetector.Sink sink = (l, pn, now) -> reports.add(new Report(l, pn, now));
        Set<Long> lost = new HashSet<>();
        long now = 0;
        int n = 100_000;
        for (long pn = 0; pn < n; pn++) {
            now += 200_000; // 5000 packets a second
            if (r.nextDouble() < 0.01) {
                lost.add(pn);
                continue;
            }
            g.onPacket(3, pn, now, sink);
            if (pn % 7 == 0) {
                g.poll(now, sink);
            }
        }
        g.onPacket(3, n, now, sink); // the last loss needs a later packet to be seen
        g.poll(now + 2 * MS, sink);
        Set<Long> reported = new HashSet<>();
        for (Report p : reports) {
            assertEquals(3, p.link());
            assertTrue(reported.add(p.pn()), "reported twice: " + p.pn());
            assertTrue(lost.contains(p.pn()), "false report: " + p.pn());
        }
        assertEquals(lost, reported);
        assertEquals(lost.size(), g.reported());
        assertEquals(0, g.filled());
        assertTrue(lost.size() > 900, "losses " + lost.size());
        // each report comes once the allowance is over, and soon after (packets or polls every 1.4 ms)
        for (Report p : reports) {
            long lossTime = (p.pn() + 1) * 200_000;
            long after = p.at() - lossTime;
            assertTrue(after >= MS && after <= 3 * MS, "reported " + after + " ns after the loss");
        }
    }

    @Test
    void reorderingWithinTheAllowanceIsNeverReported() {
        Random r = new Random(7);
        GapDetector g = new GapDetector(3 * MS);
        List<Report> reports = new ArrayList<>();
        GapDetector.Sink sink = (l, pn, now) -> reports.add(new Report(l, pn, now));
        // Two links, each 1000 packets a second, jitter up to 2.5 ms: packets swap within the
        // allowance of 3 ms; 1 % lost on link 1 only.
        int n = 50_000;
        long[][] arrival = new long[2][n];
        boolean[][] lostArr = new boolean[2][n];
        Set<Long> lost = new HashSet<>();
        for (int l = 0; l < 2; l++) {
            for (int pn = 0; pn < n; pn++) {
                arrival[l][pn] = pn * MS + (long) (r.nextDouble() * 2.5 * MS);
                lostArr[l][pn] = l == 1 && r.nextDouble() < 0.01;
                if (lostArr[l][pn]) {
                    lost.add((long) pn);
                }
            }
        }
        // events in arrival order
        List<long[]> events = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            for (int pn = 0; pn < n; pn++) {
                if (!lostArr[l][pn]) {
                    events.add(new long[] {arrival[l][pn], l, pn});
                }
            }
        }
        events.sort((a, b) -> Long.compare(a[0], b[0]));
        int swapped = 0;
        long[] highest = {-1, -1};
        for (long[] e : events) {
            int l = (int) e[1];
            if (e[2] < highest[l]) {
                swapped++;
            }
            highest[l] = Math.max(highest[l], e[2]);
            g.onPacket(l, e[2], e[0], sink);
            g.poll(e[0], sink);
        }
        g.onPacket(1, n, (n + 5) * MS, sink);
        g.poll((n + 10) * MS, sink);
        assertTrue(swapped > 1000, "reordered " + swapped);
        Set<Long> reported = new HashSet<>();
        for (Report p : reports) {
            assertEquals(1, p.link(), "false report on the loss-free link: " + p.pn());
            assertTrue(lost.contains(p.pn()), "false report: " + p.pn());
            assertTrue(reported.add(p.pn()), "twice: " + p.pn());
        }
        assertEquals(lost, reported);
        assertTrue(g.filled() > 1000, "filled " + g.filled());
    }

    @Test
    void aBurstWiderThanTheMaskIsCountedNotReported() {
        GapDetector g = new GapDetector(MS);
        List<Long> reports = new ArrayList<>();
        GapDetector.Sink sink = (l, pn, now) -> reports.add(pn);
        g.onPacket(0, 0, 0, sink);
        g.onPacket(0, 1000, 1, sink); // 999 missing: 63 in the mask, 936 beyond
        assertEquals(936, g.beyondWindow());
        g.poll(10 * MS, sink);
        assertEquals(63, reports.size());
        assertEquals(937L, reports.get(0));
        assertEquals(999L, reports.get(62));
        // the first packet seen on a link may be after others: the numbers below it are missing
        g.reset();
        reports.clear();
        g.onPacket(2, 3, 0, sink);
        g.onPacket(2, 1, 0, sink);
        g.poll(10 * MS, sink);
        assertEquals(List.of(0L, 2L), reports);
        // a number that would leave the mask unreported is reported at once
        g.reset();
        reports.clear();
        g.onPacket(5, 0, 0, sink);
        g.onPacket(5, 2, 0, sink);
        g.onPacket(5, 70, 0, sink);
        assertTrue(reports.contains(1L), "reported before leaving the mask: " + reports);
    }
}
