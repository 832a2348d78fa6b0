package net.coopwan.daemon.reorder;

import net.coopwan.daemon.reorder.DuplicateFilter.Verdict;

/**
 * The arithmetic of seed 001 [0339]'s missing-ID bitmask (bit {@code i} = ID {@code last - i},
 * 1 = missing, bit 0 always 0), shared by {@link DuplicateFilter} (flow buckets, 32-bit serial
 * IDs) and {@code coop.duplication.DedupWindow} (LC sessions, 64-bit IDs), so the rule lives in
 * one place whatever the width of the IDs around it.
 */
public final class MissingMask {
    public static final int MIN_BITS = 8;
    public static final int MAX_BITS = 64;

    private MissingMask() {
    }

    /** The bits a mask of {@code bits} width may use; rejects widths outside 8..64. */
    public static long widthMask(int bits) {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new IllegalArgumentException("mask bits must be 8..64: " + bits);
        }
        return bits == 64 ? -1L : (1L << bits) - 1;
    }

    /**
     * The notes' advance rule for an ID {@code d > 0} ahead of last: {@code (mask << d) | bits
     * 1..d-1}, truncated, bit 0 clear. {@code d} is unsigned (a 64-bit ID can be more than 2^63
     * ahead); Java shifts by d mod 64, hence the cases.
     */
    public static long advance(long mask, long d, long widthMask) {
        boolean far = Long.compareUnsigned(d, 64) >= 0;
        long shifted = far ? 0L : mask << d;
        long skipped = far ? -1L : (1L << d) - 1;
        return (shifted | skipped) & widthMask & ~1L;
    }

    /**
     * The verdict for an ID {@code back} (unsigned) behind last, without changing the mask: very
     * old beyond the width, missing (FILLED: the caller clears {@link #bit}) or already seen.
     */
    public static Verdict behind(long mask, long back, int width) {
        if (Long.compareUnsigned(back, width) >= 0) {
            return Verdict.TOO_OLD;
        }
        return (mask & bit(back)) == 0 ? Verdict.DUPLICATE : Verdict.FILLED;
    }

    /** The bit of the ID {@code back} behind last ({@code back} below the width). */
    public static long bit(long back) {
        return 1L << back;
    }
}
