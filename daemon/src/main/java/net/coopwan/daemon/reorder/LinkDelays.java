package net.coopwan.daemon.reorder;

import java.util.Arrays;

/**
 * The receiver's view of each member link's one-way delay, from the data packets it carries:
 * arrival time minus the sender's timestamp (tunnel header, µs mod 2^32), smoothed per link, and
 * its jitter as the mean deviation of the samples from the smoothed delay.
 *
 * <p>The two ends' clocks are not synchronised: every sample carries the same unknown offset. So
 * only differences are meaningful, and those are exact up to the smoothing: the offset cancels in
 * {@link #reachMicros} minus a packet's own sample, which is all {@link ReorderBuffer} uses.
 * Samples are kept relative to the first one ever seen (32-bit subtraction), so a wrap of the
 * 32-bit µs clock cancels too.
 *
 * <p>Smoothing, as RTP's jitter (RFC 3550 6.4.1) with gain 1/16 for both: {@code
 * jitter += (|sample - delay| - jitter) / 16; delay += (sample - delay) / 16}. The deviation is
 * taken from the smoothed delay (RFC 6298's RTTVAR) rather than from the previous packet's
 * transit: on a level shift (a queue building up) it jumps at once, so the reach overshoots while
 * the delay catches up instead of lagging behind it. A link's first sample, and its first after a
 * silence of {@code staleNanos}, restarts it with a conservative jitter ({@code initialJitter}, a
 * quarter of the ceiling, so that the first waits are the ceiling) that decays as samples come in.
 *
 * <p>Fixed memory (a few values per link), O(1) per sample, {@link #reachMicros} O(links). Receive
 * thread only.
 */
final class LinkDelays {
    /** Member links a bond can have (the tunnel header's link field, {@code TunnelHeader.MAX_LINKS}). */
    static final int LINKS = 16;
    /** Jitter margin: {@code delay + 4 x jitter} covers nearly all of a link's delays (RFC 6298's K). */
    static final int K = 4;
    private static final double GAIN = 1.0 / 16;

    private final long staleNanos;
    private double initialJitterMicros;
    private final double[] delay = new double[LINKS];
    private final double[] jitter = new double[LINKS];
    private final long[] lastNanos = new long[LINKS];
    private final boolean[] seen = new boolean[LINKS];
    private int reference;
    private boolean referenced;
    private long firstNanos;

    LinkDelays(long staleNanos, double initialJitterMicros) {
        this.staleNanos = staleNanos;
        this.initialJitterMicros = initialJitterMicros;
    }

    /**
     * One data packet on {@code link} (0..{@link #LINKS}-1) arrived {@code owdMicros} after it was
     * sent, by the two unsynchronised clocks (32-bit wrapping). Returns the sample relative to the
     * reference, in the scale of {@link #reachMicros}.
     */
    long sample(int link, int owdMicros, long nowNanos) {
        if (!referenced) {
            reference = owdMicros;
            referenced = true;
            firstNanos = nowNanos;
        }
        long v = owdMicros - reference; // int subtraction: wraps back into range
        if (!seen[link] || nowNanos - lastNanos[link] > staleNanos) {
            delay[link] = v;
            jitter[link] = initialJitterMicros;
            seen[link] = true;
        } else {
            double d = v - delay[link];
            jitter[link] += (Math.abs(d) - jitter[link]) * GAIN;
            delay[link] += d * GAIN;
        }
        lastNanos[link] = nowNanos;
        return v;
    }

    /**
     * The latest a packet can be expected, in the relative delay scale: the largest {@code delay +
     * K x jitter} over the links heard within the stale time. A packet sent before one whose
     * sample is {@code v} arrives at most {@code reach - v} after it. {@link Double#NaN} when no
     * link was heard.
     */
    double reachMicros(long nowNanos) {
        double reach = Double.NaN;
        for (int i = 0; i < LINKS; i++) {
            if (seen[i] && nowNanos - lastNanos[i] <= staleNanos) {
                double r = delay[i] + K * jitter[i];
                if (!(r <= reach)) { // also replaces NaN
                    reach = r;
                }
            }
        }
        return reach;
    }

    /** The jitter a link starts with (from the ceiling of the wait, which may change). */
    void initialJitterMicros(double micros) {
        this.initialJitterMicros = micros;
    }

    /**
     * Whether the links have been heard long enough that every link carrying data has been heard
     * (the stale time since the first sample): before that a slower link's first packets may
     * still be on their way, unknown here.
     */
    boolean warm(long nowNanos) {
        return referenced && nowNanos - firstNanos >= staleNanos;
    }

    /** The smallest smoothed delay over the links heard within the stale time; NaN if none. */
    double minDelayMicros(long nowNanos) {
        double min = Double.NaN;
        for (int i = 0; i < LINKS; i++) {
            if (seen[i] && nowNanos - lastNanos[i] <= staleNanos && !(delay[i] >= min)) {
                min = delay[i];
            }
        }
        return min;
    }

    /** The link's smoothed delay, relative to the first sample ever (µs); NaN if never heard. */
    double delayMicros(int link) {
        return seen[link] ? delay[link] : Double.NaN;
    }

    /** The link's jitter, mean deviation (µs); NaN if never heard. */
    double jitterMicros(int link) {
        return seen[link] ? jitter[link] : Double.NaN;
    }

    /** Forgets every link and the reference (the far end restarted: its clock origin may differ). */
    void reset() {
        Arrays.fill(seen, false);
        referenced = false;
    }
}
