package net.coopwan.daemon.recovery;

import java.util.Arrays;

/**
 * The receiver's loss detection per member link, from the tunnel header's packet number (per
 * session, link and direction, +1 per packet of any type: docs/PROTOCOL.md 4.1).
 *
 * <p>A link is a FIFO: its packets arrive in the order they were numbered, up to a little
 * reordering (two sender threads sealing on one link, netem-style jitter). So a number skipped
 * when a higher one arrives is either lost or a little late. It is <em>missing</em> from that
 * moment; if it has not arrived after the link's allowance ({@link #allowanceNanos(int, long)},
 * set by the caller from the link's measured jitter) it is <em>reported</em>, once. One that
 * arrives within the allowance is forgotten ({@link #filled()}).
 *
 * <p>Per link: the highest number seen and a 64-bit mask of the missing, not yet reported numbers
 * below it (bit i = highest - i, as {@code reorder.MissingMask}), with the time each was found
 * missing. A number that would leave the mask unreported (64 newer numbers arrived within the
 * allowance) is reported at once; numbers of a gap wider than the mask (a burst of more than 63:
 * an outage, not random loss) are counted, not reported.
 *
 * <p>Fixed memory, nothing allocated, O(1) per packet and per report. One thread (the receiver).
 */
public final class GapDetector {
    /** Member links (the header's link field). */
    public static final int LINKS = 16;
    static final int WINDOW = 64;

    /** Where reports go. */
    @FunctionalInterface
    public interface Sink {
        void missing(int link, long packetNumber, long nowNanos);
    }

    private final long[] highest = new long[LINKS];
    private final long[] mask = new long[LINKS];
    private final long[] found = new long[LINKS * WINDOW];
    private final long[] allowance = new long[LINKS];
    private long gaps;
    private long filled;
    private long reported;
    private long beyondWindow;

    public GapDetector(long allowanceNanos) {
        Arrays.fill(allowance, allowanceNanos);
        reset();
    }

    /** Forgets every link (a new session numbers from 0 again). Counters stay. */
    public void reset() {
        Arrays.fill(highest, -1);
        Arrays.fill(mask, 0);
    }

    /** How long a number may be missing on {@code link} before it is reported. */
    public void allowanceNanos(int link, long nanos) {
        allowance[link] = Math.max(0, nanos);
    }

    public long allowanceNanos(int link) {
        return allowance[link];
    }

    /**
     * Packet {@code pn} arrived (opened, replay-checked) on {@code link}. Reports what is due on
     * that link into {@code sink}.
     */
    public void onPacket(int link, long pn, long nowNanos, Sink sink) {
        if (link < 0 || link >= LINKS || pn < 0) {
            return;
        }
        long h = highest[link];
        long m = mask[link];
        if (pn > h) {
            long d = pn - h; // h = -1 before the first: numbers 0..pn-1 are missing then
            // Missing numbers that would fall off the mask: report them now.
            while (m != 0) {
                int i = 63 - Long.numberOfLeadingZeros(m);
                if (i + d < WINDOW) {
                    break;
                }
                m &= ~(1L << i);
                report(link, h - i, nowNanos, sink);
            }
            long newMissing = d - 1;
            if (newMissing >= WINDOW) {
                beyondWindow += newMissing - (WINDOW - 1);
            }
            m = d >= WINDOW ? 0 : m << d;
            int k = (int) Math.min(newMissing, WINDOW - 1);
            for (int i = 1; i <= k; i++) {
                m |= 1L << i;
                found[link * WINDOW + (int) ((pn - i) & (WINDOW - 1))] = nowNanos;
            }
            gaps += k;
            highest[link] = pn;
            mask[link] = m;
        } else if (pn < h) {
            long back = h - pn;
            if (back < WINDOW && (m & (1L << back)) != 0) {
                mask[link] = m & ~(1L << back);
                filled++;
            }
        }
        pollLink(link, nowNanos, sink);
    }

    /** Reports every number whose allowance is over; returns the next such time, or Long.MAX_VALUE. */
    public long poll(long nowNanos, Sink sink) {
        long next = Long.MAX_VALUE;
        for (int l = 0; l < LINKS; l++) {
            if (mask[l] != 0) {
                long d = pollLink(l, nowNanos, sink);
                if (d != Long.MAX_VALUE && (next == Long.MAX_VALUE || d - next < 0)) {
                    next = d;
                }
            }
        }
        return next;
    }

    /** Older numbers were found missing no later than newer ones: report from the oldest until one is not due. */
    private long pollLink(int link, long nowNanos, Sink sink) {
        long m = mask[link];
        long h = highest[link];
        while (m != 0) {
            int i = 63 - Long.numberOfLeadingZeros(m);
            long due = found[link * WINDOW + (int) ((h - i) & (WINDOW - 1))] + allowance[link];
            if (nowNanos - due < 0) {
                mask[link] = m;
                return due;
            }
            m &= ~(1L << i);
            report(link, h - i, nowNanos, sink);
        }
        mask[link] = 0;
        return Long.MAX_VALUE;
    }

    private void report(int link, long pn, long nowNanos, Sink sink) {
        reported++;
        sink.missing(link, pn, nowNanos);
    }

    /** Numbers found missing (skipped by a higher one), within the mask. */
    public long gaps() {
        return gaps;
    }

    /** Missing numbers that arrived within the allowance (reordered, not lost). */
    public long filled() {
        return filled;
    }

    /** Numbers reported lost. */
    public long reported() {
        return reported;
    }

    /** Numbers of gaps wider than the mask: counted, never reported. */
    public long beyondWindow() {
        return beyondWindow;
    }
}
