package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class EmergencyQuotaTest {

    @Test
    void seedExampleFiveMegabitPerTenthOfASecond() {
        EmergencyQuota q = EmergencyQuota.ofBandwidth(5000, 100);
        assertEquals(62500, q.quotaBytes());
        assertEquals(56250, q.rateBytesPerSecond()); // 0.99 * 62500 / 1.1
        assertEquals(0, q.burstBytes());
        assertEquals(56250, q.depthBytes());
        assertTrue(q.boundBytes() <= 62500, "bound " + q.boundBytes());
        assertEquals("rate over 56250 bytes/second", q.nftSpec());
        assertEquals(0.09, q.sustainedFraction(), 1e-9);
    }

    @Test
    void sustainedFractionForTheSeedsWindows() {
        assertEquals(0.099 / 1.1, new EmergencyQuota(1_000_000, 100).sustainedFraction(), 1e-6);
        assertEquals(0.495, new EmergencyQuota(1_000_000, 1000).sustainedFraction(), 1e-6);
        assertEquals(9.9 / 11, new EmergencyQuota(1_000_000, 10_000).sustainedFraction(), 1e-6);
    }

    /** Property: for random quotas and windows, b + R*T (with the kernel's rounding) stays within the quota. */
    @Test
    void parametersKeepEveryWindowWithinTheQuota() {
        Random rnd = new Random(15);
        int checked = 0;
        for (int i = 0; i < 100_000; i++) {
            long windowMs = rnd.nextInt(4) == 0 ? new long[] {100, 1000, 10_000}[rnd.nextInt(3)] : 1 + rnd.nextInt(60_000);
            long quota = (long) Math.exp(rnd.nextDouble() * Math.log(2e10));
            EmergencyQuota q;
            try {
                q = new EmergencyQuota(quota, windowMs);
            } catch (IllegalArgumentException e) {
                long r = quota * 99 * 1000 / (100 * (1000 + windowMs));
                assertTrue(r < EmergencyQuota.MTU || r > EmergencyQuota.MAX_RATE, "refused only out of range: " + e);
                continue;
            }
            checked++;
            double t = windowMs / 1000.0;
            long r = q.rateBytesPerSecond();
            assertTrue(q.depthBytes() + r * t <= quota, quota + "/" + windowMs);
            assertTrue(q.boundBytes() <= quota, quota + "/" + windowMs + ": bound " + q.boundBytes());
            assertTrue(q.depthBytes() >= EmergencyQuota.MTU);
            // a sane fraction: within one byte per second of 0.99 * T / (1 + T) of the quota's rate
            double want = 0.99 * t / (1 + t);
            assertTrue(q.sustainedFraction() > want - t / quota - 1e-12 && q.sustainedFraction() <= want + 1e-12,
                    quota + "/" + windowMs + ": " + q.sustainedFraction() + " vs " + want);
        }
        assertTrue(checked > 40_000, "checked " + checked);
    }

    @Test
    void refusesWhatTheBoundDoesNotCover() {
        assertThrows(IllegalArgumentException.class, () -> new EmergencyQuota(1000, 100)); // below one packet
        assertThrows(IllegalArgumentException.class, () -> new EmergencyQuota(10_000_000_000L, 100)); // above MAX_RATE
        assertThrows(IllegalArgumentException.class, () -> new EmergencyQuota(100_000, 0));
        assertThrows(IllegalArgumentException.class, () -> new EmergencyQuota(100_000, 60_001));
        assertThrows(IllegalArgumentException.class, () -> new EmergencyQuota(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new EmergencyQuota(-5, 100));
    }
}
