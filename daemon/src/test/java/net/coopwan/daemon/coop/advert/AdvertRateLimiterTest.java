package net.coopwan.daemon.coop.advert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.testing.ManualClock;

class AdvertRateLimiterTest {

    @Test
    void atMostOneAdvertPerSecondPerInterface() {
        ManualClock c = new ManualClock();
        AdvertRateLimiter l = AdvertRateLimiter.withDefaults(c, new Random(1));
        assertTrue(l.tryAcquire("wlan1"));
        assertFalse(l.tryAcquire("wlan1"));
        assertTrue(l.tryAcquire("eth2"), "interfaces are independent");
        c.advanceMillis(999);
        assertFalse(l.tryAcquire("wlan1"));
        assertEquals(Duration.ofMillis(1), l.untilAllowed("wlan1"));
        c.advanceMillis(1);
        assertEquals(Duration.ZERO, l.untilAllowed("wlan1"));
        assertTrue(l.tryAcquire("wlan1"));
        // a flood of triggers for 10 s gives at most 10 adverts
        int sent = 0;
        for (int ms = 0; ms < 10_000; ms += 10) {
            c.advanceMillis(10);
            if (l.tryAcquire("wlan1")) {
                sent++;
            }
        }
        assertEquals(10, sent);
    }

    @Test
    void periodicAdvertsEveryTwoSecondsWithoutJitter() {
        ManualClock c = new ManualClock();
        AdvertRateLimiter l = new AdvertRateLimiter(c, Duration.ofSeconds(2), Duration.ofSeconds(1), 0, new Random(1));
        assertTrue(l.periodicDue("wlan1"), "first advert at once");
        assertEquals(c.instant().plusSeconds(2), l.nextPeriodic("wlan1"));
        c.advanceMillis(1999);
        assertFalse(l.periodicDue("wlan1"));
        c.advanceMillis(1);
        assertTrue(l.periodicDue("wlan1"));
        assertFalse(l.periodicDue("wlan1"));
        // a triggered advert restarts the period
        c.advanceMillis(1500);
        assertTrue(l.tryAcquire("wlan1"));
        c.advanceMillis(1000);
        assertFalse(l.periodicDue("wlan1"));
        c.advanceMillis(1000);
        assertTrue(l.periodicDue("wlan1"));
    }

    @Test
    void jitterStaysWithinTwentyFivePercentAndAboveTheMinimumInterval() {
        ManualClock c = new ManualClock();
        AdvertRateLimiter l = AdvertRateLimiter.withDefaults(c, new Random(7));
        long min = Long.MAX_VALUE;
        long max = 0;
        int adverts = 0;
        Instant last = null;
        for (int ms = 0; ms < 600_000; ms += 10) { // 10 minutes polled every 10 ms
            if (l.periodicDue("wlan1")) {
                if (last != null) {
                    long gap = Duration.between(last, c.instant()).toMillis();
                    min = Math.min(min, gap);
                    max = Math.max(max, gap);
                }
                last = c.instant();
                adverts++;
            }
            c.advanceMillis(10);
        }
        assertTrue(min >= 1500 && max <= 2510, min + ".." + max);
        assertTrue(max - min > 500, "intervals are irregular: " + min + ".." + max);
        assertTrue(adverts > 270 && adverts < 330, "about one per 2 s: " + adverts);
    }

    @Test
    void aClockSteppedBackDoesNotSilenceAdverts() {
        ManualClock c = new ManualClock();
        AdvertRateLimiter l = AdvertRateLimiter.withDefaults(c, new Random(1));
        assertTrue(l.periodicDue("wlan1"));
        c.advanceMillis(-3_600_000);
        assertTrue(l.periodicDue("wlan1"));
        assertFalse(l.tryAcquire("wlan1"));
    }

    @Test
    void forgetDropsTheStateAndBadSettingsAreRefused() {
        ManualClock c = new ManualClock();
        AdvertRateLimiter l = AdvertRateLimiter.withDefaults(c, new Random(1));
        assertTrue(l.tryAcquire("wlan1"));
        l.forget("wlan1");
        assertTrue(l.tryAcquire("wlan1"));
        Random r = new Random(1);
        assertThrows(IllegalArgumentException.class,
                () -> new AdvertRateLimiter(c, Duration.ofMillis(500), Duration.ofSeconds(1), 0, r));
        assertThrows(IllegalArgumentException.class,
                () -> new AdvertRateLimiter(c, Duration.ofSeconds(2), Duration.ZERO, 0, r));
        assertThrows(IllegalArgumentException.class,
                () -> new AdvertRateLimiter(c, Duration.ofSeconds(2), Duration.ofSeconds(1), 0.5, r));
    }
}
