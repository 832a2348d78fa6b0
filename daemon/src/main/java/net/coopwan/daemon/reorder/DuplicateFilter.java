package net.coopwan.daemon.reorder;

import java.util.Arrays;

/**
 * Per-flow deduplication with {@code last_packet_ID} and a bitmask of IDs not yet received, as
 * seed 001 [0339] describes it and its notes resolve it:
 *
 * <ul>
 *   <li>bit {@code i} stands for ID {@code last - i}; a 1 means <em>missing</em> (the inverse of
 *       the IPsec anti-replay window, where 1 means seen). Bit 0 is {@code last} itself and is
 *       always 0, so a mask of width W covers {@code last-(W-1) .. last-1}. The literal example:
 *       last=12345, mask 00111000 means 12342, 12341 and 12340 are still missing.</li>
 *   <li>ID {@code p} with {@code d = p - last > 0}: accepted; {@code mask = (mask << d) | bits
 *       1..d-1}, truncated to W bits, bit 0 clear, {@code last = p} (the skipped IDs become
 *       missing).</li>
 *   <li>ID at or behind {@code last} within the window: accepted once if its bit is set (and the
 *       bit is cleared), otherwise a duplicate.</li>
 *   <li>Further behind than the mask reaches ("very old"): dropped.</li>
 *   <li>The first ID of a flow is accepted with mask 0 ({@link Start#EARLIER_RECEIVED}, the
 *       notes' reading: nothing before it will be let through), or with all bits set
 *       ({@link Start#EARLIER_MISSING}: the W-1 IDs before it are accepted once each, for a user
 *       that knows packets may have overtaken the first one).</li>
 * </ul>
 *
 * <p>IDs are 32-bit and compared with serial-number arithmetic (RFC 1982): {@code p} is ahead of
 * {@code last} when {@code (int) (p - last) > 0}, so the ID space wraps from 2^32-1 to 0 without a
 * hiccup. An ID exactly 2^31 away counts as behind, hence very old.
 *
 * <p>Flows are array slots (0..flows-1): no maps, no allocation per packet. Not thread-safe.
 */
public final class DuplicateFilter {

    public static final int DEFAULT_MASK_BITS = 64;
    public static final int MIN_MASK_BITS = MissingMask.MIN_BITS;

    /** What {@link #accept} decided. */
    public enum Verdict {
        /** Ahead of {@code last} (or the flow's first ID): passed, {@code last} moved. */
        NEW,
        /** Behind {@code last} and marked missing: passed, its bit cleared. */
        FILLED,
        /** Already passed. */
        DUPLICATE,
        /** Further behind than the mask reaches. */
        TOO_OLD;

        public boolean accepted() {
            return this == NEW || this == FILLED;
        }
    }

    /** What the first ID of a flow says about the IDs just before it. */
    public enum Start { EARLIER_RECEIVED, EARLIER_MISSING }

    private final int width;
    private final long widthMask;
    private final Start start;
    private final int[] last;
    private final long[] mask;
    private final boolean[] started;
    private long duplicates;
    private long tooOld;

    /** 64-bit masks, {@link Start#EARLIER_RECEIVED}. */
    public DuplicateFilter(int flows) {
        this(flows, DEFAULT_MASK_BITS, Start.EARLIER_RECEIVED);
    }

    /**
     * @param flows    number of flow slots
     * @param maskBits mask width W, {@value #MIN_MASK_BITS}..64 (8 is the notes' example)
     * @param start    state after a flow's first ID
     */
    public DuplicateFilter(int flows, int maskBits, Start start) {
        if (flows < 1) {
            throw new IllegalArgumentException("flows must be >= 1: " + flows);
        }
        this.widthMask = MissingMask.widthMask(maskBits);
        this.width = maskBits;
        this.start = start;
        this.last = new int[flows];
        this.mask = new long[flows];
        this.started = new boolean[flows];
    }

    /** Decides about {@code id} on {@code flow} and records it if accepted; counts rejects. */
    public Verdict accept(int flow, int id) {
        if (!started[flow]) {
            started[flow] = true;
            last[flow] = id;
            mask[flow] = start == Start.EARLIER_MISSING ? widthMask & ~1L : 0L;
            return Verdict.NEW;
        }
        int d = id - last[flow];
        if (d > 0) {
            mask[flow] = MissingMask.advance(mask[flow], d, widthMask);
            last[flow] = id;
            return Verdict.NEW;
        }
        // d <= 0; d == Integer.MIN_VALUE is 2^31 behind, negating it stays negative: very old.
        int back = -d;
        if (back < 0) {
            tooOld++;
            return Verdict.TOO_OLD;
        }
        Verdict v = MissingMask.behind(mask[flow], back, width);
        switch (v) {
            case TOO_OLD -> tooOld++;
            case DUPLICATE -> duplicates++;
            default -> mask[flow] &= ~MissingMask.bit(back);
        }
        return v;
    }

    /** Forgets the flow: its next ID is a first ID again. */
    public void reset(int flow) {
        started[flow] = false;
        last[flow] = 0;
        mask[flow] = 0L;
    }

    public void resetAll() {
        Arrays.fill(started, false);
        Arrays.fill(last, 0);
        Arrays.fill(mask, 0L);
    }

    public boolean started(int flow) {
        return started[flow];
    }

    /** {@code last_packet_ID} of the flow (meaningless before its first ID). */
    public int last(int flow) {
        return last[flow];
    }

    /** The missing-bitmask of the flow: bit i set = ID {@code last - i} not received yet. */
    public long mask(int flow) {
        return mask[flow];
    }

    public int maskBits() {
        return width;
    }

    public int flows() {
        return last.length;
    }

    public long duplicates() {
        return duplicates;
    }

    public long tooOld() {
        return tooOld;
    }
}
