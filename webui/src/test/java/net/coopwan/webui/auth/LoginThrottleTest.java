package net.coopwan.webui.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.testing.ManualClock;

class LoginThrottleTest {

    private final ManualClock clock = new ManualClock();
    private final LoginThrottle throttle = new LoginThrottle(5, Duration.ofSeconds(60), 3, clock);

    @Test
    void theSixthAttemptInAMinuteWaitsUntilTheOldestFailureExpires() {
        for (int i = 0; i < 5; i++) {
            assertEquals(0, throttle.retryAfterSeconds("100.64.0.1"), "attempt " + (i + 1) + " allowed");
            throttle.failed("100.64.0.1");
            clock.advance(Duration.ofSeconds(10));
        }
        // Failures at 0, 10, 20, 30, 40 s; now 50 s: the one at 0 s leaves the window at 60 s.
        assertEquals(10, throttle.retryAfterSeconds("100.64.0.1"));
        assertEquals(0, throttle.retryAfterSeconds("100.64.0.2"), "other clients are not affected");
        clock.advance(Duration.ofMillis(9_500));
        assertEquals(1, throttle.retryAfterSeconds("100.64.0.1"), "rounded up, never 0 while refused");
        clock.advance(Duration.ofMillis(500));
        assertEquals(0, throttle.retryAfterSeconds("100.64.0.1"));
    }

    @Test
    void successClearsTheClientsFailures() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("a");
        }
        throttle.succeeded("a");
        for (int i = 0; i < 4; i++) {
            throttle.failed("a");
        }
        assertEquals(0, throttle.retryAfterSeconds("a"));
        throttle.failed("a");
        assertEquals(60, throttle.retryAfterSeconds("a"));
    }

    @Test
    void onlyTheMostRecentClientsAreRemembered() {
        for (String c : new String[] {"a", "b", "c", "d"}) {
            for (int i = 0; i < 5; i++) {
                throttle.failed(c);
            }
        }
        assertEquals(0, throttle.retryAfterSeconds("a"), "dropped: the map is bounded");
        assertEquals(60, throttle.retryAfterSeconds("d"));
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LoginThrottle(0, Duration.ofSeconds(1), 1, clock));
        assertThrows(IllegalArgumentException.class, () -> new LoginThrottle(1, Duration.ZERO, 1, clock));
    }
}
