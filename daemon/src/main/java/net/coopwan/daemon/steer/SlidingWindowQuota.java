package net.coopwan.daemon.steer;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Seed 001 [0131] as written: count "the amount of data ... sent during the immediately preceding
 * time interval T", compare it "to a predefined threshold" and drop what exceeds it. One direction
 * of one borrower, computed by the daemon and enforced by the kernel: the kernel has no sliding
 * window, but it has an nftables {@code quota} object (drop once its consumption passes a bound)
 * and a counter of what passed. This class says where the bound goes, tick after tick, so that
 * <b>no window of T ever carries more than the threshold</b>, whatever the daemon's delays.
 *
 * <p><b>Why it holds.</b> The quota object counts every packet it judges, passed or dropped
 * (nft_quota adds before it compares), so its consumption Q is not what passed; the counter C after
 * it is. A tick reads Q, then C (in that order), and writes the bound {@code L = Q + A} with the
 * allowance {@code A = threshold - (C - C_base)}, where {@code C_base} is a reading of C that
 * returned at least T before the time the new bound is written. From the reading on, the quota
 * passes at most {@code L - Q} bytes (Q only grows, by at least what passes), so at any time x while
 * this bound is in force {@code C(x) <= C + A = C_base + threshold}; and since the base reading
 * happened before {@code x - T}, {@code C(x) - C(x - T) <= C(x) - C_base <= threshold}. A late
 * tick only leaves the older, smaller bound in force longer; a daemon that stops leaves a bound
 * that is used up and then drops everything: it fails closed.
 *
 * <p><b>Paced, not only bounded.</b> The window alone lets the whole threshold pass in one burst
 * and then drops everything until that burst is a window old; the next window's allowance comes
 * back in the same burst. TCP sessions that meet such a dead time back off for seconds (the sharing
 * benchmark at T = 1 s: 7 moved sessions of 69 read nothing for 5 s). So the allowance of a tick is
 * also at most what a token bucket holds, filled at {@code threshold / (T + 1 tick)} and two ticks
 * deep: passes are spread over the window like a policer's with a small bucket, which the kernel's
 * own limit cannot be (its bucket holds at least a second of rate). The window above stays the
 * guarantee; the sharer's tunnel queues at {@link #shapedBytesPerSecond}, 5 % under the bucket, so
 * that the bucket rarely drops and the window rarely binds.
 *
 * <p><b>What it costs</b>: a sender behind the tunnel's queue gets {@code T / (T + 2 ticks)} of the
 * threshold's rate: 90 % for a tick of T/20 (T = 1 s), 97 % at T = 10 s where the tick is its
 * ceiling of 100 ms (the token bucket of {@link EmergencyQuota} sustains
 * {@code 0.99 T / (1 + T)}: half for T = 1 s).
 *
 * <p><b>A changed threshold</b> binds what passes in any window of T from the moment it is written;
 * a window that began before it must hold the older threshold too, over all of it. So each
 * threshold in force over the last T bounds what passed since the later of the window's base and
 * its own beginning, and the pacing bucket follows the smallest of them: a fall binds what passes
 * from then on at once, and a rise after one window (the smaller one still counts everything in
 * its window). A fall does not count what passed before it against the new threshold: that
 * stopped everything for up to T after the sharer's users took their line back (the sharing
 * benchmark at T = 10 s: moved sessions read nothing for 10 s; at T = 60 s every one of them
 * would have timed out), when what the owner needs is the rate to fall, which it does.
 *
 * <p>Times are the daemon's monotonic nanoseconds. Not thread-safe.
 */
public final class SlidingWindowQuota {

    /** What the carried counter had reached, read by {@code atNanos} at the latest. */
    private record Reading(long atNanos, long carried) {
    }

    /**
     * A threshold in force from {@code sinceNanos}; {@code carriedBefore} is a reading that returned
     * before that (what had passed by then, at most), the base of what it binds.
     */
    private record Threshold(long sinceNanos, long bytes, long carriedBefore) {
    }

    private final long windowNanos;
    /** Readings newer than the base, oldest first. */
    private final ArrayDeque<Reading> readings = new ArrayDeque<>();
    /** Thresholds in force over the last window, oldest first; the first began at or before it. */
    private final ArrayDeque<Threshold> thresholds = new ArrayDeque<>();
    private Reading base;
    /** The pacing bucket: its bytes after the last write, when that was, and the carried count then. */
    private double tokens;
    private long lastWriteNanos;
    private long carriedAtLastWrite;
    /** The most the carried count (in this quota's terms) can reach under the last bound written. */
    private long ceiling;
    /**
     * Added to every carried reading: the objects of an earlier life of the same path, counted up
     * to their ceiling ({@link #reopened}). 0 for the first life.
     */
    private long offset;
    /** The last {@link #bound}'s allowance and the bucket's depth then. */
    private long lastGranted;
    private long lastDepth;

    /**
     * A quota whose counter and quota object are created (at zero) after {@code createdNanos}:
     * nothing had passed before, so that moment is a base for every later window.
     */
    public SlidingWindowQuota(long thresholdBytes, long windowMs, long createdNanos) {
        if (windowMs < 1 || thresholdBytes < 0) {
            throw new IllegalArgumentException("window " + windowMs + " ms, threshold " + thresholdBytes);
        }
        this.windowNanos = windowMs * 1_000_000L;
        this.base = new Reading(createdNanos, 0);
        thresholds.add(new Threshold(createdNanos, thresholdBytes, 0));
        this.lastWriteNanos = createdNanos;
        this.tokens = depth(thresholdBytes);
        this.ceiling = initialBound();
    }

    /**
     * The same path's objects were deleted and are created again, at zero, after {@code createdNanos}
     * (the borrower released its path and asked again): returns the bound to create the new quota
     * object with. The window goes on where it was, so that a borrower cannot get a second
     * threshold within one window by closing and reopening its path (each new life of a fresh
     * quota would pass a full bucket at once, and a window straddling the reopening could carry
     * twice the threshold). The new counts are taken as the old ones' ceiling plus what the new
     * objects count: what the old objects carried after their last reading is unknown but at most
     * that ceiling, so a window with its base in the old life and its end in the new one is
     * overcounted, never under, and one within the new life is exact (the offset cancels).
     */
    public long reopened(long createdNanos) {
        offset = ceiling;
        return bound(0, 0, createdNanos, createdNanos);
    }

    /** The bound to create the quota object with (consumption 0): the pacing bucket, full. */
    public long initialBound() {
        return Math.min(threshold(), Math.round(tokens));
    }

    /**
     * The rate a queue in front of the borrower should drain at for {@code threshold} over
     * {@code windowMs}, in bytes per second: the threshold per T and two ticks, which the pacing
     * bucket alone would keep every window within. The bucket itself fills 5 % faster (the
     * threshold per T and one tick), so that sessions paced by such a queue leave room in it for
     * new sessions' first packets (a SYN-ACK dropped three times is a connection that times out).
     */
    public static long shapedBytesPerSecond(long threshold, long windowMs) {
        return threshold * 1000 / (windowMs + 2 * tickMs(windowMs));
    }

    /** The pacing bucket's rate for {@code threshold}, bytes per ns: the threshold per T and one tick. */
    private double rate(long threshold) {
        return threshold / (double) (windowNanos + tickMs(windowMs()) * 1_000_000L);
    }

    /**
     * Full packets the pacing bucket holds at least: the least queue the sharer's tunnel has behind
     * it (SharingLenderRules#queueBytes), so that a burst the queue can hold is not dropped before
     * it. Two packets were the least before: at the drain's rate two ticks are 8 to 16 packets, and
     * when the offer fell every moved session's retransmission came at once, met an empty bucket,
     * and backed off again: the sharing benchmark saw nothing pass for 4, 6, 7, 8 and then 17 s
     * (T = 10 s, impaired line), and four moved sessions timed out.
     */
    static final int MIN_DEPTH_PACKETS = 20;

    /**
     * The pacing bucket's depth for {@code threshold}: two ticks of its rate and two full packets,
     * at least {@link #MIN_DEPTH_PACKETS} full packets where they are at most a quarter of the threshold (what a
     * bound already written lets pass is not taken back when the threshold falls: a deep bucket
     * would carry a small new threshold's window past it).
     */
    private double depth(long threshold) {
        return Math.max(Math.max(2 * EmergencyQuota.MTU, rate(threshold) * 2 * tickMs(windowMs()) * 1_000_000L),
                Math.min(MIN_DEPTH_PACKETS * EmergencyQuota.MTU, threshold / 4.0));
    }

    /** Ticks per window: the window's base is between T and T + T/20 old. */
    public static final int TICKS_PER_WINDOW = 20;
    /** Shortest tick: more often buys little and costs a reading each time. */
    public static final long MIN_TICK_MS = 25;
    /**
     * Longest tick. A sender gets T / (T + 2 ticks) of the threshold, whatever T: with T/20 alone
     * that is 90 % at T = 10 s and 60 s too, where a tick of half a second or three seconds is
     * coarse for nothing (the sharing benchmark at T = 10 s: 3.6 of 5 Mbit/s through the sharer).
     * At 100 ms it is 97 % at 10 s and 99 % at 60 s, for at most ten readings a second, half of
     * what T = 1 s costs already.
     */
    public static final long MAX_TICK_MS = 100;

    /** How often the bound should move for a window of {@code windowMs}. */
    public static long tickMs(long windowMs) {
        return Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, windowMs / TICKS_PER_WINDOW));
    }

    /**
     * What a sender that never pauses gets of a quota, per mille of the quota's own rate (quota /
     * T), where the kernel's threshold is 99 % of the quota (SharingLenderRules#threshold): the
     * rate of the queue in front of it ({@link #shapedBytesPerSecond}), that threshold per T and
     * two ticks. 900 for T = 1 s, 970 for 10 s, 986 for 60 s (the 100 ms ceiling of the tick), 660 for
     * 0.1 s (where the 25 ms floor of the tick binds).
     */
    public static long sustainedPerMille(long windowMs) {
        return 990 * windowMs / (windowMs + 2 * tickMs(windowMs));
    }

    /**
     * What a sender that never pauses may use of a quota, per mille of the quota's own rate, so that
     * it never meets the bound even when a tick comes a whole tick late: the threshold per T and
     * <b>three</b> ticks. {@link #sustainedPerMille} is what the quota passes when every tick is on
     * time; a sender at that rate fills each window to the threshold, and a tick late by a few
     * milliseconds (a busy 2-core router: a compile, a GC, the relay) leaves a bound in force that
     * it runs into. 860 for T = 1 s (one tick: 50 ms of slack), 961 for 10 s (100 ms).
     */
    public static long lateTolerantPerMille(long windowMs) {
        return 990 * windowMs / (windowMs + 3 * tickMs(windowMs));
    }

    public long windowMs() {
        return windowNanos / 1_000_000L;
    }

    /** The threshold in force now (the last one set). */
    public long threshold() {
        return thresholds.getLast().bytes();
    }

    /**
     * A new threshold from {@code nowNanos} on. It binds what passed since the last reading given to
     * {@link #bound} (what passed between that reading and now counts against it too), so read just
     * before.
     */
    public void threshold(long bytes, long nowNanos) {
        if (bytes < 0) {
            throw new IllegalArgumentException("threshold " + bytes);
        }
        if (bytes != threshold()) {
            thresholds.add(new Threshold(nowNanos, bytes, carriedAtLastWrite));
        }
    }

    /**
     * The bound to write into the quota object.
     *
     * @param consumed   the quota object's consumption, read first
     * @param counted    the counter of what passed, read after it
     * @param readNanos  a time after both readings returned
     * @param writeNanos a time before the new bound is written (at or after {@code readNanos})
     */
    public long bound(long consumed, long counted, long readNanos, long writeNanos) {
        long carried = counted + offset;
        long oldest = writeNanos - windowNanos;
        for (Iterator<Reading> it = readings.iterator(); it.hasNext();) {
            Reading r = it.next();
            if (r.atNanos() - oldest > 0) {
                break;
            }
            base = r;
            it.remove();
        }
        while (thresholds.size() > 1) {
            Iterator<Threshold> it = thresholds.iterator();
            it.next();
            if (it.next().sinceNanos() - oldest > 0) {
                break;
            }
            thresholds.removeFirst();
        }
        // each threshold in force over the last T binds what passed in the window since it began (the
        // later of the window's base and the reading before it began)
        long smallest = Long.MAX_VALUE;
        long allowance = Long.MAX_VALUE;
        for (Threshold t : thresholds) {
            smallest = Math.min(smallest, t.bytes());
            allowance = Math.min(allowance, Math.max(0, t.bytes() - (carried - Math.max(base.carried(), t.carriedBefore()))));
        }
        // a counter lower than the base's was reset behind our back: what passed since is unknown, so
        // nothing more passes until a base from after the reset is a window old
        if (carried < base.carried()) {
            allowance = 0;
        }
        readings.add(new Reading(readNanos, carried));
        // the pacing bucket: what the last write allowed less what passed since, refilled for the time since
        long since = Math.max(0, carried - carriedAtLastWrite);
        tokens = Math.min(depth(smallest),
                Math.max(0, tokens - since + rate(smallest) * Math.max(0, writeNanos - lastWriteNanos)));
        lastWriteNanos = writeNanos;
        carriedAtLastWrite = carried;
        long granted = Math.min(allowance, Math.round(tokens));
        ceiling = carried + granted;
        lastGranted = granted;
        lastDepth = Math.round(depth(smallest));
        return consumed + granted;
    }

    /** What the last bound lets pass from its reading on, in bytes (0 before the first bound). */
    public long lastGranted() {
        return lastGranted;
    }

    /** The pacing bucket's depth at the last bound, in bytes (0 before the first bound). */
    public long lastDepth() {
        return lastDepth;
    }
}
