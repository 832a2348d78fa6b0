package net.coopwan.daemon.coop.duplication;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * When the copies of one LC packet leave (seed 001 [0287]-[0289]): the copies on one path are
 * "spread evenly over a time period tau", copy k of n at {@code k * tau / n}, so a burst of loss
 * shorter than tau/n on that path cannot take every copy. tau is the session's expected packet
 * interval (the app type's {@code expectedIntervalMs}, the notes' resolution of [0289] vs [0325]),
 * so the last copy leaves before the next packet arrives. Paths are independent: each starts its
 * own first copy at 0.
 *
 * <p>Offsets are whole nanoseconds rounded down ({@code k * tau / n} in integer arithmetic):
 * 20/3 ms is 6 666 666 ns. "Within scheduler tolerance" (the notes' TEST) is
 * {@link CopyPacer}'s promise: a copy never leaves before its offset and leaves at the data
 * path's first poll at or after it.
 */
public final class CopySchedule {
    /** Shortest interval spread over: below 1 ms copies are sent back to back (offset 0). */
    public static final long MIN_TAU_NANOS = 1_000_000L;
    /** Longest interval spread over: the slowest LC app sends at 1 pps; later copies would be stale. */
    public static final long MAX_TAU_NANOS = 1_000_000_000L;

    private static final Comparator<ScheduledCopy> ORDER =
            Comparator.comparingLong(ScheduledCopy::offsetNanos).thenComparingInt(ScheduledCopy::path);

    private CopySchedule() {
    }

    /** Copy {@code k} of {@code n} on one path: {@code k * tau / n}, tau clamped to 1 ms..1 s (0 below 1 ms). */
    public static long offsetNanos(int k, int n, long tauNanos) {
        if (n < 1 || k < 0 || k >= n) {
            throw new IllegalArgumentException("copy " + k + " of " + n);
        }
        if (tauNanos < MIN_TAU_NANOS) {
            return 0L;
        }
        return k * Math.min(tauNanos, MAX_TAU_NANOS) / n;
    }

    /** Every copy of one packet over {@code paths}, in leaving order (by offset, then path). */
    public static List<ScheduledCopy> plan(long tauNanos, List<PathCopies> paths) {
        List<ScheduledCopy> out = new ArrayList<>();
        for (PathCopies p : paths) {
            for (int k = 0; k < p.copies(); k++) {
                out.add(new ScheduledCopy(p.path(), k, offsetNanos(k, p.copies(), tauNanos)));
            }
        }
        out.sort(ORDER);
        return out;
    }
}
