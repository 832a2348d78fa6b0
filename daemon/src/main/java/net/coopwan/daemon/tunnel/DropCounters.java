package net.coopwan.daemon.tunnel;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** One counter per {@link TunnelDrop}; safe to bump from several receive threads. */
public final class DropCounters {
    private final AtomicLongArray counts = new AtomicLongArray(TunnelDrop.values().length);

    public void count(TunnelDrop reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    public long get(TunnelDrop reason) {
        return counts.get(reason.ordinal());
    }

    public long total() {
        long t = 0;
        for (int i = 0; i < counts.length(); i++) {
            t += counts.get(i);
        }
        return t;
    }

    /** The non-zero counters, for status output. */
    public Map<TunnelDrop, Long> snapshot() {
        Map<TunnelDrop, Long> m = new EnumMap<>(TunnelDrop.class);
        for (TunnelDrop d : TunnelDrop.values()) {
            long v = counts.get(d.ordinal());
            if (v != 0) {
                m.put(d, v);
            }
        }
        return m;
    }
}
