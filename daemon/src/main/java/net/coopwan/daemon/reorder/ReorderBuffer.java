package net.coopwan.daemon.reorder;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Receive side of a bond: puts each flow bucket's packets back into sequence order, waiting at
 * most {@code maxWaitNanos} for a gap, and drops duplicates.
 *
 * <p>Per bucket the sender numbers packets 0, 1, 2, ... (32-bit, wrapping; serial arithmetic).
 * The receiver keeps a <em>frontier</em>, the next sequence number it may deliver:
 *
 * <ul>
 *   <li>{@code seq == frontier}: delivered at once, then any held packets that follow without a
 *       gap. An in-order flow never waits, whatever other buckets hold.</li>
 *   <li>{@code frontier < seq <= frontier + window}: copied into a pool slot and held until the gap
 *       before it is filled or the oldest held packet of that bucket waited {@code maxWaitNanos};
 *       then the bucket gives up on the missing numbers ("gap skipped") and delivers what it holds
 *       in order.</li>
 *   <li>{@code seq < frontier}: either a packet whose gap was skipped ("late": delivered once,
 *       because TCP copes better with a late segment than with a lost one) or one already delivered
 *       (duplicate: dropped). Telling them apart is exactly {@link DuplicateFilter}: its
 *       {@code last} is {@code frontier - 1}, and skipping a gap is its advance rule, which marks
 *       the skipped numbers missing. So late packets up to 63 numbers behind are recognised; older
 *       ones are dropped as too old.</li>
 *   <li>{@code seq > frontier + window}: the sender restarted (or a very long burst was lost): the
 *       bucket delivers what it holds, moves its frontier to {@code seq} and delivers it at once
 *       ("jump"). Holding it instead would only add maxWait to a flow that has moved on. The jump
 *       forward is the only reset: a jump backward is indistinguishable from a very old packet, and
 *       a new sender session gets a new ReorderBuffer (or {@link #flushAll()}) anyway.</li>
 * </ul>
 *
 * <p>The first packet of a bucket sets its frontier and is delivered; the filter starts with
 * {@link DuplicateFilter.Start#EARLIER_MISSING}, so packets that the first one overtook are still
 * delivered once, as late (with {@code EARLIER_RECEIVED} they would be lost).
 *
 * <p>Memory is fixed at construction: a pool of {@code slots} buffers of {@code slotBytes} (default
 * 1024 x 2048 B = 2 MiB, direct so a TUN write needs no copy) and a few ints per bucket. Held
 * packets sit in two intrusive lists through the slot arrays: per bucket sorted by sequence number
 * (inserted from the tail, where a late-ish packet nearly always belongs), and one global list in
 * arrival order. Because time only moves forward the arrival list is also deadline order, so
 * {@link #poll} and {@link #nextDeadlineNanos} look only at its head: O(1) per released packet, no
 * timer wheel, no scan over buckets. Nothing is allocated per packet.
 *
 * <p>Pool full: the globally oldest held packet is released early (its bucket skips its gap), since
 * it is the one closest to its deadline anyway; counted as poolExhausted. A packet larger than a
 * slot cannot be held: its bucket skips to it and delivers it (counted as oversize). Never blocks.
 *
 * <p>Not thread-safe: one receive thread calls {@code offer} and {@code poll}. Times are
 * {@code System.nanoTime()} values and must not go backwards.
 */
public final class ReorderBuffer {

    /** 30 ms: see {@link Config#DEFAULT_MAX_WAIT_NANOS}. */
    public static final long DEFAULT_MAX_WAIT_NANOS = Config.DEFAULT_MAX_WAIT_NANOS;

    private static final int NIL = -1;

    /**
     * Sizes and timing.
     *
     * @param buckets      flow buckets ({@link FlowHash#BUCKETS})
     * @param slots        packets that can be held at once, over all buckets
     * @param slotBytes    largest packet that can be held; at least the bond MTU
     * @param maxWaitNanos longest a held packet waits for a gap before it
     * @param window       how far ahead of the frontier a packet is held; beyond it is a jump
     */
    public record Config(int buckets, int slots, int slotBytes, long maxWaitNanos, int window) {

        /**
         * Why 30 ms: the wait must cover the one-way delay difference between members (a DSL and an
         * LTE member differ by some 10-30 ms), or packets from the slower link turn "late". It
         * should stay below what the flows tolerate: TCP RACK treats a hole as loss after about a
         * quarter of min RTT (25 ms at 100 ms RTT) and retransmits anyway, and voice jitter buffers
         * are 20-60 ms. A gap only ever costs the flow that has it; in-order flows never wait.
         * Configurable so the adaptive measurement can set it from the measured delay spread.
         */
        public static final long DEFAULT_MAX_WAIT_NANOS = 30_000_000L;
        public static final int DEFAULT_SLOTS = 1024;
        /** Holds a 1500-byte packet with room to spare; bonds with a larger MTU need larger slots. */
        public static final int DEFAULT_SLOT_BYTES = 2048;
        /** Same as the pool: with one flow the hold cannot usefully reach further ahead than that. */
        public static final int DEFAULT_WINDOW = 1024;

        public Config {
            if (buckets < 1 || slots < 1 || slotBytes < 1 || maxWaitNanos < 0 || window < 1 || window > 1 << 30) {
                throw new IllegalArgumentException("bad reorder config: " + buckets + " buckets, " + slots + " slots of "
                        + slotBytes + " B, max wait " + maxWaitNanos + " ns, window " + window);
            }
            if ((long) slots * slotBytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("pool too large: " + slots + " x " + slotBytes);
            }
        }

        public static Config defaults() {
            return new Config(FlowHash.BUCKETS, DEFAULT_SLOTS, DEFAULT_SLOT_BYTES, DEFAULT_MAX_WAIT_NANOS, DEFAULT_WINDOW);
        }

        public Config withMaxWaitNanos(long nanos) {
            return new Config(buckets, slots, slotBytes, nanos, window);
        }

        public Config withSlots(int n) {
            return new Config(buckets, n, slotBytes, maxWaitNanos, window);
        }

        public Config withWindow(int w) {
            return new Config(buckets, slots, slotBytes, maxWaitNanos, w);
        }
    }

    private final Config config;
    private final PacketSink sink;
    private long maxWait;
    private final int window;

    // Per bucket.
    private final int[] frontier;
    private final int[] head;
    private final int[] tail;
    private final DuplicateFilter behind;

    // Per slot.
    private final ByteBuffer[] slot;
    private final int[] slotBucket;
    private final int[] slotSeq;
    private final long[] slotArrival;
    private final int[] prevInBucket;
    private final int[] nextInBucket; // also the free list
    private final int[] prevArrived;
    private final int[] nextArrived;
    private int oldest = NIL;
    private int newest = NIL;
    private int free;
    private int held;

    private long inOrder;
    private long reordered;
    private long late;
    private long duplicates;
    private long tooOld;
    private long gapsSkipped;
    private long seqsSkipped;
    private long poolExhausted;
    private long oversize;
    private long jumps;
    private long invalid;
    private final boolean flowsStartAtZero;

    public ReorderBuffer(PacketSink sink) {
        this(Config.defaults(), sink);
    }

    public ReorderBuffer(Config config, PacketSink sink) {
        this(config, sink, false);
    }

    /**
     * @param flowsStartAtZero the sender numbers each flow from 0 within a session (the tunnel
     *     does), so a flow's first packet to arrive is held if lower numbers are missing;
     *     otherwise the first packet seen sets the expectation
     */
    public ReorderBuffer(Config config, PacketSink sink, boolean flowsStartAtZero) {
        this.flowsStartAtZero = flowsStartAtZero;
        this.config = config;
        this.sink = sink;
        this.maxWait = config.maxWaitNanos();
        this.window = config.window();
        int b = config.buckets();
        this.frontier = new int[b];
        this.head = new int[b];
        this.tail = new int[b];
        Arrays.fill(head, NIL);
        Arrays.fill(tail, NIL);
        this.behind = new DuplicateFilter(b, DuplicateFilter.DEFAULT_MASK_BITS, DuplicateFilter.Start.EARLIER_MISSING);
        int n = config.slots();
        ByteBuffer pool = ByteBuffer.allocateDirect(n * config.slotBytes());
        this.slot = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            slot[i] = pool.slice(i * config.slotBytes(), config.slotBytes());
        }
        this.slotBucket = new int[n];
        this.slotSeq = new int[n];
        this.slotArrival = new long[n];
        this.prevInBucket = new int[n];
        this.nextInBucket = new int[n];
        this.prevArrived = new int[n];
        this.nextArrived = new int[n];
        for (int i = 0; i < n; i++) {
            nextInBucket[i] = i + 1 < n ? i + 1 : NIL;
        }
        this.free = 0;
    }

    /**
     * One received packet. Releases whatever is due at {@code nowNanos} first, then delivers,
     * holds or drops this one.
     *
     * @param bucket the flow bucket from the tunnel header, 0..buckets-1 (others: counted, dropped)
     * @param seq    the bucket's sequence number from the tunnel header
     * @param packet the inner packet, position to limit; not changed, copied if held
     */
    public void offer(int bucket, int seq, ByteBuffer packet, long nowNanos) {
        poll(nowNanos);
        if (bucket < 0 || bucket >= frontier.length) {
            invalid++;
            return;
        }
        if (!behind.started(bucket)) {
            if (!flowsStartAtZero || seq <= 0 || seq > window) {
                behind.accept(bucket, seq);
                frontier[bucket] = seq + 1;
                inOrder++;
                sink.deliver(packet);
                return;
            }
            // The sender numbers every flow of a session from 0: a first packet numbered 3 was
            // overtaken by 0..2, which are still on their way (another link). Expect 0.
            behind.accept(bucket, -1);
            frontier[bucket] = 0;
        }
        int d = seq - frontier[bucket];
        if (d < 0) {
            offerBehind(bucket, seq, packet);
        } else if (d == 0) {
            deliverNow(bucket, seq, packet);
        } else if (d > window) {
            jumps++;
            releaseThrough(bucket, seq - 1);
            deliverNow(bucket, seq, packet);
        } else if (isHeld(bucket, seq)) {
            duplicates++;
        } else if (packet.remaining() > slot[0].capacity()) {
            oversize++;
            releaseThrough(bucket, seq - 1);
            deliverNow(bucket, seq, packet);
        } else {
            if (free == NIL) {
                poolExhausted++;
                releaseThrough(slotBucket[oldest], slotSeq[oldest]);
                // That may have moved this bucket's frontier up to or past seq.
                d = seq - frontier[bucket];
                if (d < 0) {
                    offerBehind(bucket, seq, packet);
                    return;
                } else if (d == 0) {
                    deliverNow(bucket, seq, packet);
                    return;
                }
            }
            hold(bucket, seq, packet, nowNanos);
        }
    }

    /** Late (skipped, never delivered) or duplicate: the filter behind the frontier knows which. */
    private void offerBehind(int bucket, int seq, ByteBuffer packet) {
        switch (behind.accept(bucket, seq)) {
            case FILLED, NEW -> {
                late++;
                sink.deliver(packet);
            }
            case DUPLICATE -> duplicates++;
            case TOO_OLD -> tooOld++;
        }
    }

    /**
     * Delivers {@code seq} now, skipping any gap before it, then what follows it. The bucket must
     * hold nothing below {@code seq}.
     */
    private void deliverNow(int bucket, int seq, ByteBuffer packet) {
        advanceFrontier(bucket, seq);
        inOrder++;
        sink.deliver(packet);
        releaseThrough(bucket, seq);
    }

    /** Moves the frontier past {@code seq}, counting the numbers skipped on the way. */
    private void advanceFrontier(int bucket, int seq) {
        int gap = seq - frontier[bucket];
        if (gap > 0) {
            gapsSkipped++;
            seqsSkipped += gap;
        }
        behind.accept(bucket, seq);
        frontier[bucket] = seq + 1;
    }

    /**
     * Delivers, in order, every held packet of the bucket up to {@code limit} (skipping gaps), then
     * every held packet that follows without a gap.
     */
    private void releaseThrough(int bucket, int limit) {
        int s = head[bucket];
        while (s != NIL && (slotSeq[s] - limit <= 0 || slotSeq[s] == frontier[bucket])) {
            int seq = slotSeq[s];
            int next = nextInBucket[s];
            advanceFrontier(bucket, seq);
            unlink(bucket, s);
            // Freed before delivering: nothing can reuse it during the call (no re-entry), and a
            // throwing sink does not leak it.
            reordered++;
            sink.deliver(slot[s]);
            s = next;
        }
    }

    /**
     * Releases everything held whose wait reached {@code maxWaitNanos} at {@code nowNanos}.
     * Call it at {@link #nextDeadlineNanos()} (and it runs on every offer).
     *
     * @return packets delivered by this call
     */
    public int poll(long nowNanos) {
        long before = reordered;
        while (oldest != NIL && nowNanos - slotArrival[oldest] - maxWait >= 0) {
            releaseThrough(slotBucket[oldest], slotSeq[oldest]);
        }
        return (int) (reordered - before);
    }

    /**
     * When the oldest held packet is due; {@link Long#MAX_VALUE} when nothing is held. Like any
     * nanoTime value, compare it by subtraction ({@code now - deadline >= 0}), not with {@code <}.
     */
    public long nextDeadlineNanos() {
        return oldest == NIL ? Long.MAX_VALUE : slotArrival[oldest] + maxWait;
    }

    /**
     * Changes how long a gap is waited for, from now on (packets already held keep their
     * arrival time, so a shorter wait releases them sooner). The owner sets it from the measured
     * delay spread between links.
     */
    public void maxWaitNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("max wait " + nanos);
        }
        this.maxWait = nanos;
    }

    /** The wait in force. */
    public long maxWaitNanos() {
        return maxWait;
    }

    /** Delivers everything held, bucket by bucket in order (shutdown, session change). */
    public void flushAll() {
        while (oldest != NIL) {
            int bucket = slotBucket[oldest];
            releaseThrough(bucket, slotSeq[tail[bucket]]);
        }
    }

    /**
     * Delivers everything held, then forgets every flow: the far end started a new session and
     * numbers its flows from 0 again (a backward jump would otherwise look "very old").
     */
    public void reset() {
        flushAll();
        behind.resetAll();
    }

    private boolean isHeld(int bucket, int seq) {
        for (int s = tail[bucket]; s != NIL; s = prevInBucket[s]) {
            int c = slotSeq[s] - seq;
            if (c == 0) {
                return true;
            }
            if (c < 0) {
                return false;
            }
        }
        return false;
    }

    private void hold(int bucket, int seq, ByteBuffer packet, long nowNanos) {
        int s = free;
        free = nextInBucket[s];
        int len = packet.remaining();
        ByteBuffer b = slot[s];
        b.clear();
        b.put(0, packet, packet.position(), len);
        b.limit(len);
        slotBucket[s] = bucket;
        slotSeq[s] = seq;
        slotArrival[s] = nowNanos;
        // Sorted insert, walking back from the tail.
        int after = tail[bucket];
        while (after != NIL && slotSeq[after] - seq > 0) {
            after = prevInBucket[after];
        }
        prevInBucket[s] = after;
        nextInBucket[s] = after == NIL ? head[bucket] : nextInBucket[after];
        if (after == NIL) {
            head[bucket] = s;
        } else {
            nextInBucket[after] = s;
        }
        if (nextInBucket[s] == NIL) {
            tail[bucket] = s;
        } else {
            prevInBucket[nextInBucket[s]] = s;
        }
        // Arrival list: append.
        prevArrived[s] = newest;
        nextArrived[s] = NIL;
        if (newest == NIL) {
            oldest = s;
        } else {
            nextArrived[newest] = s;
        }
        newest = s;
        held++;
    }

    /** Takes slot {@code s} out of both lists and returns it to the free list. */
    private void unlink(int bucket, int s) {
        int p = prevInBucket[s];
        int n = nextInBucket[s];
        if (p == NIL) {
            head[bucket] = n;
        } else {
            nextInBucket[p] = n;
        }
        if (n == NIL) {
            tail[bucket] = p;
        } else {
            prevInBucket[n] = p;
        }
        p = prevArrived[s];
        n = nextArrived[s];
        if (p == NIL) {
            oldest = n;
        } else {
            nextArrived[p] = n;
        }
        if (n == NIL) {
            newest = p;
        } else {
            prevArrived[n] = p;
        }
        nextInBucket[s] = free;
        free = s;
        held--;
    }

    public Config config() {
        return config;
    }

    /** Packets held right now. */
    public int held() {
        return held;
    }

    /** Delivered on arrival, in order (including a bucket's first packet and jumps). */
    public long inOrder() {
        return inOrder;
    }

    /** Delivered from the hold, after their gap was filled or skipped. */
    public long reordered() {
        return reordered;
    }

    /** Arrived after their gap was skipped; delivered once, out of order. */
    public long late() {
        return late;
    }

    /** Dropped: already delivered, or already held. */
    public long duplicates() {
        return duplicates;
    }

    /** Dropped: too far behind the frontier to tell late from duplicate. */
    public long tooOld() {
        return tooOld;
    }

    /** Times a bucket gave up waiting for one or more missing numbers. */
    public long gapsSkipped() {
        return gapsSkipped;
    }

    /** Sequence numbers given up on (lost, or late yet to come). */
    public long seqsSkipped() {
        return seqsSkipped;
    }

    /** Times a packet had to be held with the pool full. */
    public long poolExhausted() {
        return poolExhausted;
    }

    /** Packets ahead of a gap that were larger than a slot. */
    public long oversize() {
        return oversize;
    }

    /** Packets more than the window ahead of their bucket's frontier. */
    public long jumps() {
        return jumps;
    }

    /** Packets with a bucket number out of range. */
    public long invalid() {
        return invalid;
    }
}
