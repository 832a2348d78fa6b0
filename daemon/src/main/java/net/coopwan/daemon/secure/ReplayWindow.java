package net.coopwan.daemon.secure;

/**
 * Anti-replay window over 64-bit unsigned packet numbers: the sliding bitmap of RFC 6479 as in
 * WireGuard (a ring of 64-bit words; moving forward clears whole words, so the cost of any check
 * is bounded by the ring size and nothing is allocated).
 *
 * <p>With a ring of {@code bits} bits the window is {@code bits - 64} packet numbers: after the
 * highest accepted number {@code H}, numbers {@code H - window .. H} are accepted once each, older
 * ones are {@link Verdict#TOO_OLD}, a second copy is {@link Verdict#DUPLICATE}. The redundant
 * word is what lets the window advance by clearing words instead of shifting bits. Default 2048
 * bits (window 1984); see docs/PROTOCOL.md section 3 for the reason.
 *
 * <p>Use {@link #check} before the (expensive) authentication and {@link #update} only after the
 * tag verified, so a forged packet can never move the window. Not thread-safe.
 */
public final class ReplayWindow {
    /** Result of a check. */
    public enum Verdict { ACCEPT, DUPLICATE, TOO_OLD }

    public static final int DEFAULT_BITS = 2048;
    private static final int WORD_LOG = 6;
    private static final int WORD_BITS = 64;

    private final long[] ring;
    private final int wordMask;
    private final long windowSize;
    private long highest; // unsigned; 0 with nothing accepted works because bit 0 is clear
    private long duplicates;
    private long tooOld;

    public ReplayWindow() {
        this(DEFAULT_BITS);
    }

    /** @param bits ring size, a power of two from 128 to 65536 */
    public ReplayWindow(int bits) {
        if (bits < 128 || bits > 65536 || Integer.bitCount(bits) != 1) {
            throw new IllegalArgumentException("window bits must be a power of two in 128..65536: " + bits);
        }
        this.ring = new long[bits / WORD_BITS];
        this.wordMask = ring.length - 1;
        this.windowSize = bits - WORD_BITS;
    }

    /** How far behind the highest accepted number a packet may be and still be accepted. */
    public long windowSize() {
        return windowSize;
    }

    /** Highest accepted packet number (unsigned), 0 before any. */
    public long highest() {
        return highest;
    }

    /** Verdict without changing anything and without counting. */
    public Verdict check(long pn) {
        if (Long.compareUnsigned(pn, highest) > 0) {
            return Verdict.ACCEPT;
        }
        if (Long.compareUnsigned(highest - pn, windowSize) > 0) {
            return Verdict.TOO_OLD;
        }
        long word = ring[(int) ((pn >>> WORD_LOG) & wordMask)];
        return (word & (1L << (pn & (WORD_BITS - 1)))) != 0 ? Verdict.DUPLICATE : Verdict.ACCEPT;
    }

    /**
     * Accepts {@code pn} once: marks it seen and advances the window, or returns why not (and
     * counts it).
     */
    public Verdict update(long pn) {
        long index = pn >>> WORD_LOG;
        if (Long.compareUnsigned(pn, highest) > 0) {
            long current = highest >>> WORD_LOG;
            long diff = index - current;
            if (Long.compareUnsigned(diff, ring.length) > 0) {
                diff = ring.length;
            }
            for (long i = 1; i <= diff; i++) {
                ring[(int) ((current + i) & wordMask)] = 0L;
            }
            highest = pn;
        } else if (Long.compareUnsigned(highest - pn, windowSize) > 0) {
            tooOld++;
            return Verdict.TOO_OLD;
        }
        int w = (int) (index & wordMask);
        long bit = 1L << (pn & (WORD_BITS - 1));
        long old = ring[w];
        if ((old & bit) != 0) {
            duplicates++;
            return Verdict.DUPLICATE;
        }
        ring[w] = old | bit;
        return Verdict.ACCEPT;
    }

    /** Counts a reject found by {@link #check} for callers that stop before {@link #update}. */
    void count(Verdict v) {
        if (v == Verdict.DUPLICATE) {
            duplicates++;
        } else if (v == Verdict.TOO_OLD) {
            tooOld++;
        }
    }

    public long duplicates() {
        return duplicates;
    }

    public long tooOld() {
        return tooOld;
    }
}
