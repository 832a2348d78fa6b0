package net.coopwan.snmp.mib;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value read from the daemon at most once per {@code maxAge}. A walk of ifTable asks for every cell
 * separately; reading /sys/class/net once per cell would be slow and would mix counters from
 * different moments, so one snapshot serves all requests within {@code maxAge}.
 *
 * <p>If reading fails, the previous value (initially {@code fallback}) is served and the failure is
 * logged, so a transient sysfs error never turns into an agent error.
 */
public final class Cached<T> {

    private static final Logger LOG = LoggerFactory.getLogger(Cached.class);

    private final Supplier<T> source;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private T value;
    private long readAt;
    private boolean fresh;

    public Cached(Supplier<T> source, Duration maxAge, T fallback, LongSupplier nanoTime) {
        this.source = source;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
        this.value = fallback;
    }

    public Cached(Supplier<T> source, Duration maxAge, T fallback) {
        this(source, maxAge, fallback, System::nanoTime);
    }

    /** The next {@link #get()} reads the source again (after a change made through this agent). */
    public synchronized void invalidate() {
        fresh = false;
    }

    public synchronized T get() {
        long now = nanoTime.getAsLong();
        if (!fresh || now - readAt >= maxAgeNanos) {
            try {
                value = source.get();
            } catch (RuntimeException e) {
                LOG.warn("SNMP: cannot read from the daemon, serving the previous values: {}", e.toString());
            }
            // Also after a failure: retry at most once per maxAge, not on every cell of a walk.
            readAt = now;
            fresh = true;
        }
        return value;
    }
}
