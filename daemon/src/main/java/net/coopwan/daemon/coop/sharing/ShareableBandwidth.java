package net.coopwan.daemon.coop.sharing;

/**
 * The sharer's estimate of the capacity its own users leave idle in one direction of its uplink
 * (seed 001 step 344, [0143], claims 44/54), and the hysteresis that turns it into the value to
 * announce. Pure logic, one owner thread, time passed in as {@code nowNanos}.
 *
 * <p>Fed a sample every 0.1-0.25 s (a quarter of T): the uplink device's byte counter in this
 * direction and the bytes this router carried for borrowers in it (the helper path's kernel
 * counters). Then:
 * <ul>
 * <li><b>capacity</b> C: the configured rate, or else the highest average over a window T the
 *     device reached, once it has been watched for {@code peakObservationMs} (the seed's TT, "one
 *     or more hours"); until then it is unknown and nothing is offered;</li>
 * <li><b>own occupancy</b> O: the device's average rate minus what borrowers sent through it
 *     (their traffic must not shrink the offer it was given under), over the last T or over the
 *     last fifth of it (at least a second), whichever is higher: the seed's average over T, and the
 *     short one so that own users who start a download are seen within seconds, not after T;</li>
 * <li><b>spare</b> = C - O - margin (a share of C kept for the own users' next burst), capped by
 *     the agreement (its {@code bandwidth_kbps} and {@code max_share_percent} of C); below
 *     {@code minOfferKbps} it is 0: a session is not worth moving for less;</li>
 * <li><b>a full line</b>: 0 while the device carried at least C - margin over the last sample interval
 *     and a step of it was the own users': they are squeezed by the borrowers, and their rate shows
 *     what is left to them rather than what they want.</li>
 * </ul>
 * The announced value falls at once when the spare drops a step (a share of C) below it or to 0,
 * so the own users get their capacity back within seconds (the short average), always within one
 * window; it rises only when the spare has
 * stayed a step above it for two windows, and then to the lowest spare of those two windows. A
 * lull shorter than a window lifts the window's average for up to two windows (its seconds stay
 * in the average until they leave it), so two windows keep a short lull from lending what the
 * next burst will need; lending more is never urgent, giving back is.
 */
public final class ShareableBandwidth {

    /**
     * @param windowMs          T, the averaging window (the seed's 1, 10 or 60 s)
     * @param capacityKbps      the configured rate of this direction, 0 if unknown
     * @param peakObservationMs how long the device must be watched before its peak stands for an
     *                          unknown capacity (the seed's TT)
     * @param marginPercent     share of C always left to the own users
     * @param stepPercent       share of C the estimate must move before the announcement follows
     * @param minOfferKbps      smaller spares are announced as 0
     * @param agreedKbps        the agreement's {@code bandwidth_kbps} (ceiling)
     * @param maxSharePercent   the agreement's {@code max_share_percent} of C (ceiling)
     */
    public record Settings(long windowMs, long capacityKbps, long peakObservationMs, int marginPercent,
                           int stepPercent, long minOfferKbps, long agreedKbps, int maxSharePercent) {
        public Settings {
            range("windowMs", windowMs, 1000, 600_000);
            range("capacityKbps", capacityKbps, 0, 10_000_000);
            range("peakObservationMs", peakObservationMs, windowMs, 7L * 24 * 3_600_000);
            range("marginPercent", marginPercent, 0, 90);
            range("stepPercent", stepPercent, 1, 100);
            range("minOfferKbps", minOfferKbps, 0, 10_000_000);
            range("agreedKbps", agreedKbps, 0, 10_000_000);
            range("maxSharePercent", maxSharePercent, 0, 100);
        }

        private static void range(String what, long v, long min, long max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(what + " must be " + min + ".." + max + ", got " + v);
            }
        }
    }

    /** What to announce: the value, and whether it differs from the last announcement. */
    public record Decision(long shareableKbps, boolean changed, String why) {
    }

    private static final long MS = 1_000_000L;
    /**
     * The span over which a full line is seen: the last sample interval (250 ms at T = 1 s, 1 s from
     * T = 4 s on; the first sample at least this far back). With 500 ms the own download of the
     * sharing benchmark reached 90 % of its line 1.3 s after it started, at T = 1 s.
     */
    private static final long FULL_NANOS = 200 * MS;
    /** Samples kept: a window of 600 s at one per second, with room for jitter in the tick. */
    private static final int RING = 1024;

    private final Settings s;
    private final long windowNanos;
    private final long shortNanos;
    private final long[] at = new long[RING];
    private final long[] device = new long[RING];
    private final long[] borrowed = new long[RING];
    private int head;
    private int count;

    private boolean watching;
    private long watchingSinceNanos;
    private long peakKbps;

    private long announcedKbps;
    private boolean rising;
    private long risingSinceNanos;
    private long risingMinKbps;
    private long lastOwnKbps;
    private long lastCapacityKbps;
    private boolean lastSqueezed;

    public ShareableBandwidth(Settings settings) {
        this.s = settings;
        this.windowNanos = settings.windowMs() * MS;
        this.shortNanos = Math.max(1000 * MS, windowNanos / 5);
    }

    public Settings settings() {
        return s;
    }

    /**
     * One reading: the device's byte counter in this direction and the bytes carried for borrowers
     * in it, both since any fixed point. A counter that goes backwards (the device or the path was
     * re-created) starts the window again.
     */
    public void sample(long nowNanos, long deviceBytes, long borrowedBytes) {
        if (count > 0) {
            int last = (head - 1 + RING) % RING;
            if (deviceBytes < device[last] || borrowedBytes < borrowed[last] || nowNanos - at[last] <= 0) {
                count = 0;
            }
        }
        at[head] = nowNanos;
        device[head] = deviceBytes;
        borrowed[head] = borrowedBytes;
        head = (head + 1) % RING;
        count = Math.min(RING, count + 1);
        if (!watching) {
            watching = true;
            watchingSinceNanos = nowNanos;
        }
        long total = windowKbps(device, windowNanos);
        if (total >= 0) {
            peakKbps = Math.max(peakKbps, total);
        }
    }

    /** The average rate of {@code counter} over the last {@code span}, or -1 without samples that far back. */
    private long windowKbps(long[] counter, long span) {
        if (count < 2) {
            return -1;
        }
        int newest = (head - 1 + RING) % RING;
        // the oldest sample at least a window before the newest
        int oldest = -1;
        for (int i = 1; i < count; i++) {
            int k = (newest - i + RING) % RING;
            if (at[newest] - at[k] >= span) {
                oldest = k;
                break;
            }
        }
        if (oldest < 0) {
            return -1;
        }
        long dt = at[newest] - at[oldest];
        return (counter[newest] - counter[oldest]) * 8L * 1_000_000L / dt;
    }

    /** The capacity in force: configured, or the observed peak once watched long enough; 0 if unknown. */
    public long capacityKbps(long nowNanos) {
        if (s.capacityKbps() > 0) {
            return s.capacityKbps();
        }
        if (watching && nowNanos - watchingSinceNanos >= s.peakObservationMs() * MS) {
            return peakKbps;
        }
        return 0;
    }

    /**
     * The own users' rate (device minus borrowed): the higher of the averages over the last window
     * and over its last fifth; -1 before a whole window.
     */
    public long ownKbps(long nowNanos) {
        long total = windowKbps(device, windowNanos);
        long lent = windowKbps(borrowed, windowNanos);
        if (total < 0 || lent < 0) {
            return -1;
        }
        long own = Math.max(0, total - lent);
        long recentTotal = windowKbps(device, shortNanos);
        long recentLent = windowKbps(borrowed, shortNanos);
        return recentTotal < 0 || recentLent < 0 ? own : Math.max(own, recentTotal - recentLent);
    }

    /**
     * The own users' rate over the recent part of the window only (its fifth, at least a second),
     * -1 without samples that far back: what the borrower's split of new sessions follows, which
     * must see a line fill or empty within seconds, not at the end of a 10 s window.
     */
    public long ownRecentKbps(long nowNanos) {
        long total = windowKbps(device, shortNanos);
        long lent = windowKbps(borrowed, shortNanos);
        return total < 0 || lent < 0 ? -1 : Math.max(0, total - lent);
    }

    /** The span of {@link #ownRecentKbps}, in nanoseconds. */
    public long recentNanos() {
        return shortNanos;
    }

    /** The spare before hysteresis, 0 when capacity or a whole window is missing. */
    public long spareKbps(long nowNanos) {
        long c = capacityKbps(nowNanos);
        long own = ownKbps(nowNanos);
        lastCapacityKbps = c;
        lastOwnKbps = own;
        if (c == 0 || own < 0) {
            return 0;
        }
        long margin = c * s.marginPercent() / 100;
        long spare = c - own - margin;
        lastSqueezed = ownSqueezed(c, margin);
        if (lastSqueezed) {
            spare = 0;
        }
        long cap = Math.min(s.agreedKbps(), c * s.maxSharePercent() / 100);
        spare = Math.max(0, Math.min(spare, cap));
        return spare < s.minOfferKbps() ? 0 : spare;
    }

    /**
     * Whether the own users are squeezed by the borrowers: the line is full (at least C - margin over
     * the last sample interval) and a step's worth of it is theirs. Their rate then shows what the
     * borrowers left them, not what they want: C - margin - offer, whose spare never falls a step
     * below the offer, so the offer would stay for good (the sharing benchmark measured the own
     * download at 80 % of its line). They have priority, so nothing is spare until the line has room.
     */
    private boolean ownSqueezed(long c, long margin) {
        long total = windowKbps(device, FULL_NANOS);
        long lent = windowKbps(borrowed, FULL_NANOS);
        return total >= 0 && lent >= 0 && total >= c - margin && total - lent >= Math.max(1, c * s.stepPercent() / 100);
    }

    /** The value to announce now (call it after each sample). */
    public Decision evaluate(long nowNanos) {
        long spare = spareKbps(nowNanos);
        long c = lastCapacityKbps;
        long step = Math.max(1, c * s.stepPercent() / 100);
        String basis = lastCapacityKbps == 0 ? "capacity unknown"
                : lastOwnKbps < 0 ? "no whole window yet"
                : "capacity " + c + " kbit/s, own users " + lastOwnKbps + " kbit/s over " + s.windowMs() / 1000 + " s"
                        + (lastSqueezed ? ", the line full with them on it" : "");
        if (spare < announcedKbps && (spare == 0 || announcedKbps - spare >= step)) {
            rising = false;
            announcedKbps = spare;
            return new Decision(spare, true, "down: " + basis);
        }
        if (spare >= announcedKbps + step || announcedKbps == 0 && spare > 0) {
            if (!rising) {
                rising = true;
                risingSinceNanos = nowNanos;
                risingMinKbps = spare;
            }
            risingMinKbps = Math.min(risingMinKbps, spare);
            if (nowNanos - risingSinceNanos >= 2 * windowNanos) {
                rising = false;
                announcedKbps = risingMinKbps;
                return new Decision(announcedKbps, true, "up: " + basis);
            }
        } else {
            rising = false;
        }
        return new Decision(announcedKbps, false, basis);
    }

    /** The last announced value. */
    public long announcedKbps() {
        return announcedKbps;
    }
}
