package net.coopwan.webui.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * Slows password guessing: after {@code maxFailures} failed logins from one client address within
 * {@code window}, further attempts from it are refused until the oldest failure leaves the window.
 * Refused attempts do not check the password at all, so guessing stops rather than slows.
 *
 * <p>At most {@code maxClients} addresses are tracked (least recently failing dropped first), so
 * many spoofed sources cannot grow memory.
 */
public final class LoginThrottle {

    private final int maxFailures;
    private final Duration window;
    private final int maxClients;
    private final Clock clock;
    private final LinkedHashMap<String, Deque<Instant>> failures = new LinkedHashMap<>(16, 0.75f, true);

    public LoginThrottle(int maxFailures, Duration window, int maxClients, Clock clock) {
        if (maxFailures < 1 || maxClients < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("bad throttle settings: " + maxFailures + " per " + window
                    + ", " + maxClients + " clients");
        }
        this.maxFailures = maxFailures;
        this.window = window;
        this.maxClients = maxClients;
        this.clock = clock;
    }

    /** Seconds the client must wait before trying again, 0 when it may try now. */
    public synchronized long retryAfterSeconds(String client) {
        Deque<Instant> times = failures.get(client);
        if (times == null) {
            return 0;
        }
        Instant now = clock.instant();
        forgetOld(times, now);
        if (times.isEmpty()) {
            failures.remove(client);
            return 0;
        }
        if (times.size() < maxFailures) {
            return 0;
        }
        Duration wait = Duration.between(now, times.peekFirst().plus(window));
        // Round up, and never say 0 to a client that is refused.
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    /** Records a failed login from the client. */
    public synchronized void failed(String client) {
        Instant now = clock.instant();
        Deque<Instant> times = failures.computeIfAbsent(client, c -> new ArrayDeque<>());
        forgetOld(times, now);
        times.addLast(now);
        while (times.size() > maxFailures) {
            times.removeFirst();
        }
        while (failures.size() > maxClients) {
            Iterator<String> oldest = failures.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** A successful login clears the client's failures: the admin who mistyped is not punished later. */
    public synchronized void succeeded(String client) {
        failures.remove(client);
    }

    private void forgetOld(Deque<Instant> times, Instant now) {
        Instant cutoff = now.minus(window);
        while (!times.isEmpty() && !times.peekFirst().isAfter(cutoff)) {
            times.removeFirst();
        }
    }
}
