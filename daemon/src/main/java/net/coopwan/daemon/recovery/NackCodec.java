package net.coopwan.daemon.recovery;

import java.nio.ByteBuffer;

/**
 * The payload of a NACK (tunnel packet type 16, docs/PROTOCOL.md 4.8): 1 to {@value #MAX_GROUPS}
 * groups of {@value #GROUP_BYTES} bytes, big-endian:
 *
 * <pre>
 *  0      1          2                     10                    18
 * +------+----------+---------------------+---------------------+
 * | link | reserved | top (u64)           | mask (u64)          |
 * +------+----------+---------------------+---------------------+
 * </pre>
 *
 * The numbers missing on member link {@code link} (packet numbers the NACK's receiver used
 * on that link) are {@code top} and {@code top - 1 - i} for every bit i set in
 * {@code mask}: up to 65 numbers per group.
 *
 * <p>A payload is checked whole before any number is used ({@link #check}): a length that is not
 * a positive multiple of 18 up to 16 groups, a link above 15, a reserved byte not 0, a top above
 * 2^62 or a mask reaching below number 0 make it malformed; the caller counts it and drops it.
 * {@link #visit} then hands out at most {@code maxNumbers} numbers. Nothing throws on any input
 * and nothing is allocated.
 */
public final class NackCodec {
    public static final int GROUP_BYTES = 18;
    public static final int MAX_GROUPS = GapDetector.LINKS;
    public static final int MAX_BYTES = GROUP_BYTES * MAX_GROUPS;
    /** Numbers a sender acts on per NACK; the rest are counted as capped. */
    public static final int MAX_NUMBERS = 64;
    /** Larger packet numbers are refused: a link's sealer is rekeyed long before (2^62 is never reached). */
    static final long MAX_PN = 1L << 62;

    /** Why a payload is malformed; null when it is not. */
    public enum Problem { BAD_LENGTH, BAD_LINK, RESERVED_SET, BAD_NUMBER }

    /** Receives the numbers of a checked payload. */
    @FunctionalInterface
    public interface Visitor {
        void missing(int link, long packetNumber);
    }

    private NackCodec() {
    }

    /** Writes one group at {@code at} (absolute); returns the bytes written. */
    public static int writeGroup(ByteBuffer b, int at, int link, long top, long mask) {
        if (link < 0 || link >= GapDetector.LINKS || top < 0 || top > MAX_PN || (top < 64 && top >= 0 && (mask >>> top) != 0)) {
            throw new IllegalArgumentException("nack group link " + link + " top " + top);
        }
        b.put(at, (byte) link);
        b.put(at + 1, (byte) 0);
        b.putLong(at + 2, top);
        b.putLong(at + 10, mask);
        return GROUP_BYTES;
    }

    /** Checks {@code length} bytes at {@code at}; null when well formed. */
    public static Problem check(ByteBuffer b, int at, int length) {
        if (length <= 0 || length > MAX_BYTES || length % GROUP_BYTES != 0 || at < 0 || at + length > b.limit()) {
            return Problem.BAD_LENGTH;
        }
        for (int g = at; g < at + length; g += GROUP_BYTES) {
            if ((b.get(g) & 0xff) >= GapDetector.LINKS) {
                return Problem.BAD_LINK;
            }
            if (b.get(g + 1) != 0) {
                return Problem.RESERVED_SET;
            }
            long top = b.getLong(g + 2);
            long mask = b.getLong(g + 10);
            if (top < 0 || top > MAX_PN || (top < 64 && (mask >>> top) != 0)) {
                return Problem.BAD_NUMBER;
            }
        }
        return null;
    }

    /** Numbers a checked payload names (its groups' tops and mask bits). */
    public static int count(ByteBuffer b, int at, int length) {
        int n = 0;
        for (int g = at; g < at + length; g += GROUP_BYTES) {
            n += 1 + Long.bitCount(b.getLong(g + 10));
        }
        return n;
    }

    /**
     * Hands the numbers of a payload {@link #check} accepted to {@code v}, group by group, each
     * group's top first then downwards, at most {@code maxNumbers}; returns how many were handed.
     */
    public static int visit(ByteBuffer b, int at, int length, int maxNumbers, Visitor v) {
        int n = 0;
        for (int g = at; g < at + length && n < maxNumbers; g += GROUP_BYTES) {
            int link = b.get(g) & 0xff;
            long top = b.getLong(g + 2);
            long mask = b.getLong(g + 10);
            v.missing(link, top);
            n++;
            while (mask != 0 && n < maxNumbers) {
                int i = Long.numberOfTrailingZeros(mask);
                mask &= mask - 1;
                v.missing(link, top - 1 - i);
                n++;
            }
        }
        return n;
    }
}
