package net.coopwan.daemon.coop.advert;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The 48 bits of information an advert carries (seed 001 [0109]: "48 bits of additional
 * information (which may include cooperation types etc.)"), decoded into named fields.
 *
 * <p>Bit 47 is the most significant bit of the first information byte (big-endian):
 * <pre>
 * 47-44  version (4)            always {@link AdvertCodec#VERSION}; written by the codec
 * 43     willing (1)            owner allows cooperation now ([0098] a)
 * 42     keyed (1)              tag mode; written by the codec from the {@link AdvertTag}
 * 41-37  offered types (5)      one flag per {@link CooperationType}
 * 36-34  uplink type (3)        {@link UplinkType} of the primary uplink
 * 33-30  downstream class (4)   {@link #bandwidthClass(long)} of the primary uplink
 * 29-26  upstream class (4)     same scale
 * 25-22  generation (4)         offer generation, +1 (mod 16) whenever offered types or ranges change
 * 21-6   nonce (16)             random, chosen at start-up ([0122] "random bits")
 * 5-0    reserved (6)           sent as 0, kept and ignored on receipt (covered by the tag)
 * </pre>
 * Version and tag mode are not fields of this record: they belong to the codec and appear in
 * {@link Advert}.
 *
 * @param willing         the owner currently allows cooperation
 * @param offered         offered cooperation types (immutable copy)
 * @param uplinkType      type of the primary uplink
 * @param downstreamClass 0 = not disclosed, 1..15 see {@link #bandwidthClass(long)}
 * @param upstreamClass   0 = not disclosed, 1..15
 * @param generation      offer generation 0..15
 * @param nonce           random 0..65535
 * @param reserved        reserved bits 0..63, 0 when sending
 */
public record AdvertInfo(boolean willing, Set<CooperationType> offered, UplinkType uplinkType,
        int downstreamClass, int upstreamClass, int generation, int nonce, int reserved) {

    static final int VERSION_SHIFT = 44;
    static final long KEYED_BIT = 1L << 42;
    private static final int WILLING_SHIFT = 43;
    private static final int UPLINK_SHIFT = 34;
    private static final int DOWN_SHIFT = 30;
    private static final int UP_SHIFT = 26;
    private static final int GENERATION_SHIFT = 22;
    private static final int NONCE_SHIFT = 6;
    /** Mask of the 48 information bits. */
    public static final long MASK48 = (1L << 48) - 1;

    public AdvertInfo {
        if (offered == null || uplinkType == null) {
            throw new NullPointerException("offered and uplinkType must not be null");
        }
        offered = offered.isEmpty()
                ? Collections.unmodifiableSet(EnumSet.noneOf(CooperationType.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(offered));
        check("downstreamClass", downstreamClass, 15);
        check("upstreamClass", upstreamClass, 15);
        check("generation", generation, 15);
        check("nonce", nonce, 0xFFFF);
        check("reserved", reserved, 0x3F);
    }

    private static void check(String name, int v, int max) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(name + " must be 0.." + max + ", got " + v);
        }
    }

    /** Whether {@code type} is offered. */
    public boolean offers(CooperationType type) {
        return offered.contains(type);
    }

    /** This record as information bits, with version and keyed bit left zero. */
    long toBits() {
        long b = 0;
        if (willing) {
            b |= 1L << WILLING_SHIFT;
        }
        for (CooperationType t : offered) {
            b |= t.mask();
        }
        b |= (long) uplinkType.code() << UPLINK_SHIFT;
        b |= (long) downstreamClass << DOWN_SHIFT;
        b |= (long) upstreamClass << UP_SHIFT;
        b |= (long) generation << GENERATION_SHIFT;
        b |= (long) nonce << NONCE_SHIFT;
        b |= reserved;
        return b;
    }

    /** Named fields of information bits; ignores the version and keyed bits. */
    static AdvertInfo fromBits(long bits) {
        EnumSet<CooperationType> types = EnumSet.noneOf(CooperationType.class);
        for (CooperationType t : CooperationType.values()) {
            if ((bits & t.mask()) != 0) {
                types.add(t);
            }
        }
        return new AdvertInfo(
                (bits >>> WILLING_SHIFT & 1) != 0,
                types,
                UplinkType.ofCode((int) (bits >>> UPLINK_SHIFT & 7)),
                (int) (bits >>> DOWN_SHIFT & 15),
                (int) (bits >>> UP_SHIFT & 15),
                (int) (bits >>> GENERATION_SHIFT & 15),
                (int) (bits >>> NONCE_SHIFT & 0xFFFF),
                (int) (bits & 0x3F));
    }

    /**
     * The 4-bit bandwidth class of a rate: 0 for "not disclosed" (rate &lt;= 0), otherwise
     * {@code floor(log2(Mbit/s)) + 1} clamped to 1..15; so 1 covers below 2 Mbit/s, 7 covers
     * 64-127 Mbit/s (100 Mbit/s), 10 covers 512-1023 Mbit/s (1 Gbit/s), 15 covers 16384 Mbit/s
     * and above. A factor-2 hint is enough to decide whether to ask for the extra information,
     * which has the exact figures.
     */
    public static int bandwidthClass(long bitsPerSecond) {
        if (bitsPerSecond <= 0) {
            return 0;
        }
        long mbps = bitsPerSecond / 1_000_000L;
        if (mbps < 1) {
            return 1;
        }
        return Math.min(15, 64 - Long.numberOfLeadingZeros(mbps));
    }

    /** Lowest rate in bit/s of a class (0 for classes 0 and 1). */
    public static long bandwidthClassFloor(int bandwidthClass) {
        check("bandwidthClass", bandwidthClass, 15);
        return bandwidthClass <= 1 ? 0 : (1L << (bandwidthClass - 1)) * 1_000_000L;
    }
}
