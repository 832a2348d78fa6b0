package net.coopwan.daemon.coop.advert;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Thread-safe count of dropped adverts per {@link DropReason}. */
public final class DropCounters {
    private final AtomicLongArray counts = new AtomicLongArray(DropReason.values().length);

    public void count(DropReason reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    public void count(AdvertFormatException e) {
        count(e.reason());
    }

    public long get(DropReason reason) {
        return counts.get(reason.ordinal());
    }

    public long total() {
        long t = 0;
        for (int i = 0; i < counts.length(); i++) {
            t += counts.get(i);
        }
        return t;
    }

    /** A copy of all counters, every reason present (zero included), in enum order. */
    public Map<DropReason, Long> snapshot() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            m.put(r, counts.get(r.ordinal()));
        }
        return m;
    }
}
