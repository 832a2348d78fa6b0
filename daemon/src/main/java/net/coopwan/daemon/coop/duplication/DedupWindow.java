package net.coopwan.daemon.coop.duplication;

import net.coopwan.daemon.reorder.DuplicateFilter.Verdict;
import net.coopwan.daemon.reorder.MissingMask;

/**
 * The first-copy filter of one LC session (seed 001 [0338]-[0339], notes section 6):
 * {@code last_packet_ID} plus a missing-ID bitmask read as a binary number, bit {@code i} = ID
 * {@code last - i}, 1 = not received yet, bit 0 always 0 (the arithmetic is
 * {@link MissingMask}'s, shared with the bond's per-flow {@code DuplicateFilter}).
 *
 * <ul>
 *   <li>Initial state: the first ID is accepted and the mask is 0, so nothing before it passes
 *       (the notes' reading; a copy older than the session's first delivered packet is useless to
 *       a game anyway).</li>
 *   <li>IDs are 64-bit and unsigned, start at 0 per LC session and never wrap: at 1000 packets
 *       per second 2^64 lasts 584 million years, so no serial arithmetic is needed and an ID far
 *       ahead is simply ahead. A sender that restarts opens a new tunnel session, whose windows
 *       are new.</li>
 * </ul>
 *
 * <p>Width 64 in production; smaller widths (8..63) exist for the notes' 8-bit examples.
 * Not thread-safe: one receive thread owns a session's window.
 */
public final class DedupWindow {
    public static final int DEFAULT_BITS = 64;

    private final int width;
    private final long widthMask;
    private boolean started;
    private long last;
    private long mask;

    public DedupWindow() {
        this(DEFAULT_BITS);
    }

    public DedupWindow(int maskBits) {
        this.widthMask = MissingMask.widthMask(maskBits);
        this.width = maskBits;
    }

    /** What {@link #accept} would decide for {@code id}, without recording it. */
    public Verdict check(long id) {
        if (!started || Long.compareUnsigned(id, last) > 0) {
            return Verdict.NEW;
        }
        return MissingMask.behind(mask, last - id, width);
    }

    /** Decides about {@code id} and records it when it passes (the first copy of a packet). */
    public Verdict accept(long id) {
        Verdict v = check(id);
        if (v == Verdict.NEW) {
            mask = started ? MissingMask.advance(mask, id - last, widthMask) : 0L;
            last = id;
            started = true;
        } else if (v == Verdict.FILLED) {
            mask &= ~MissingMask.bit(last - id);
        }
        return v;
    }

    public boolean started() {
        return started;
    }

    /** {@code last_packet_ID} (0 before the first packet). */
    public long last() {
        return last;
    }

    /** The missing-bitmask: bit i set = ID {@code last - i} not received yet. */
    public long mask() {
        return mask;
    }

    public int maskBits() {
        return width;
    }
}
