package net.coopwan.snmp.mib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class CachedTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final AtomicInteger reads = new AtomicInteger();

    @Test
    void readsAtMostOncePerMaxAge() {
        Cached<Integer> c = new Cached<>(reads::incrementAndGet, Duration.ofSeconds(1), -1, now::get);
        assertEquals(1, c.get());
        now.addAndGet(999_000_000L);
        assertEquals(1, c.get(), "still fresh");
        now.addAndGet(1_000_000L);
        assertEquals(2, c.get(), "1 s old: read again");
        assertEquals(2, reads.get());
    }

    @Test
    void aFailingSourceServesThePreviousValueAndRetriesLater() {
        AtomicInteger calls = new AtomicInteger();
        Cached<String> c = new Cached<>(() -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("sysfs hiccup");
            }
            return "read " + calls.get();
        }, Duration.ofSeconds(1), "fallback", now::get);
        assertEquals("read 1", c.get());
        now.addAndGet(2_000_000_000L);
        assertEquals("read 1", c.get(), "failure: previous value");
        assertEquals("read 1", c.get(), "no retry storm within maxAge");
        assertEquals(2, calls.get());
        now.addAndGet(2_000_000_000L);
        assertEquals("read 3", c.get());
    }

    @Test
    void aSourceFailingFromTheStartServesTheFallback() {
        Cached<String> c = new Cached<>(() -> {
            throw new IllegalStateException("no sysfs");
        }, Duration.ofSeconds(1), "fallback", now::get);
        assertEquals("fallback", c.get());
    }
}
