package net.coopwan.daemon.datapath;

/**
 * How much later one link delivers than another: the receiver smooths each link's one-way delay
 * (arrival time minus the sender's timestamp, from every authenticated packet) and reports the
 * spread between the slowest and the fastest link heard recently. The clocks of the two ends
 * are not synchronised, but every link's samples carry the same offset, so the difference
 * between links is exact up to the smoothing.
 *
 * <p>Why: a packet sent on the faster link overtakes the ones sent before it on the slower link
 * by this spread (a queue on a slow uplink is 100-200 ms). The per-flow reorder buffer must wait
 * at least that long, or it releases packets out of order and TCP reads the reordering as loss.
 * Receiver thread only.
 */
final class DelaySpread {
    /** Weight of a new sample: 1/16, the smoothing of RFC 6298's SRTT divided by two. */
    private static final int SHIFT = 4;
    private final long[] smoothedMicros;
    private final long[] lastSampleNanos;
    private final long staleNanos;
    /** The first sample ever: later samples are kept relative to it, so a 32-bit wrap cancels. */
    private int reference;
    private boolean referenced;

    DelaySpread(int links, long staleNanos) {
        this.smoothedMicros = new long[links];
        this.lastSampleNanos = new long[links];
        this.staleNanos = staleNanos;
    }

    /** One sample of {@code link}: arrival minus send time, µs, in 32-bit wrapping arithmetic. */
    void sample(int link, int owdMicros, long nowNanos) {
        if (!referenced) {
            reference = owdMicros;
            referenced = true;
        }
        long v = owdMicros - reference; // int subtraction: wraps back into range
        if (lastSampleNanos[link] == 0 || nowNanos - lastSampleNanos[link] > staleNanos) {
            smoothedMicros[link] = v; // first sample, or after a silence: start afresh
        } else {
            smoothedMicros[link] += (v - smoothedMicros[link]) >> SHIFT;
        }
        lastSampleNanos[link] = nowNanos | 1;
    }

    /** Slowest minus fastest smoothed delay over the links sampled within the stale time, µs; 0 with fewer than two. */
    long spreadMicros(long nowNanos) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int n = 0;
        for (int i = 0; i < smoothedMicros.length; i++) {
            if (lastSampleNanos[i] != 0 && nowNanos - lastSampleNanos[i] <= staleNanos) {
                min = Math.min(min, smoothedMicros[i]);
                max = Math.max(max, smoothedMicros[i]);
                n++;
            }
        }
        return n < 2 ? 0 : max - min;
    }
}
