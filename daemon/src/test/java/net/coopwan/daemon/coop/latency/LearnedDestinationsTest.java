package net.coopwan.daemon.coop.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.testing.ManualClock;

/** [0237]'s learned (address, port) pairs: lifetime from the last learning, bounded, oldest evicted. */
class LearnedDestinationsTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void aPairLivesItsLifetimeFromItsLastLearning() {
        LearnedDestinations l = new LearnedDestinations(Duration.ofSeconds(60), clock);
        Flow.Destination d = new Flow.Destination(0xc6125a02, 7777);
        assertTrue(l.learn(d));
        clock.advance(Duration.ofSeconds(40));
        assertFalse(l.learn(d), "known: refreshed");
        clock.advance(Duration.ofSeconds(59));
        assertTrue(l.contains(d));
        assertEquals(Map.of(d, Duration.ofSeconds(1)), l.remaining());
        clock.advance(Duration.ofSeconds(1));
        assertFalse(l.contains(d));
        assertEquals(List.of(d), l.expireNow());
        assertEquals(0, l.size());
    }

    @Test
    void atCapacityTheLeastRecentlyLearnedGoes() {
        LearnedDestinations l = new LearnedDestinations(Duration.ofDays(1), clock);
        for (int i = 0; i < LearnedDestinations.CAPACITY; i++) {
            l.learn(new Flow.Destination(i, 1000));
        }
        l.learn(new Flow.Destination(0, 1000)); // refreshed: now the most recent
        l.learn(new Flow.Destination(-1, 1000));
        assertEquals(LearnedDestinations.CAPACITY, l.size());
        assertEquals(1, l.evicted());
        assertTrue(l.contains(new Flow.Destination(0, 1000)));
        assertFalse(l.contains(new Flow.Destination(1, 1000)), "the least recently learned was evicted");
    }
}
