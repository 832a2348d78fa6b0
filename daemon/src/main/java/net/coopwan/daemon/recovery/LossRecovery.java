package net.coopwan.daemon.recovery;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.TunnelHeader;

/**
 * Loss recovery for one far end, both roles (docs/PROTOCOL.md 4.8):
 *
 * <ul>
 *   <li><b>Sender</b>: every DATA packet is staged in the {@link RetransmitRing} before sealing
 *       and filed under its packet number after. A NACK names (link, number) pairs; each one still
 *       held, younger than the age limit and within the byte budget is sealed again as a new DATA
 *       packet (same bucket and flow sequence, the next packet number of the link it goes on) and
 *       sent once, on the link the NACK came on: the receiver sends its NACKs on the link whose data
 *       reaches it fastest. A packet is never sent a third time.</li>
 *   <li><b>Receiver</b>: every opened packet's number goes to the {@link GapDetector}; the numbers
 *       it reports are gathered into one NACK per call (at most {@value NackCodec#MAX_NUMBERS}
 *       numbers, one group per link), sent on the usable link with the smallest measured delay, at
 *       most {@link Config#nacksPerSecond()} a second.</li>
 * </ul>
 *
 * <p>Threads: {@link #stage} and {@link #commit} from the sender thread; {@link #onPacket},
 * {@link #poll}, {@link #onNack} and {@link #reset} from the receiver thread; counters and
 * {@link #enabled(boolean)} from any. Nothing is allocated per packet.
 */
public final class LossRecovery {

    /** What the data path provides. */
    public interface Port {
        /** Whether the scheduler may send on {@code link} now. */
        boolean usable(int link);

        /** Whether {@code link} is capped (a sharer's line): retransmissions avoid it when they can. */
        boolean capped(int link);

        /** This side's smoothed one-way delay of data arriving on {@code link}, µs on any fixed origin; NaN when unknown. */
        double delayMicros(int link);

        /** The jitter (mean deviation) of that delay, µs; NaN when unknown. */
        double jitterMicros(int link);

        /** Seals the payload at the payload offset of {@code f} as a NACK on {@code link} and sends it. */
        boolean sendNack(Frame f, int payloadLength, int link, long nowNanos);

        /** Seals the inner packet at the payload offset of {@code f} as DATA on {@code link} and sends it. */
        boolean resend(Frame f, int length, int link, int bucket, int flowSeq, long nowNanos);
    }

    /**
     * Sizes, limits and timing.
     *
     * @param enabled          the switch: off, nothing is held, detected or sent, and NACKs are ignored
     * @param arenaBytes       the ring's bytes of packets (1 MiB: 168 ms at 50 Mbit/s)
     * @param entries          the ring's packets (4096)
     * @param indexSize        numbers per link the ring's index reaches back (1024)
     * @param budgetShare      retransmitted bytes allowed per data byte sent (0.1)
     * @param budgetCeilingBytes budget saved up at most (128 KiB: a burst of 90 full packets)
     * @param maxAgeNanos      a packet older than this is not sent again: it would come after the far
     *                         end gave up the gap (the reorder wait's ceiling)
     * @param minAllowanceNanos the gap detector's allowance at least (1 ms)
     * @param jitterFactor     the allowance is this many times the link's jitter (2)
     * @param maxAllowanceNanos the allowance at most (10 ms)
     * @param nacksPerSecond   NACK packets sent at most per second, with a burst of a tenth of it
     * @param defaultRttNanos  the round trip assumed when the data path knows none (concentrator)
     * @param holdMarginNanos  added to the raise of the reorder wait beyond allowance and round trip
     *                         (3 ms: the slow link's next packet, the receive loop's wake-ups)
     */
    public record Config(boolean enabled, int arenaBytes, int entries, int indexSize, double budgetShare,
            double budgetCeilingBytes, long maxAgeNanos, long minAllowanceNanos, double jitterFactor,
            long maxAllowanceNanos, double nacksPerSecond, long defaultRttNanos, long holdMarginNanos) {

        /** On; the data path switches it off when {@code list disable 'loss_recovery'} says so. */
        public static Config defaults(long maxAgeNanos) {
            return new Config(true, 1 << 20, 4096, 1024, 0.1, 128 * 1024, maxAgeNanos, 1_000_000L, 2.0,
                    10_000_000L, 200, 20_000_000L, 3_000_000L);
        }

        public Config withEnabled(boolean on) {
            return new Config(on, arenaBytes, entries, indexSize, budgetShare, budgetCeilingBytes, maxAgeNanos,
                    minAllowanceNanos, jitterFactor, maxAllowanceNanos, nacksPerSecond, defaultRttNanos, holdMarginNanos);
        }
    }

    private static final long ALLOWANCE_UPDATE_NANOS = 50_000_000L;
    /**
     * A link that carried no DATA for this long gets no NACKs for its gaps: what it lost was
     * keep-alives or LC copies (never held for retransmission; copies are their own redundancy).
     */
    static final long DATA_STALE_NANOS = 1_000_000_000L;

    private final Config config;
    private final Port port;
    private final AtomicLongArray counts = new AtomicLongArray(RecoveryCounter.values().length);
    private volatile boolean enabled;
    private final GapDetector detector;
    private final RetransmitRing ring;
    /** Receiver thread: NACKs going out and packets sent again. */
    private final Frame out = new Frame();
    private final int[] meta = new int[2];
    private final GapDetector.Sink onMissing = this::missing;
    private final NackCodec.Visitor onNamed = this::named;
    // NACK being gathered, per link: highest number and the mask of the 64 below it
    private final long[] top = new long[GapDetector.LINKS];
    private final long[] below = new long[GapDetector.LINKS];
    private final boolean[] has = new boolean[GapDetector.LINKS];
    /** When each link last carried DATA here: gaps on a link without data are not NACKed. */
    private final long[] lastData = new long[GapDetector.LINKS];
    private final boolean[] dataSeen = new boolean[GapDetector.LINKS];
    private int pending;
    private double nackTokens;
    private long nackRefilled;
    private boolean refilledOnce;
    private long allowancesUpdated;
    private boolean allowancesSet;
    private long maxAllowance;
    // the NACK being answered
    private int nackLink;
    private long nackNow;

    public LossRecovery(Config config, Port port) {
        this.config = config;
        this.port = port;
        this.enabled = config.enabled();
        this.detector = new GapDetector(config.minAllowanceNanos());
        this.ring = new RetransmitRing(config.arenaBytes(), config.entries(), config.indexSize(), config.budgetShare(),
                config.budgetCeilingBytes());
        this.maxAllowance = config.minAllowanceNanos();
    }

    public Config config() {
        return config;
    }

    public boolean enabled() {
        return enabled;
    }

    /** The switch, at run time (any thread; the receiver forgets its gaps at the next session). */
    public void enabled(boolean on) {
        this.enabled = on;
    }

    // ------------------------------------------------------------------ sender thread

    /** Copies the inner packet about to be sealed as DATA; -1 when off or not held. */
    public int stage(int link, int bucket, int flowSeq, ByteBuffer src, int at, int length, long nowNanos) {
        return enabled ? ring.stage(link, bucket, flowSeq, src, at, length, nowNanos) : -1;
    }

    /** The staged packet was sealed with number {@code pn}. */
    public void commit(int handle, long pn) {
        if (handle >= 0) {
            ring.commit(handle, pn);
        }
    }

    // ------------------------------------------------------------------ receiver thread

    /**
     * A packet opened on {@code link} with number {@code pn} ({@code data}: a DATA packet): gap
     * detection, and a NACK if one is due.
     */
    public void onPacket(int link, long pn, boolean data, long nowNanos) {
        if (!enabled || link < 0 || link >= GapDetector.LINKS) {
            return;
        }
        if (data) {
            lastData[link] = nowNanos;
            dataSeen[link] = true;
        }
        detector.onPacket(link, pn, nowNanos, onMissing);
        flush(nowNanos);
    }

    /** Reports what is due, sends the NACK; returns when to be called next ({@code Long.MAX_VALUE}: not needed). */
    public long poll(long nowNanos) {
        if (!enabled) {
            return Long.MAX_VALUE;
        }
        updateAllowances(nowNanos);
        long next = detector.poll(nowNanos, onMissing);
        flush(nowNanos);
        return next;
    }

    /**
     * A NACK arrived on {@code link}, payload at the payload offset of {@code f}. Returns false when
     * it is malformed (counted here; the caller counts the tunnel's BAD_PAYLOAD too).
     */
    public boolean onNack(int link, Frame f, int payloadLength, long nowNanos) {
        ByteBuffer b = f.buffer();
        if (NackCodec.check(b, TunnelHeader.LENGTH, payloadLength) != null) {
            count(RecoveryCounter.NACK_MALFORMED);
            return false;
        }
        count(RecoveryCounter.NACKS_RECEIVED);
        if (!enabled) {
            return true;
        }
        int named = NackCodec.count(b, TunnelHeader.LENGTH, payloadLength);
        nackLink = link;
        nackNow = nowNanos;
        int done = NackCodec.visit(b, TunnelHeader.LENGTH, payloadLength, NackCodec.MAX_NUMBERS, onNamed);
        add(RecoveryCounter.NACK_CAPPED, named - done);
        return true;
    }

    /** A new session: numbers start from 0 on both sides. */
    public void reset() {
        detector.reset();
        java.util.Arrays.fill(dataSeen, false);
        ring.clear();
        clearPending();
    }

    /**
     * How much longer the far end's packets should be held behind a gap so that a retransmission
     * can fill it: the detection allowance, the NACK's way and the retransmission's way (one round
     * trip of the fastest link, {@code rttNanos}, the config's default when negative), and the
     * margin. 0 when off.
     */
    public long holdExtraNanos(long rttNanos) {
        if (!enabled) {
            return 0;
        }
        long rtt = rttNanos < 0 ? config.defaultRttNanos() : rttNanos;
        return maxAllowance + rtt + config.holdMarginNanos();
    }

    private void updateAllowances(long nowNanos) {
        if (allowancesSet && nowNanos - allowancesUpdated < ALLOWANCE_UPDATE_NANOS) {
            return;
        }
        allowancesSet = true;
        allowancesUpdated = nowNanos;
        long most = config.minAllowanceNanos();
        for (int l = 0; l < GapDetector.LINKS; l++) {
            double j = port.jitterMicros(l);
            long a = config.minAllowanceNanos();
            if (j > 0) {
                double n = j * 1000 * config.jitterFactor();
                a = (long) Math.min(config.maxAllowanceNanos(), Math.max(config.minAllowanceNanos(), n));
            }
            detector.allowanceNanos(l, a);
            if (!Double.isNaN(j)) {
                most = Math.max(most, a);
            }
        }
        maxAllowance = most;
    }

    /** The detector reports {@code pn} lost on {@code link}: into the NACK being gathered. */
    private void missing(int link, long pn, long nowNanos) {
        if (!dataSeen[link] || nowNanos - lastData[link] > DATA_STALE_NANOS) {
            count(RecoveryCounter.MISSING_NO_DATA);
            return;
        }
        count(RecoveryCounter.MISSING);
        if (has[link]) {
            long t = top[link];
            if (pn > t) {
                long d = pn - t;
                if (d >= 64 || (below[link] >>> (64 - d)) != 0) {
                    flush(nowNanos);
                } else {
                    below[link] = (below[link] << d) | (1L << (d - 1));
                    top[link] = pn;
                    pending++;
                    flushIfFull(nowNanos);
                    return;
                }
            } else if (pn < t) {
                long back = t - pn;
                if (back <= 64) {
                    long bit = 1L << (back - 1);
                    if ((below[link] & bit) == 0) {
                        below[link] |= bit;
                        pending++;
                    }
                    flushIfFull(nowNanos);
                    return;
                }
                flush(nowNanos);
            } else {
                return;
            }
        }
        has[link] = true;
        top[link] = pn;
        below[link] = 0;
        pending++;
        flushIfFull(nowNanos);
    }

    private void flushIfFull(long nowNanos) {
        if (pending >= NackCodec.MAX_NUMBERS) {
            flush(nowNanos);
        }
    }

    /** Sends the NACK gathered, if any: on the usable link with the smallest delay, within the rate. */
    private void flush(long nowNanos) {
        if (pending == 0) {
            return;
        }
        int numbers = pending;
        double cap = Math.max(1, config.nacksPerSecond() / 10);
        if (!refilledOnce) {
            refilledOnce = true;
            nackTokens = cap;
        } else {
            nackTokens = Math.min(cap, nackTokens + (nowNanos - nackRefilled) * config.nacksPerSecond() / 1e9);
        }
        nackRefilled = nowNanos;
        int link = fastestUsable();
        if (nackTokens < 1 || link < 0) {
            add(RecoveryCounter.NACK_SUPPRESSED, numbers);
            clearPending();
            return;
        }
        ByteBuffer b = out.buffer();
        int at = TunnelHeader.LENGTH;
        for (int l = 0; l < GapDetector.LINKS; l++) {
            if (has[l]) {
                at += NackCodec.writeGroup(b, at, l, top[l], below[l]);
            }
        }
        clearPending();
        nackTokens -= 1;
        if (port.sendNack(out, at - TunnelHeader.LENGTH, link, nowNanos)) {
            count(RecoveryCounter.NACKS_SENT);
            add(RecoveryCounter.NACKED_NUMBERS, numbers);
        } else {
            add(RecoveryCounter.NACK_SUPPRESSED, numbers);
        }
    }

    private void clearPending() {
        java.util.Arrays.fill(has, false);
        pending = 0;
    }

    /** The usable link whose data reaches this side first (smallest measured delay); any usable one if none is measured; -1 if none. */
    private int fastestUsable() {
        int best = -1;
        double bestDelay = Double.NaN;
        for (int l = 0; l < GapDetector.LINKS; l++) {
            if (!port.usable(l)) {
                continue;
            }
            double d = port.delayMicros(l);
            if (best < 0 || (!Double.isNaN(d) && (Double.isNaN(bestDelay) || d < bestDelay))) {
                best = l;
                bestDelay = d;
            }
        }
        return best;
    }

    /** A NACK names {@code pn} on {@code lossLink}: send it again if the ring still may. */
    private void named(int lossLink, long pn) {
        int r = ring.take(lossLink, pn, nackNow, config.maxAgeNanos(), out.buffer(), TunnelHeader.LENGTH, meta);
        switch (r) {
            case RetransmitRing.NOT_HELD -> count(RecoveryCounter.NACK_NOT_HELD);
            case RetransmitRing.TOO_LATE -> count(RecoveryCounter.NACK_TOO_LATE);
            case RetransmitRing.ALREADY_SENT -> count(RecoveryCounter.NACK_ALREADY_SENT);
            case RetransmitRing.NO_BUDGET -> count(RecoveryCounter.NACK_NO_BUDGET);
            default -> {
                int link = resendLink(nackLink, lossLink);
                if (link >= 0 && port.resend(out, r, link, meta[0], meta[1], nackNow)) {
                    count(RecoveryCounter.RETRANSMITTED);
                    add(RecoveryCounter.RETRANSMITTED_BYTES, r);
                } else {
                    count(RecoveryCounter.RETRANSMIT_FAILED);
                }
            }
        }
    }

    /**
     * The link the NACK came on (the far end's fastest for data), else the lossy link itself,
     * else any usable one; uncapped ones first.
     */
    private int resendLink(int nack, int loss) {
        if (port.usable(nack) && !port.capped(nack)) {
            return nack;
        }
        if (port.usable(loss) && !port.capped(loss)) {
            return loss;
        }
        int any = -1;
        for (int l = 0; l < GapDetector.LINKS; l++) {
            if (port.usable(l)) {
                if (!port.capped(l)) {
                    return l;
                }
                any = any < 0 ? l : any;
            }
        }
        return any;
    }

    // ------------------------------------------------------------------ counters

    private void count(RecoveryCounter c) {
        counts.incrementAndGet(c.ordinal());
    }

    private void add(RecoveryCounter c, long n) {
        if (n != 0) {
            counts.addAndGet(c.ordinal(), n);
        }
    }

    public long get(RecoveryCounter c) {
        return counts.get(c.ordinal());
    }

    /** The counters above zero, for a log line. */
    public Map<RecoveryCounter, Long> nonZero() {
        Map<RecoveryCounter, Long> m = new EnumMap<>(RecoveryCounter.class);
        for (RecoveryCounter c : RecoveryCounter.values()) {
            long v = counts.get(c.ordinal());
            if (v != 0) {
                m.put(c, v);
            }
        }
        return m;
    }

    /** The gap detector (receiver thread), for tests and the status. */
    public GapDetector detector() {
        return detector;
    }
}
