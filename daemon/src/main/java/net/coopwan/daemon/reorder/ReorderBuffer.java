package net.coopwan.daemon.reorder;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Receive side of a bond: puts each flow bucket's packets back into sequence order, waiting for a
 * gap no longer than the links' measured delays require (at most {@code maxWaitNanos}), and drops
 * duplicates.
 *
 * <p>Per bucket the sender numbers packets 0, 1, 2, ... (32-bit, wrapping; serial arithmetic).
 * The receiver keeps a <em>frontier</em>, the next sequence number it may deliver:
 *
 * <ul>
 *   <li>{@code seq == frontier}: delivered at once, then any held packets that follow without a
 *       gap. An in-order flow never waits, whatever other buckets hold.</li>
 *   <li>{@code frontier < seq <= frontier + window}: copied into a pool slot and held until the gap
 *       before it is filled or one of that bucket's held packets reached its deadline (see "How
 *       long a gap is waited for"); then the bucket gives up on the missing numbers below it ("gap
 *       skipped") and delivers what it holds in order.</li>
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
 * <h2>How long a gap is waited for</h2>
 *
 * <p>Each held packet gets its own deadline when it is held. With {@link Config#adaptive()} (the
 * default) and a packet that says which link it came on and its one-way delay sample (arrival minus
 * the sender's timestamp, {@link #offer(int, int, ByteBuffer, int, int, long)}), {@link LinkDelays}
 * keeps per link a smoothed delay and its jitter (mean deviation), and the packet waits
 *
 * <pre>
 *   wait = max over links heard in the last second of (delay + 4 x jitter)  -  this packet's delay sample
 * </pre>
 *
 * clamped to [{@code minWaitNanos}, {@code maxWaitNanos}]. Why that: the missing packets of its
 * flow were sent before it (the sender numbers a flow in sending order), on some link; on the
 * slowest link they arrive at most {@code delay + 4 x jitter} after their sending, so at most
 * {@code wait} after this packet did. Whatever has not come by then was lost, or is an outlier
 * beyond four mean deviations (it is then delivered late, once). The unknown clock offset between
 * the ends cancels in the difference. What this gives, per flow and per packet:
 *
 * <ul>
 *   <li>A gap seen by a packet from the fast link waits the delay difference plus the slow link's
 *       jitter margin (5 ms and 30 +/- 5 ms: about 25 + 10 ms), not a fixed guess.</li>
 *   <li>A gap seen by a packet from the slowest link waits only its own jitter margin: anything
 *       sent before it on a faster link has had its time. So a loss on the fast link costs the
 *       flow little once the next slow-link packet is in.</li>
 *   <li>Equal delays with little jitter: a loss costs about {@code minWaitNanos}.</li>
 *   <li>Delays change (a queue builds up): the smoothing follows within some tens of packets, and
 *       the mean deviation jumps with the step first, so the wait overshoots rather than lags.</li>
 *   <li>A bond that carries data on one link (active-backup) waits that link's jitter margin only:
 *       links are counted when they carry data, and keep-alives on the backup do not reach here.</li>
 * </ul>
 *
 * <p>The links counted are all that carried data in the last second, not only those the flow
 * used: with per-packet scheduling every busy flow uses every link, and a flow's own link set
 * would be wrong exactly when it matters (its first packets, or the first packet the scheduler
 * sends on another link, would be skipped and come late). {@code maxWaitNanos}
 * ({@code reorder_wait_ms}) is the ceiling: when the delay difference plus margin is larger, the
 * ceiling binds and packets from the slow link come late, as with the fixed wait; raise it for such
 * links. A packet without a delay sample (the four-argument {@code offer}), or any packet without
 * {@code adaptive}, waits the ceiling: the fixed wait of the ablation benchmarks. So does every
 * packet in the first second after the first sample (and after {@link #reset()}): until each link
 * that carries data has been heard, a faster link's packets cannot know how slow the others are.
 * A link that starts carrying data later (or again, after a second of silence) is not known until
 * its first packet is in: packets it carried that faster packets overtook may come late once. The
 * longest wait in force, the one behind a fast-link packet, is {@link #waitNanos(long)}.
 *
 * <h2>Memory and cost</h2>
 *
 * <p>Memory is fixed at construction: a pool of {@code slots} buffers of {@code slotBytes} (default
 * 1024 x 2048 B = 2 MiB, direct so a TUN write needs no copy) and a few ints per bucket. Held
 * packets sit in two intrusive lists through the slot arrays: per bucket sorted by sequence number
 * (inserted from the tail, where a late-ish packet nearly always belongs), and one of
 * {@value #WAIT_CLASSES} + 1 <em>wait classes</em> in arrival order. Waits differ per packet, so
 * one arrival list would no longer be in deadline order. Instead a wait is rounded up to a multiple
 * of {@code maxWait / }{@value #WAIT_CLASSES} (under 2 ms at 30 ms; class {@value #WAIT_CLASSES}
 * is the ceiling itself, exact) and the packet appended to that class's list: within a class every
 * packet has the same wait, so arrival order is deadline order, exactly, and {@link #poll} and
 * {@link #nextDeadlineNanos} look only at the {@value #WAIT_CLASSES} + 1 list heads. A packet
 * waits at most one class step longer than computed, never shorter. O(1) per packet (a bounded
 * scan of the heads and of the links), no timer wheel, no scan over buckets, nothing allocated.
 *
 * <p>Pool full: the held packet closest to its deadline is released early (its bucket skips its
 * gap); counted as poolExhausted. A packet larger than a slot cannot be held: its bucket skips to
 * it and delivers it (counted as oversize). Never blocks.
 *
 * <p>Not thread-safe: one receive thread calls {@code offer} and {@code poll}. Times are
 * {@code System.nanoTime()} values and must not go backwards.
 */
public final class ReorderBuffer {

    /** 30 ms: see {@link Config#DEFAULT_MAX_WAIT_NANOS}. */
    public static final long DEFAULT_MAX_WAIT_NANOS = Config.DEFAULT_MAX_WAIT_NANOS;

    private static final int NIL = -1;
    /** Steps between no wait and the ceiling; a list per step (and one for zero). */
    static final int WAIT_CLASSES = 16;
    /** A link that carried no data for this long no longer counts for the wait. */
    static final long LINK_STALE_NANOS = 1_000_000_000L;

    /**
     * Sizes and timing.
     *
     * @param buckets      flow buckets ({@link FlowHash#BUCKETS})
     * @param slots        packets that can be held at once, over all buckets
     * @param slotBytes    largest packet that can be held; at least the bond MTU
     * @param maxWaitNanos longest a held packet waits for a gap before it: the ceiling of the
     *                     adaptive wait, or the wait itself when not adaptive
     * @param window       how far ahead of the frontier a packet is held; beyond it is a jump
     * @param adaptive     the wait follows the links' measured delays and jitter (class javadoc);
     *                     false: every gap waits {@code maxWaitNanos} (ablation)
     * @param minWaitNanos the adaptive wait's floor (a measurement is never perfect)
     */
    public record Config(int buckets, int slots, int slotBytes, long maxWaitNanos, int window, boolean adaptive,
            long minWaitNanos) {

        /**
         * Why 30 ms: the wait must cover the one-way delay difference between members (a DSL and an
         * LTE member differ by some 10-30 ms), or packets from the slower link turn "late". It
         * should stay below what the flows tolerate: TCP RACK treats a hole as loss after about a
         * quarter of min RTT (25 ms at 100 ms RTT) and retransmits anyway, and voice jitter buffers
         * are 20-60 ms. A gap only ever costs the flow that has it; in-order flows never wait.
         * It is the ceiling of the adaptive wait, which is usually shorter.
         */
        public static final long DEFAULT_MAX_WAIT_NANOS = 30_000_000L;
        /**
         * 2 ms: the adaptive wait's floor. Jitter is measured, not known; two links of equal delay
         * still swap packets by a few hundred µs, and the receive loop polls on a ms scale.
         */
        public static final long DEFAULT_MIN_WAIT_NANOS = 2_000_000L;
        public static final int DEFAULT_SLOTS = 1024;
        /** Holds a 1500-byte packet with room to spare; bonds with a larger MTU need larger slots. */
        public static final int DEFAULT_SLOT_BYTES = 2048;
        /** Same as the pool: with one flow the hold cannot usefully reach further ahead than that. */
        public static final int DEFAULT_WINDOW = 1024;

        /** Adaptive, with the default floor. */
        public Config(int buckets, int slots, int slotBytes, long maxWaitNanos, int window) {
            this(buckets, slots, slotBytes, maxWaitNanos, window, true, DEFAULT_MIN_WAIT_NANOS);
        }

        public Config {
            if (buckets < 1 || slots < 1 || slotBytes < 1 || maxWaitNanos < 0 || window < 1 || window > 1 << 30
                    || minWaitNanos < 0) {
                throw new IllegalArgumentException("bad reorder config: " + buckets + " buckets, " + slots + " slots of "
                        + slotBytes + " B, max wait " + maxWaitNanos + " ns, window " + window + ", min wait " + minWaitNanos + " ns");
            }
            if ((long) slots * slotBytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("pool too large: " + slots + " x " + slotBytes);
            }
        }

        public static Config defaults() {
            return new Config(FlowHash.BUCKETS, DEFAULT_SLOTS, DEFAULT_SLOT_BYTES, DEFAULT_MAX_WAIT_NANOS, DEFAULT_WINDOW);
        }

        public Config withMaxWaitNanos(long nanos) {
            return new Config(buckets, slots, slotBytes, nanos, window, adaptive, minWaitNanos);
        }

        public Config withSlots(int n) {
            return new Config(buckets, n, slotBytes, maxWaitNanos, window, adaptive, minWaitNanos);
        }

        public Config withWindow(int w) {
            return new Config(buckets, slots, slotBytes, maxWaitNanos, w, adaptive, minWaitNanos);
        }

        /** false: every gap waits maxWaitNanos, as before the adaptive wait (ablation benchmarks). */
        public Config withAdaptive(boolean a) {
            return new Config(buckets, slots, slotBytes, maxWaitNanos, window, a, minWaitNanos);
        }

        public Config withMinWaitNanos(long nanos) {
            return new Config(buckets, slots, slotBytes, maxWaitNanos, window, adaptive, nanos);
        }
    }

    private final Config config;
    private final PacketSink sink;
    private long maxWait;
    private final long minWait;
    private final boolean adaptive;
    private final int window;
    private final LinkDelays delays;
    /** Per wait class: its wait, and its list of held packets in arrival (= deadline) order. */
    private final long[] classWait = new long[WAIT_CLASSES + 1];
    private final int[] classHead = new int[WAIT_CLASSES + 1];
    private final int[] classTail = new int[WAIT_CLASSES + 1];
    private long classStep;
    /** The packet being offered: its delay sample (relative, µs), if it has one. */
    private boolean offerSampled;
    private long offerSample;
    /** Added to each adaptive wait ({@link #extraWaitNanos(long)}), µs. */
    private double extraWaitMicros;

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
    private final int[] slotClass;
    private final int[] prevInBucket;
    private final int[] nextInBucket; // also the free list
    private final int[] prevArrived;
    private final int[] nextArrived;
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
        this.minWait = config.minWaitNanos();
        this.adaptive = config.adaptive();
        this.window = config.window();
        this.delays = new LinkDelays(LINK_STALE_NANOS, maxWait / 4000.0);
        Arrays.fill(classHead, NIL);
        Arrays.fill(classTail, NIL);
        setClassWaits();
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
        this.slotClass = new int[n];
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
     * One received packet whose link and delay are not known: if held, it waits the ceiling
     * ({@code maxWaitNanos}). Releases whatever is due at {@code nowNanos} first, then delivers,
     * holds or drops this one.
     *
     * @param bucket the flow bucket from the tunnel header, 0..buckets-1 (others: counted, dropped)
     * @param seq    the bucket's sequence number from the tunnel header
     * @param packet the inner packet, position to limit; not changed, copied if held
     */
    public void offer(int bucket, int seq, ByteBuffer packet, long nowNanos) {
        poll(nowNanos);
        offerSampled = false;
        accept(bucket, seq, packet, nowNanos);
    }

    /**
     * One received packet with the member link it came on and its one-way delay sample: the
     * receiver's clock at arrival minus the sender's timestamp from the tunnel header, in µs, 32-bit
     * wrapping (the clocks' offset does not matter, only differences are used). The sample feeds the
     * link's delay and jitter, and, if the packet is held, its wait (class javadoc). Without
     * {@link Config#adaptive()} the same as the four-argument offer.
     *
     * @param link      the member link, 0..15; another value counts as unknown (no sample, wait the ceiling)
     * @param owdMicros arrival minus send time, µs, as the two unsynchronised clocks tell it
     */
    public void offer(int bucket, int seq, ByteBuffer packet, int link, int owdMicros, long nowNanos) {
        poll(nowNanos);
        offerSampled = adaptive && link >= 0 && link < LinkDelays.LINKS;
        if (offerSampled) {
            offerSample = delays.sample(link, owdMicros, nowNanos);
        }
        accept(bucket, seq, packet, nowNanos);
    }

    private void accept(int bucket, int seq, ByteBuffer packet, long nowNanos) {
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
                int due = earliest();
                releaseThrough(slotBucket[due], slotSeq[due]);
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
     * Releases everything held whose deadline is reached at {@code nowNanos}, in deadline order.
     * Call it at {@link #nextDeadlineNanos()} (and it runs on every offer).
     *
     * @return packets delivered by this call
     */
    public int poll(long nowNanos) {
        long before = reordered;
        int s;
        while (held > 0 && nowNanos - deadline(s = earliest()) >= 0) {
            releaseThrough(slotBucket[s], slotSeq[s]);
        }
        return (int) (reordered - before);
    }

    /**
     * When the next held packet is due; {@link Long#MAX_VALUE} when nothing is held. Like any
     * nanoTime value, compare it by subtraction ({@code now - deadline >= 0}), not with {@code <}.
     */
    public long nextDeadlineNanos() {
        return held == 0 ? Long.MAX_VALUE : deadline(earliest());
    }

    private long deadline(int s) {
        return slotArrival[s] + classWait[slotClass[s]];
    }

    /** The held packet due first: the earliest of the wait classes' heads. Something is held. */
    private int earliest() {
        int best = NIL;
        long due = 0;
        for (int c = 0; c <= WAIT_CLASSES; c++) {
            int s = classHead[c];
            if (s != NIL) {
                long d = slotArrival[s] + classWait[c];
                if (best == NIL || d - due < 0) {
                    best = s;
                    due = d;
                }
            }
        }
        return best;
    }

    /**
     * Changes the ceiling of the wait (or the wait, when not adaptive), from now on. Packets
     * already held keep their arrival time and wait class, whose wait scales with the ceiling: a
     * lower ceiling releases them sooner.
     */
    public void maxWaitNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("max wait " + nanos);
        }
        this.maxWait = nanos;
        setClassWaits();
        delays.initialJitterMicros(nanos / 4000.0);
    }

    /** The ceiling of the wait in force (the wait itself when not adaptive). */
    public long maxWaitNanos() {
        return maxWait;
    }

    private void setClassWaits() {
        classStep = Math.max(1, (maxWait + WAIT_CLASSES - 1) / WAIT_CLASSES);
        for (int c = 0; c <= WAIT_CLASSES; c++) {
            classWait[c] = Math.min(c * classStep, maxWait);
        }
    }

    /**
     * Adds {@code nanos} to every adaptive wait from now on (still at most the ceiling): the time a
     * lost packet's retransmission needs to fill its gap (loss recovery, {@code
     * net.coopwan.daemon.recovery.LossRecovery#holdExtraNanos}); 0, the default, for none. A gap that
     * is filled is released at once, so this costs only the gaps nothing fills.
     */
    public void extraWaitNanos(long nanos) {
        this.extraWaitMicros = Math.max(0, nanos) / 1000.0;
    }

    /** What {@link #extraWaitNanos(long)} set. */
    public long extraWaitNanos() {
        return (long) (extraWaitMicros * 1000);
    }

    /** The wait class for the packet being held. */
    private int waitClass(long nowNanos) {
        long wait = offerSampled ? clampedWait(delays.reachMicros(nowNanos) - offerSample + extraWaitMicros, nowNanos) : maxWait;
        return (int) Math.min(WAIT_CLASSES, (wait + classStep - 1) / classStep);
    }

    /** {@code micros} as a wait in [floor, ceiling]; the ceiling while the links are not all known yet. */
    private long clampedWait(double micros, long nowNanos) {
        if (!delays.warm(nowNanos)) {
            return maxWait;
        }
        double w = micros * 1000.0;
        long floor = Math.min(minWait, maxWait);
        return !(w > floor) ? floor : w >= maxWait ? maxWait : (long) Math.ceil(w);
    }

    /**
     * The longest wait a gap gets now: the one behind a packet from the fastest link at its
     * smoothed delay (slowest reach minus fastest delay, clamped, rounded up to its wait class),
     * ns. Packets from slower links wait less. The ceiling when not adaptive, before the links are
     * known (the first second) and when none carried data in the last second. For the status.
     */
    public long waitNanos(long nowNanos) {
        if (!adaptive) {
            return maxWait;
        }
        double d = delays.reachMicros(nowNanos) - delays.minDelayMicros(nowNanos) + extraWaitMicros;
        long wait = Double.isNaN(d) ? maxWait : clampedWait(d, nowNanos);
        return classWait[(int) Math.min(WAIT_CLASSES, (wait + classStep - 1) / classStep)];
    }

    /** Delivers everything held, bucket by bucket in order (shutdown, session change). */
    public void flushAll() {
        while (held > 0) {
            int bucket = slotBucket[earliest()];
            releaseThrough(bucket, slotSeq[tail[bucket]]);
        }
    }

    /**
     * Delivers everything held, then forgets every flow and link: the far end started a new
     * session and numbers its flows from 0 again (a backward jump would otherwise look "very
     * old"), and may have restarted with another clock origin.
     */
    public void reset() {
        flushAll();
        behind.resetAll();
        delays.reset();
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
        int c = waitClass(nowNanos);
        slotClass[s] = c;
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
        // The wait class's arrival list: append.
        prevArrived[s] = classTail[c];
        nextArrived[s] = NIL;
        if (classTail[c] == NIL) {
            classHead[c] = s;
        } else {
            nextArrived[classTail[c]] = s;
        }
        classTail[c] = s;
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
        int c = slotClass[s];
        if (p == NIL) {
            classHead[c] = n;
        } else {
            nextArrived[p] = n;
        }
        if (n == NIL) {
            classTail[c] = p;
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

    /** The link's smoothed one-way delay in µs, relative to an arbitrary origin; NaN if not heard. */
    public double linkDelayMicros(int link) {
        return delays.delayMicros(link);
    }

    /** The link's jitter (mean deviation of its delay) in µs; NaN if not heard. */
    public double linkJitterMicros(int link) {
        return delays.jitterMicros(link);
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
