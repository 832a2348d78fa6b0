package net.coopwan.webui.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.testing.ManualClock;

class SessionStoreTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void idsAndTokensAreRandomAndDistinct() {
        SessionStore store = new SessionStore(Duration.ofMinutes(10), 1000, clock);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Session s = store.create("admin");
            assertTrue(seen.add(s.id()) && seen.add(s.csrfToken()), "repeated id or token");
            assertEquals(43, s.id().length(), "256 bits in base64url");
            assertTrue(s.id().matches("[A-Za-z0-9_-]+"), s.id());
            assertNotEquals(s.id(), s.csrfToken());
            assertFalse(s.toString().contains(s.id()), "ids stay out of logs");
        }
    }

    @Test
    void idleSessionsEndAndUseKeepsThemAlive() {
        SessionStore store = new SessionStore(Duration.ofSeconds(60), 10, clock);
        Session s = store.create("admin");
        clock.advance(Duration.ofSeconds(59));
        assertTrue(store.find(s.id()).isPresent(), "used within the timeout");
        clock.advance(Duration.ofSeconds(59));
        assertTrue(store.find(s.id()).isPresent(), "the last use counts, not the login");
        clock.advance(Duration.ofSeconds(60));
        assertTrue(store.find(s.id()).isEmpty(), "idle for the whole timeout");
        assertEquals(0, store.size());
    }

    @Test
    void theLeastRecentlyUsedGoesWhenFull() {
        SessionStore store = new SessionStore(Duration.ofMinutes(10), 3, clock);
        Session a = store.create("admin");
        Session b = store.create("admin");
        Session c = store.create("admin");
        store.find(a.id());
        Session d = store.create("admin");
        assertEquals(3, store.size());
        assertTrue(store.find(b.id()).isEmpty(), "b was used least recently");
        assertTrue(store.find(a.id()).isPresent());
        assertTrue(store.find(c.id()).isPresent());
        assertTrue(store.find(d.id()).isPresent());
    }

    @Test
    void removeAndUnknownIds() {
        SessionStore store = new SessionStore(Duration.ofMinutes(10), 3, clock);
        Session a = store.create("admin");
        assertTrue(store.find(null).isEmpty());
        assertTrue(store.find("nope").isEmpty());
        store.remove(a.id());
        store.remove("nope");
        store.remove(null);
        assertTrue(store.find(a.id()).isEmpty());
    }

    @Test
    void flashIsReadOnce() {
        SessionStore store = new SessionStore(Duration.ofMinutes(10), 3, clock);
        Session a = store.create("admin");
        Session b = store.create("admin");
        store.setFlash(a.id(), new Flash(true, "done"));
        assertTrue(store.takeFlash(b.id()).isEmpty(), "flash belongs to one session");
        assertEquals(new Flash(true, "done"), store.takeFlash(a.id()).orElseThrow());
        assertTrue(store.takeFlash(a.id()).isEmpty());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SessionStore(Duration.ZERO, 3, clock));
        assertThrows(IllegalArgumentException.class, () -> new SessionStore(Duration.ofSeconds(1), 0, clock));
    }
}
