package net.coopwan.daemon.coop.advert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Paces advert sending per interface: periodic adverts every {@code period} with a random
 * jitter ([0100] "regular or irregular intervals"), and a hard floor of {@code minInterval}
 * between any two adverts on one interface, whatever triggers them (period, offer change,
 * probe request [0111], extra-info request).
 *
 * <p>Defaults: period {@value #DEFAULT_PERIOD_MS} ms, jitter +/-{@value #DEFAULT_JITTER_PERCENT} %
 * of the period, minimum interval {@value #DEFAULT_MIN_INTERVAL_MS} ms (reasons in
 * {@code docs/PROTOCOL.md}). Time comes from the injected {@link Clock}; nothing sleeps.
 * If the clock steps backwards, the interval counts as elapsed (a stepped clock must not
 * silence adverts for the length of the step). Thread-safe.
 */
public final class AdvertRateLimiter {
    public static final long DEFAULT_PERIOD_MS = 2000;
    public static final long DEFAULT_MIN_INTERVAL_MS = 1000;
    public static final int DEFAULT_JITTER_PERCENT = 25;

    private final Clock clock;
    private final Duration period;
    private final Duration minInterval;
    private final double jitter;
    private final RandomGenerator random;
    private final Map<String, State> states = new HashMap<>();

    private static final class State {
        Instant last;
        Instant nextPeriodic;
    }

    /**
     * @param period      mean period of periodic adverts
     * @param minInterval least time between two adverts on one interface; at most {@code period}
     * @param jitter      fraction of the period, 0 &lt;= jitter &lt; 0.5; each periodic interval is
     *                    {@code period * (1 + u)}, u uniform in [-jitter, +jitter], never below minInterval
     */
    public AdvertRateLimiter(Clock clock, Duration period, Duration minInterval, double jitter, RandomGenerator random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.period = Objects.requireNonNull(period, "period");
        this.minInterval = Objects.requireNonNull(minInterval, "minInterval");
        this.random = Objects.requireNonNull(random, "random");
        if (minInterval.isNegative() || minInterval.isZero() || period.compareTo(minInterval) < 0) {
            throw new IllegalArgumentException("need 0 < minInterval <= period, got " + minInterval + ", " + period);
        }
        if (!(jitter >= 0 && jitter < 0.5)) {
            throw new IllegalArgumentException("jitter must be in [0, 0.5), got " + jitter);
        }
        this.jitter = jitter;
    }

    /** The defaults: 2 s period, +/-25 % jitter, at most one advert per second per interface. */
    public static AdvertRateLimiter withDefaults(Clock clock, RandomGenerator random) {
        return new AdvertRateLimiter(clock, Duration.ofMillis(DEFAULT_PERIOD_MS),
                Duration.ofMillis(DEFAULT_MIN_INTERVAL_MS), DEFAULT_JITTER_PERCENT / 100.0, random);
    }

    /**
     * A triggered advert (offer changed, probe or extra-info request): true, and the send is
     * recorded, if no advert left {@code iface} within the minimum interval.
     */
    public synchronized boolean tryAcquire(String iface) {
        Instant now = clock.instant();
        State s = states.computeIfAbsent(Objects.requireNonNull(iface, "iface"), k -> new State());
        if (!allowed(s, now)) {
            return false;
        }
        record(s, now);
        return true;
    }

    /**
     * Poll for the periodic advert: true, and the send is recorded, if the next periodic time
     * of {@code iface} has come (always on the first call) and the minimum interval allows it.
     */
    public synchronized boolean periodicDue(String iface) {
        Instant now = clock.instant();
        State s = states.computeIfAbsent(Objects.requireNonNull(iface, "iface"), k -> new State());
        boolean due = s.nextPeriodic == null || !now.isBefore(s.nextPeriodic) || now.isBefore(s.last);
        if (!due || !allowed(s, now)) {
            return false;
        }
        record(s, now);
        return true;
    }

    /** When the next periodic advert of {@code iface} is due ({@code now} if none was sent yet). */
    public synchronized Instant nextPeriodic(String iface) {
        State s = states.get(iface);
        return s == null || s.nextPeriodic == null ? clock.instant() : s.nextPeriodic;
    }

    /** How long until {@link #tryAcquire} can succeed on {@code iface} (zero if now). */
    public synchronized Duration untilAllowed(String iface) {
        State s = states.get(iface);
        Instant now = clock.instant();
        if (s == null || s.last == null || allowed(s, now)) {
            return Duration.ZERO;
        }
        return Duration.between(now, s.last.plus(minInterval));
    }

    /** Drops the state of an interface that went away. */
    public synchronized void forget(String iface) {
        states.remove(iface);
    }

    private boolean allowed(State s, Instant now) {
        return s.last == null || now.isBefore(s.last) || !now.isBefore(s.last.plus(minInterval));
    }

    private void record(State s, Instant now) {
        s.last = now;
        long base = period.toNanos();
        double u = jitter == 0 ? 0 : (random.nextDouble() * 2 - 1) * jitter;
        long next = Math.max(minInterval.toNanos(), Math.round(base * (1 + u)));
        s.nextPeriodic = now.plusNanos(next);
    }
}
