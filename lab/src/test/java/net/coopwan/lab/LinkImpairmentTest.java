package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-direction model, driven by nowNanos: exact outcomes, no sleeping. */
class LinkImpairmentTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 5_000 * MS;

    @Test
    void noImpairmentReleasesAtOnce() {
        LinkImpairment m = new LinkImpairment(1, T0);
        assertEquals(T0 + 7, m.admit(T0 + 7, 100));
    }

    @Test
    void lossIsBernoulliAtTheConfiguredRate() {
        LinkImpairment m = new LinkImpairment(42, T0);
        m.setLossPct(10);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            m.admit(T0 + i * MS, 100);
        }
        long lost = m.stats(0).droppedLoss();
        assertTrue(Math.abs(lost - n / 10) < 300, "lost " + lost + " of " + n);
    }

    @Test
    void sameSeedSameLossPattern() {
        LinkImpairment a = new LinkImpairment(7, T0);
        LinkImpairment b = new LinkImpairment(7, T0);
        a.setLossPct(30);
        b.setLossPct(30);
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.admit(T0 + i, 10), b.admit(T0 + i, 10));
        }
    }

    @Test
    void scheduledOutageDropsExactlyWhatArrivesInIt() {
        LinkImpairment m = new LinkImpairment(1, T0);
        m.scheduleOutage(1000, 500);
        int dropped = 0;
        for (int ms = 0; ms < 3000; ms++) {
            long r = m.admit(T0 + ms * MS, 100);
            boolean inside = ms >= 1000 && ms < 1500;
            assertEquals(inside, r == LinkImpairment.DROP_OUTAGE, "at " + ms + " ms");
            dropped += inside ? 1 : 0;
        }
        assertEquals(500, m.stats(0).droppedOutage());
        assertEquals(500, dropped);
    }

    @Test
    void outageNowStartsImmediately() {
        LinkImpairment m = new LinkImpairment(1, T0);
        long now = T0 + 123 * MS;
        m.outageNow(now, 50);
        assertEquals(LinkImpairment.DROP_OUTAGE, m.admit(now, 1));
        assertEquals(LinkImpairment.DROP_OUTAGE, m.admit(now + 50 * MS - 1, 1));
        assertEquals(now + 50 * MS, m.admit(now + 50 * MS, 1));
    }

    @Test
    void rateSerialisesAtTheRateAndTailDropsBeyondTheQueue() {
        LinkImpairment m = new LinkImpairment(1, T0);
        m.setRateKbps(1000);
        m.setQueueMs(100);
        // 97 bytes + 28 header bytes = 1000 bits = exactly 1 ms at 1000 kbit/s; offered twice that.
        long previous = 0;
        int accepted = 0;
        for (int i = 0; i < 1000; i++) {
            long now = T0 + i * MS / 2;
            long r = m.admit(now, 97);
            if (r >= 0) {
                if (accepted > 0) {
                    assertTrue(r - previous >= MS, "departures at least 1 ms apart");
                }
                assertTrue(r - now <= 101 * MS, "never more than the queue plus one datagram behind");
                previous = r;
                accepted++;
            }
        }
        // 500 ms of arrivals plus 100 ms of queue, at one datagram per ms.
        assertTrue(Math.abs(accepted - 600) <= 2, "accepted " + accepted);
        LinkImpairment.Stats s = m.stats(accepted);
        assertEquals(1000 - accepted, s.droppedQueue());
        assertTrue(s.addsUp());
    }

    @Test
    void delayAndJitterStayInBoundsAndKeepOrderByDefault() {
        for (long spacingMs : new long[] {1, 25}) {
            LinkImpairment m = new LinkImpairment(3, T0);
            m.setDelayMs(50);
            m.setJitterMs(10);
            long last = Long.MIN_VALUE;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < 2000; i++) {
                long now = T0 + i * spacingMs * MS;
                long r = m.admit(now, 100);
                assertTrue(r >= last, "monotone release times");
                last = r;
                min = Math.min(min, r - now);
                max = Math.max(max, r - now);
            }
            assertTrue(min >= 40 * MS && max <= 60 * MS, "delay within 50 +- 10 ms: " + min + ".." + max);
            if (spacingMs > 20) {
                // Far enough apart that keeping order never holds one back: the full jitter shows.
                assertTrue(min < 41 * MS && max > 59 * MS, "jitter spread " + min + ".." + max);
            }
        }
    }

    @Test
    void reorderOnLetsJitterSwapCloseDatagrams() {
        LinkImpairment m = new LinkImpairment(3, T0);
        m.setDelayMs(50);
        m.setJitterMs(10);
        m.setReorder(true);
        long last = Long.MIN_VALUE;
        int swaps = 0;
        for (int i = 0; i < 2000; i++) {
            long now = T0 + i * MS;
            long r = m.admit(now, 100);
            assertTrue(r - now >= 40 * MS && r - now <= 60 * MS);
            swaps += r < last ? 1 : 0;
            last = r;
        }
        assertTrue(swaps > 100, "swaps " + swaps);
    }

    @Test
    void resetClearsEverything() {
        LinkImpairment m = new LinkImpairment(1, T0);
        m.setLossPct(100);
        m.outageNow(T0, 1000);
        m.admit(T0, 1);
        m.reset();
        assertEquals(new LinkImpairment.Stats(0, 0, 0, 0, 0, 0, 0), m.stats(0));
        assertEquals(T0 + 1, m.admit(T0 + 1, 1));
    }

    @Test
    void badSettingsAreRefused() {
        LinkImpairment m = new LinkImpairment(1, T0);
        assertThrows(IllegalArgumentException.class, () -> m.setLossPct(101));
        assertThrows(IllegalArgumentException.class, () -> m.setDelayMs(-1));
        assertThrows(IllegalArgumentException.class, () -> m.setRateKbps(-5));
        assertThrows(IllegalArgumentException.class, () -> m.setJitterMs(Double.NaN));
    }

    @Test
    void gilbertElliottLossComesInBurstsOfTheModelsMeanLengthAtItsMeanRate() {
        LinkImpairment m = new LinkImpairment(11, T0);
        LinkImpairment.GilbertElliott ge = LinkImpairment.GilbertElliott.parse("1,25,100");
        m.setGilbertElliott(ge);
        int n = 200_000;
        int bursts = 0;
        boolean previousLost = false;
        for (int i = 0; i < n; i++) {
            boolean lost = m.admit(T0 + i * MS, 100) == LinkImpairment.DROP_LOSS;
            if (lost && !previousLost) {
                bursts++;
            }
            previousLost = lost;
        }
        long lost = m.stats(0).droppedLoss();
        double meanPct = lost * 100.0 / n;
        assertEquals(ge.meanLossPct(), meanPct, 0.5, "mean loss " + meanPct + " %, model " + ge.meanLossPct());
        double meanBurst = (double) lost / bursts;
        assertEquals(4.0, meanBurst, 0.4, "mean burst " + meanBurst + " packets (1/r = 4)");
        // the same mean loss without bursts: Bernoulli's runs are about 1 / (1 - loss) = 1.04
        LinkImpairment b = new LinkImpairment(11, T0);
        b.setLossPct(ge.meanLossPct());
        int bb = 0;
        previousLost = false;
        for (int i = 0; i < n; i++) {
            boolean l = b.admit(T0 + i * MS, 100) == LinkImpairment.DROP_LOSS;
            if (l && !previousLost) {
                bb++;
            }
            previousLost = l;
        }
        assertTrue((double) b.stats(0).droppedLoss() / bb < 1.1, "Bernoulli runs are short");
    }

    @Test
    void gilbertElliottSettingsAreCheckedAndLossReplacesThem() {
        assertThrows(IllegalArgumentException.class, () -> LinkImpairment.GilbertElliott.parse("1,0,100"));
        assertThrows(IllegalArgumentException.class, () -> LinkImpairment.GilbertElliott.parse("1,30"));
        assertThrows(IllegalArgumentException.class, () -> LinkImpairment.GilbertElliott.parse("1,30,101"));
        assertThrows(IllegalArgumentException.class, () -> LinkImpairment.GilbertElliott.parse("a,30,100"));
        assertEquals(3.2, LinkImpairment.GilbertElliott.parse("1,30,100").meanLossPct(), 0.03);
        LinkImpairment m = new LinkImpairment(3, T0);
        m.setGilbertElliott(LinkImpairment.GilbertElliott.parse("50,1,100"));
        assertTrue(m.settings().contains("loss=ge:50.0,1.0,100.0,0.0"), m.settings());
        m.setLossPct(0);
        for (int i = 0; i < 100; i++) {
            assertTrue(m.admit(T0 + i, 10) >= 0, "loss 0 replaced the bursts");
        }
    }

    @Test
    void fadesLastTheirTimeWhateverThePacketRate() {
        LinkImpairment.Fades f = LinkImpairment.Fades.parse("450,50,100");
        assertEquals(10.0, f.meanLossPct(), 1e-9);
        for (long intervalMs : new long[] {2, 50}) {
            LinkImpairment m = new LinkImpairment(21, T0);
            m.setFades(f);
            long n = 2_000_000 / intervalMs; // 2000 s of packets
            long lostRun = 0;
            long longestRunMs = 0;
            for (long i = 0; i < n; i++) {
                long t = T0 + i * intervalMs * MS;
                if (m.admit(t, 100) == LinkImpairment.DROP_LOSS) {
                    lostRun++;
                    longestRunMs = Math.max(longestRunMs, lostRun * intervalMs);
                } else {
                    lostRun = 0;
                }
            }
            double pct = m.stats(0).droppedLoss() * 100.0 / n;
            assertEquals(10.0, pct, 1.5, "mean loss at one packet per " + intervalMs + " ms");
            // 4000 fades of mean 50 ms: the longest is several times the mean, never seconds
            assertTrue(longestRunMs >= 150 && longestRunMs < 1000, "longest run " + longestRunMs + " ms at "
                    + intervalMs + " ms per packet");
        }
        assertThrows(IllegalArgumentException.class, () -> LinkImpairment.Fades.parse("0,50,100"));
        assertThrows(IllegalArgumentException.class, () -> LinkImpairment.Fades.parse("450,50"));
    }

    /** Loss runs of a model over n packets one ms apart: {lost, bursts}. */
    private static long[] lossRuns(LinkImpairment m, int n) {
        long lost = 0;
        long bursts = 0;
        boolean previous = false;
        for (int i = 0; i < n; i++) {
            boolean l = m.admit(T0 + i * MS, 100) == LinkImpairment.DROP_LOSS;
            lost += l ? 1 : 0;
            bursts += l && !previous ? 1 : 0;
            previous = l;
        }
        return new long[] {lost, bursts};
    }

    @Test
    void gemeanComputesPAndRFromTheMeanLossAndBurst() {
        LinkImpairment.GilbertElliott ge = LinkImpairment.GilbertElliott.parseMean("1,4");
        assertEquals(25.0, ge.r(), 1e-9);
        assertEquals(25.0 / 99, ge.p(), 1e-9);
        assertEquals(100.0, ge.lossBad(), 0);
        assertEquals(0.0, ge.lossGood(), 0);
        assertEquals(1.0, ge.meanLossPct(), 1e-9);
        assertEquals(4.0, ge.meanBadPackets(), 1e-9);
        assertEquals(0.0, LinkImpairment.GilbertElliott.parseMean("0,3").meanLossPct(), 0);
        // 50 % in bursts of 1: BAD and GOOD alternate (p = r = 100 %)
        assertEquals(100.0, LinkImpairment.GilbertElliott.parseMean("50,1").p(), 1e-9);
        for (String bad : new String[] {"1", "1,4,100", "a,4", "1,0.5", "100,4", "-1,4", "80,1", "1,nan"}) {
            assertThrows(IllegalArgumentException.class, () -> LinkImpairment.GilbertElliott.parseMean(bad), bad);
        }
        LinkImpairment m = new LinkImpairment(3, T0);
        ImpairmentRelay.set(m, "gemean", "1,4");
        assertTrue(m.settings().contains("loss=ge:" + ge), m.settings());
    }

    @Test
    void gemeanMeetsItsMeanLossAndBurstLengthInTheLongRun() {
        double[][] cases = {{1, 4}, {5, 2}, {10, 8}, {0.5, 1.5}};
        int n = 400_000;
        long seed = 31;
        for (double[] c : cases) {
            LinkImpairment m = new LinkImpairment(seed++, T0);
            m.setGilbertElliott(LinkImpairment.GilbertElliott.ofMean(c[0], c[1]));
            long[] runs = lossRuns(m, n);
            double pct = runs[0] * 100.0 / n;
            double burst = (double) runs[0] / runs[1];
            String what = "gemean " + c[0] + "," + c[1] + ": " + pct + " % lost in bursts of " + burst;
            assertEquals(c[0], pct, c[0] * 0.1, what);
            assertEquals(c[1], burst, c[1] * 0.1, what);
        }
    }

    @Test
    void delayStepsChangeTheDelayAtTheirTimes() {
        LinkImpairment m = new LinkImpairment(1, T0);
        m.setDelayMs(30);
        m.scheduleDelaySteps(LinkImpairment.DelayStep.parseList("10000:60,20000:30"));
        assertTrue(m.settings().endsWith("steps=2"), m.settings());
        assertEquals(T0 + 9_999 * MS + 30 * MS, m.admit(T0 + 9_999 * MS, 100), "before the first step");
        assertEquals(T0 + 10_000 * MS + 60 * MS, m.admit(T0 + 10_000 * MS, 100), "at the first step");
        assertEquals(T0 + 19_999 * MS + 60 * MS, m.admit(T0 + 19_999 * MS, 100), "before the second");
        assertTrue(m.settings().startsWith("delay=60.0 ") && m.settings().endsWith("steps=1"), m.settings());
        // after the step down the next ones wait behind the last one at 60 ms (19 999 + 60)...
        long last = T0 + 20_059 * MS;
        for (int ms = 20_000; ms < 20_029; ms++) {
            assertEquals(last, m.admit(T0 + ms * MS, 100), "queued behind, at " + ms + " ms");
        }
        // ...until 30 ms after the step, then 30 ms again
        for (int ms = 20_030; ms < 21_000; ms++) {
            assertEquals(T0 + (ms + 30) * MS, m.admit(T0 + ms * MS, 100), "at " + ms + " ms");
        }
        assertTrue(m.settings().startsWith("delay=30.0 ") && m.settings().endsWith("steps=0"), m.settings());
    }

    /** Per phase [0,10), [10,20), [20,30) s: {min, max} of release - arrival in ms, one datagram per ms. */
    private static double[][] delaysPerPhase(LinkImpairment m, boolean[] monotone, boolean[] overtook) {
        double[][] d = {{1e9, -1}, {1e9, -1}, {1e9, -1}};
        long previous = Long.MIN_VALUE;
        for (int ms = 0; ms < 30_000; ms++) {
            long now = T0 + ms * MS;
            long r = m.admit(now, 100);
            double delay = (r - now) / (double) MS;
            double[] p = d[ms / 10_000];
            p[0] = Math.min(p[0], delay);
            p[1] = Math.max(p[1], delay);
            monotone[0] &= r >= previous;
            overtook[ms / 10_000] |= r < previous;
            previous = Math.max(previous, r);
        }
        return d;
    }

    @Test
    void delayStepsChangeTheJitterTooAndReorderOnlyWhenAsked() {
        // reorder on: the drawn times, 30 +- 0, then 60 +- 10, then 30 +- 5
        LinkImpairment r = new LinkImpairment(5, T0);
        r.setDelayMs(30);
        r.setReorder(true);
        r.scheduleDelaySteps(LinkImpairment.DelayStep.parseList("10000:60:10,20000:30:5"));
        boolean[] monotone = {true};
        boolean[] overtook = new boolean[3];
        double[][] d = delaysPerPhase(r, monotone, overtook);
        assertEquals(30.0, d[0][0], 1e-6);
        assertEquals(30.0, d[0][1], 1e-6);
        assertTrue(d[1][0] >= 50 && d[1][0] < 50.5 && d[1][1] <= 70 && d[1][1] > 69.5, "60 +- 10: " + d[1][0] + ".." + d[1][1]);
        assertTrue(d[2][0] >= 25 && d[2][0] < 25.5 && d[2][1] <= 35 && d[2][1] > 34.5, "30 +- 5: " + d[2][0] + ".." + d[2][1]);
        assertTrue(!overtook[0] && overtook[1] && overtook[2], "jitter of 1 ms apart reorders, and so does the step down");
        assertTrue(!monotone[0]);

        // reorder off: the same schedule never reorders, not across the step down either
        LinkImpairment f = new LinkImpairment(5, T0);
        f.setDelayMs(30);
        f.scheduleDelaySteps(LinkImpairment.DelayStep.parseList("10000:60:10,20000:30:5"));
        monotone[0] = true;
        d = delaysPerPhase(f, monotone, new boolean[3]);
        assertTrue(monotone[0], "release times monotone");
        assertTrue(d[1][0] >= 50 && d[1][1] <= 70, "60 +- 10 held back only by the ones before: " + d[1][0] + ".." + d[1][1]);
        // across the step down a datagram waits at most what was ahead of it (up to 70 ms drawn)
        assertTrue(d[2][0] >= 25 && d[2][1] <= 70, d[2][0] + ".." + d[2][1]);
    }

    @Test
    void stepsWithoutJitterKeepItAndRunTimeStepsCountFromTheirOrigin() {
        LinkImpairment m = new LinkImpairment(9, T0);
        m.setDelayMs(10);
        m.setJitterMs(4);
        m.setReorder(true);
        long origin = T0 + 7_000 * MS;
        m.scheduleDelaySteps(LinkImpairment.DelayStep.parseList("1000:500"));
        m.setDelaySteps(origin, LinkImpairment.DelayStep.parseList("1000:100"));
        assertTrue(m.settings().endsWith("steps=1"), "the new schedule replaced the one to come: " + m.settings());
        for (int ms = 0; ms < 3000; ms++) {
            long now = origin + ms * MS;
            double delay = (m.admit(now, 100) - now) / (double) MS;
            double base = ms < 1000 ? 10 : 100;
            assertTrue(delay >= base - 4 && delay <= base + 4, "at " + ms + " ms after the origin: " + delay);
        }
        assertTrue(m.settings().startsWith("delay=100.0 jitter=4.0 "), m.settings());
        m.scheduleDelaySteps(LinkImpairment.DelayStep.parseList("99000:1"));
        m.reset();
        assertTrue(m.settings().endsWith("steps=0"), m.settings());
        assertEquals(List.of(), LinkImpairment.DelayStep.parseList("off"));
        ImpairmentRelay.set(m, "steps", "20000:7:1");
        assertEquals(T0, m.admit(T0 + 19_999 * MS, 100) - 19_999 * MS, "set() counts from the model's start");
        long r = m.admit(T0 + 20_000 * MS, 100) - T0 - 20_000 * MS;
        assertTrue(r >= 6 * MS && r <= 8 * MS, "7 +- 1 ms from 20 s after the start: " + r);
    }

    @Test
    void badStepsAreRefused() {
        for (String bad : new String[] {"", "10", "10:5:1:1", "a:5", "10:x", "-1:5", "10:-5", "10:5:-1", "10:5,10:6",
            "20:5,10:6", "10:5,,20:6"}) {
            assertThrows(IllegalArgumentException.class, () -> LinkImpairment.DelayStep.parseList(bad), "'" + bad + "'");
        }
        assertEquals(List.of(new LinkImpairment.DelayStep(10000, 60, 10.0), new LinkImpairment.DelayStep(20000, 30, null)),
                LinkImpairment.DelayStep.parseList("10000:60:10, 20000:30"));
    }
}
