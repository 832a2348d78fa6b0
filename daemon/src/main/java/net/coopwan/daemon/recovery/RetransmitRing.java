package net.coopwan.daemon.recovery;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The sender's copy of the inner packets it sent lately, by (link, packet number), so that one
 * a NACK names can be sent again. Fixed memory, allocated once:
 *
 * <ul>
 *   <li>an arena of {@code arenaBytes} (a power of 2) written round and round: the packets lie in
 *       it back to back, a packet that does not fit before the end starts at 0 again; a packet is
 *       held while the writing has not come round to it;</li>
 *   <li>{@code entries} records (a power of 2, reused in turn): link, number, flow bucket and
 *       sequence, where in the arena, when sent, whether already sent again;</li>
 *   <li>per link an index of {@code indexSize} (a power of 2): number mod indexSize to record.</li>
 * </ul>
 *
 * <p>A packet can be taken ({@link #take}) once, while it is held, younger than the age limit and
 * within the byte budget: every byte staged adds {@code budgetShare} of itself (up to a ceiling),
 * every byte taken costs one. So retransmissions never exceed that share of the data sent,
 * whatever the NACKs ask: at a loss rate above it, recovery would cost more than it gives (the
 * link's health takes such a link out).
 *
 * <p>Sending is two steps because the packet number is known only once the packet is sealed, and
 * sealing encrypts in place: {@link #stage} copies the plaintext before, {@link #commit} files it
 * under its number after. One thread stages and commits (the sender); another may take (the
 * receiver, on a NACK): every method holds the ring's lock for a copy at most.
 */
public final class RetransmitRing {
    /** What {@link #take} returns when it did not copy a packet (a copy returns its length, >= 0). */
    public static final int NOT_HELD = -1;
    public static final int TOO_LATE = -2;
    public static final int ALREADY_SENT = -3;
    public static final int NO_BUDGET = -4;

    private final ByteBuffer arena;
    private final int arenaBytes;
    private final int maxPacket;
    private long written;
    private final int entries;
    private long staged;
    private final long[] entPn;
    private final int[] entLink;
    private final int[] entBucket;
    private final int[] entSeq;
    private final long[] entStart;
    private final int[] entLen;
    private final long[] entTime;
    private final boolean[] entResent;
    private final int indexSize;
    private final int[] index;
    private final long[] indexPn;
    private final double budgetShare;
    private final double budgetCeiling;
    private double budget;
    private long oversize;

    /**
     * @param arenaBytes  bytes of packets held, a power of 2
     * @param entries     packets held at most, a power of 2
     * @param indexSize   numbers per link the index reaches back, a power of 2
     * @param budgetShare retransmitted bytes allowed per byte staged (0.1: 10 %)
     * @param budgetCeiling most budget saved up, bytes (a burst of retransmissions)
     */
    public RetransmitRing(int arenaBytes, int entries, int indexSize, double budgetShare, double budgetCeiling) {
        if (Integer.bitCount(arenaBytes) != 1 || Integer.bitCount(entries) != 1 || Integer.bitCount(indexSize) != 1
                || arenaBytes < 2048 || !(budgetShare >= 0) || !(budgetCeiling >= 0)) {
            throw new IllegalArgumentException("ring: " + arenaBytes + " B, " + entries + " entries, index " + indexSize);
        }
        this.arena = ByteBuffer.allocateDirect(arenaBytes);
        this.arenaBytes = arenaBytes;
        this.maxPacket = arenaBytes / 4;
        this.entries = entries;
        this.entPn = new long[entries];
        this.entLink = new int[entries];
        this.entBucket = new int[entries];
        this.entSeq = new int[entries];
        this.entStart = new long[entries];
        this.entLen = new int[entries];
        this.entTime = new long[entries];
        this.entResent = new boolean[entries];
        Arrays.fill(entPn, -1);
        this.indexSize = indexSize;
        this.index = new int[GapDetector.LINKS * indexSize];
        this.indexPn = new long[GapDetector.LINKS * indexSize];
        Arrays.fill(index, -1);
        Arrays.fill(indexPn, -1);
        this.budgetShare = budgetShare;
        this.budgetCeiling = budgetCeiling;
    }

    /**
     * Copies the {@code length} bytes at {@code at} of {@code src} (absolute; src is not changed)
     * as a packet about to be sent on {@code link}. Returns the handle for {@link #commit}, or -1
     * when the packet is too large to hold (a quarter of the arena; counted).
     */
    public synchronized int stage(int link, int bucket, int seq, ByteBuffer src, int at, int length, long nowNanos) {
        if (length < 0 || length > maxPacket || link < 0 || link >= GapDetector.LINKS) {
            oversize++;
            return -1;
        }
        long start = written;
        int phys = (int) (start & (arenaBytes - 1));
        if (phys + length > arenaBytes) {
            start += arenaBytes - phys;
            phys = 0;
        }
        arena.put(phys, src, at, length);
        written = start + length;
        int e = (int) (staged++ & (entries - 1));
        entPn[e] = -1;
        entLink[e] = link;
        entBucket[e] = bucket;
        entSeq[e] = seq;
        entStart[e] = start;
        entLen[e] = length;
        entTime[e] = nowNanos;
        entResent[e] = false;
        budget = Math.min(budgetCeiling, budget + length * budgetShare);
        return e;
    }

    /** The staged packet {@code handle} was sealed as {@code pn} (not called when sealing failed). */
    public synchronized void commit(int handle, long pn) {
        if (handle < 0 || handle >= entries || pn < 0) {
            return;
        }
        entPn[handle] = pn;
        int slot = entLink[handle] * indexSize + (int) (pn & (indexSize - 1));
        index[slot] = handle;
        indexPn[slot] = pn;
    }

    /**
     * Copies packet {@code pn} of {@code link} to {@code dst} at {@code at} (absolute) if it may
     * be sent again, and marks it sent; {@code meta} gets its bucket and flow sequence. Returns
     * its length, or {@link #NOT_HELD} (never held under that number: a control packet, an LC
     * copy, a packet too large, a number not sent yet), {@link #TOO_LATE} (overwritten, or older
     * than {@code maxAgeNanos}), {@link #ALREADY_SENT} or {@link #NO_BUDGET}.
     */
    public synchronized int take(int link, long pn, long nowNanos, long maxAgeNanos, ByteBuffer dst, int at, int[] meta) {
        if (link < 0 || link >= GapDetector.LINKS || pn < 0) {
            return NOT_HELD;
        }
        int slot = link * indexSize + (int) (pn & (indexSize - 1));
        long filed = indexPn[slot];
        if (filed != pn) {
            return filed > pn ? TOO_LATE : NOT_HELD;
        }
        int e = index[slot];
        if (entPn[e] != pn || entLink[e] != link || written - entStart[e] > arenaBytes
                || nowNanos - entTime[e] > maxAgeNanos) {
            return TOO_LATE;
        }
        if (entResent[e]) {
            return ALREADY_SENT;
        }
        int len = entLen[e];
        if (budget < len) {
            return NO_BUDGET;
        }
        if (at < 0 || at + len > dst.capacity()) {
            return NOT_HELD;
        }
        dst.put(at, arena, (int) (entStart[e] & (arenaBytes - 1)), len);
        entResent[e] = true;
        budget -= len;
        meta[0] = entBucket[e];
        meta[1] = entSeq[e];
        return len;
    }

    /** Forgets every packet (a new session: its numbers start again from 0). */
    public synchronized void clear() {
        Arrays.fill(entPn, -1);
        Arrays.fill(index, -1);
        Arrays.fill(indexPn, -1);
    }

    /** Packets that were too large to hold. */
    public synchronized long oversize() {
        return oversize;
    }

    /** Bytes of retransmission the budget allows now. */
    public synchronized double budgetBytes() {
        return budget;
    }
}
