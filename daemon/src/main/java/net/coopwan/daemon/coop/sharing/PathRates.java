package net.coopwan.daemon.coop.sharing;

/**
 * The rate through one sharing path over the sharer's window and its recent part, from the path's
 * byte counts at each sample (SharingService, both roles). Not thread-safe: the service's lock.
 */
final class PathRates {
    private final java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>();

    /** {down, up} over the window, then {down, up} over its recent {@code recentNanos}. */
    long[] kbps(long now, SharingPaths.Bytes b, long windowNanos, long recentNanos) {
        samples.addLast(new long[] {now, b.down(), b.up()});
        // keep the newest sample at least a window old, so the rate spans the whole window
        while (samples.size() > 2) {
            java.util.Iterator<long[]> it = samples.iterator();
            it.next();
            if (now - it.next()[0] < windowNanos) {
                break;
            }
            samples.removeFirst();
        }
        long[] whole = rate(samples.peekFirst(), now, b);
        // the newest sample at least the recent span old (the oldest one when none is)
        long[] recentFrom = samples.peekFirst();
        for (java.util.Iterator<long[]> it = samples.descendingIterator(); it.hasNext(); ) {
            long[] x = it.next();
            if (now - x[0] >= recentNanos) {
                recentFrom = x;
                break;
            }
        }
        long[] recent = rate(recentFrom, now, b);
        return new long[] {whole[0], whole[1], recent[0], recent[1]};
    }

    private static long[] rate(long[] from, long now, SharingPaths.Bytes b) {
        long dt = now - from[0];
        if (dt <= 0) {
            return new long[] {0, 0};
        }
        return new long[] {Math.max(0, (b.down() - from[1]) * 8_000_000 / dt),
            Math.max(0, (b.up() - from[2]) * 8_000_000 / dt)};
    }
}
