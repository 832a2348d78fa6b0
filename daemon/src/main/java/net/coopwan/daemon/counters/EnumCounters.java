package net.coopwan.daemon.counters;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** One counter per constant of an enum; lock-free, readable while being counted. */
public class EnumCounters<E extends Enum<E>> {
    private final Class<E> type;
    private final AtomicLongArray counts;

    public EnumCounters(Class<E> type) {
        this.type = type;
        this.counts = new AtomicLongArray(type.getEnumConstants().length);
    }

    public final void count(E reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    public final long get(E reason) {
        return counts.get(reason.ordinal());
    }

    public final long total() {
        long t = 0;
        for (int i = 0; i < counts.length(); i++) {
            t += counts.get(i);
        }
        return t;
    }

    /** A copy of all counters, every constant present (zero included), in enum order. */
    public final Map<E, Long> snapshot() {
        Map<E, Long> m = new EnumMap<>(type);
        for (E r : type.getEnumConstants()) {
            m.put(r, counts.get(r.ordinal()));
        }
        return m;
    }

    /** Only the counters above zero, for a log line. */
    public final Map<E, Long> nonZero() {
        Map<E, Long> m = new EnumMap<>(type);
        for (E r : type.getEnumConstants()) {
            long v = counts.get(r.ordinal());
            if (v != 0) {
                m.put(r, v);
            }
        }
        return m;
    }
}
