package net.coopwan.webui.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;

/**
 * Login sessions in memory, a few dozen at most: a router has one or two admins, so a bounded
 * map is cheaper and simpler than Jetty's session machinery. A restart logs everybody out, which
 * is what an admin expects after a restart.
 *
 * <p>Sessions end after {@code idleTimeout} without use; when the store is full the least
 * recently used one is dropped, so a flood of logins cannot grow memory.
 */
public final class SessionStore {

    private static final class Slot {
        final Session session;
        Instant lastUsed;
        Flash flash;

        Slot(Session session, Instant lastUsed) {
            this.session = session;
            this.lastUsed = lastUsed;
        }
    }

    private final Duration idleTimeout;
    private final int maxSessions;
    private final Clock clock;
    /** Access order: the first entry is the least recently used. */
    private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>(16, 0.75f, true);

    public SessionStore(Duration idleTimeout, int maxSessions, Clock clock) {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("session idle timeout must be positive, got " + idleTimeout);
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
        }
        this.idleTimeout = idleTimeout;
        this.maxSessions = maxSessions;
        this.clock = clock;
    }

    /** A new session for {@code user}, with fresh random id and CSRF token. */
    public synchronized Session create(String user) {
        Instant now = clock.instant();
        dropExpired(now);
        while (slots.size() >= maxSessions) {
            Iterator<String> oldest = slots.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        Session s = new Session(Tokens.random256(), user, Tokens.random256(), now);
        slots.put(s.id(), new Slot(s, now));
        return s;
    }

    /** The live session with this id, marking it used now; empty when unknown, ended or idle too long. */
    public synchronized Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Slot slot = slots.get(id);
        if (slot == null) {
            return Optional.empty();
        }
        if (expired(slot, now)) {
            slots.remove(id);
            return Optional.empty();
        }
        slot.lastUsed = now;
        return Optional.of(slot.session);
    }

    /** Ends a session (logout). Unknown ids are ignored. */
    public synchronized void remove(String id) {
        if (id != null) {
            slots.remove(id);
        }
    }

    /** Leaves a one-time message for the session's next page (post/redirect/get). */
    public synchronized void setFlash(String id, Flash message) {
        Slot slot = slots.get(id);
        if (slot != null) {
            slot.flash = message;
        }
    }

    /** The pending one-time message, removed as it is read; empty when there is none. */
    public synchronized Optional<Flash> takeFlash(String id) {
        Slot slot = slots.get(id);
        if (slot == null || slot.flash == null) {
            return Optional.empty();
        }
        Flash m = slot.flash;
        slot.flash = null;
        return Optional.of(m);
    }

    /** Live sessions now. */
    public synchronized int size() {
        dropExpired(clock.instant());
        return slots.size();
    }

    private void dropExpired(Instant now) {
        slots.values().removeIf(slot -> expired(slot, now));
    }

    private boolean expired(Slot slot, Instant now) {
        return !now.isBefore(slot.lastUsed.plus(idleTimeout));
    }

    @Override
    public String toString() {
        return "SessionStore[max=" + maxSessions + ", idle=" + idleTimeout + "]";
    }
}
