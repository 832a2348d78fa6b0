package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
