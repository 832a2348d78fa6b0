package net.coopwan.daemon.uplink.failure;

/**
 * The recent probes of one target and its liveness: UNKNOWN until the first reply or the first
 * run of losses, UP after any reply, DOWN after {@code downCount} consecutive lost probes. Owner
 * thread only; fixed arrays, no allocation per probe.
 *
 * <p>A reply that arrives after its probe was declared lost still ends the run of losses: it
 * crossed the line just now, so the line works (a slow line is not a dead one). Losses of
 * probes older than the newest replied one do not extend a run either: they say nothing newer.
 */
final class TargetProbes {

    enum Liveness { UNKNOWN, UP, DOWN }

    /** Results kept for the evidence line ("lost 3 of last 10"). */
    static final int HISTORY = 10;
    private static final int MAX_RING = 4096;
    private static final byte EMPTY = 0;
    private static final byte PENDING = 1;
    private static final byte REPLIED = 2;
    private static final byte LOST = 3;

    private final ProbeTarget target;
    private final long timeoutNanos;
    private final int downCount;

    // Probes in flight or recently decided, slot = seq mod ring length.
    private final long[] slotSeq;
    // The round trips of the last RTT_KEPT replies, for the silence a slow line needs.
    private static final int RTT_KEPT = 16;
    private final long[] rtts = new long[RTT_KEPT];
    private int rttCount;
    private int rttNext;
    private final long maxTimeoutNanos;
    private final long[] slotSentNanos;
    private final byte[] slotState;
    private boolean sentAny;
    private long lastSentSeq;
    private boolean repliedAny;
    private long newestRepliedSeq;
    private long lastReplyNanos;

    private int streak;
    private long streakStartNanos;
    private Liveness liveness = Liveness.UNKNOWN;
    private long livenessSinceNanos;

    // The last HISTORY decided results, bit 1 = lost, newest in bit 0.
    private int historyBits;
    private int historyCount;

    private long sent;
    private long replied;
    private long lost;
    private long late;
    private long ignored;

    /**
     * @param maxTimeoutNanos how long a probe may wait for its reply on a slow line at most:
     *                        the timeout grows to twice the recent round trip up to this
     */
    TargetProbes(ProbeTarget target, long intervalNanos, long timeoutNanos, int downCount, long maxTimeoutNanos) {
        this.target = target;
        this.timeoutNanos = timeoutNanos;
        this.downCount = downCount;
        this.maxTimeoutNanos = Math.max(timeoutNanos, maxTimeoutNanos);
        // Long enough to recognise a late reply until the target would be down anyway.
        int ring = (int) Math.min(MAX_RING, this.maxTimeoutNanos / intervalNanos + downCount + 3);
        this.slotSeq = new long[ring];
        this.slotSentNanos = new long[ring];
        this.slotState = new byte[ring];
    }

    void sent(long seq, long nowNanos) {
        if (sentAny && seq <= lastSentSeq) {
            throw new IllegalArgumentException("probe numbers to " + target + " must increase: " + seq + " after "
                    + lastSentSeq);
        }
        int slot = slotOf(seq);
        if (slotState[slot] == PENDING) {
            // Pushed out undecided (a timeout of thousands of intervals): it is lost.
            lost(slotSeq[slot], slotSentNanos[slot], nowNanos);
        }
        slotSeq[slot] = seq;
        slotSentNanos[slot] = nowNanos;
        slotState[slot] = PENDING;
        sentAny = true;
        lastSentSeq = seq;
        sent++;
    }

    /** A reply to probe {@code seq}; one to a probe we do not know, or a duplicate, is ignored. */
    void reply(long seq, long nowNanos) {
        int slot = slotOf(seq);
        if (!sentAny || slotSeq[slot] != seq || seq > lastSentSeq) {
            ignored++;
            return;
        }
        long rtt = nowNanos - slotSentNanos[slot];
        switch (slotState[slot]) {
            case PENDING -> {
                slotState[slot] = REPLIED;
                replied++;
                remember(false);
            }
            case LOST -> {
                slotState[slot] = REPLIED;
                late++;
            }
            default -> {
                ignored++;
                return;
            }
        }
        if (!repliedAny || seq > newestRepliedSeq) {
            newestRepliedSeq = seq;
        }
        repliedAny = true;
        lastReplyNanos = nowNanos;
        rtts[rttNext] = Math.max(0, rtt);
        rttNext = (rttNext + 1) % RTT_KEPT;
        rttCount = Math.min(RTT_KEPT, rttCount + 1);
        streak = 0;
        if (liveness != Liveness.UP) {
            liveness = Liveness.UP;
            livenessSinceNanos = nowNanos;
        }
    }

    /** Whether a reply arrived, so that {@link #recentMaxRttNanos} means something. */
    boolean hasRtt() {
        return rttCount > 0;
    }

    /** The longest of the last 16 round trips; 0 before the first reply. */
    long recentMaxRttNanos() {
        long max = 0;
        for (int i = 0; i < rttCount; i++) {
            max = Math.max(max, rtts[i]);
        }
        return max;
    }

    /**
     * The configured timeout, or twice the recent round trip when that is longer (up to the
     * maximum): on a line of 700 ms every probe would otherwise be lost before its reply, and
     * a target down after a few more.
     */
    long timeoutNanos() {
        return Math.max(timeoutNanos, Math.min(maxTimeoutNanos, 2 * recentMaxRttNanos()));
    }

    /** Declares lost, oldest first, every probe without reply for longer than the timeout. */
    void expire(long nowNanos) {
        if (!sentAny) {
            return;
        }
        long timeoutNanos = timeoutNanos();
        for (long seq = lastSentSeq - slotSeq.length + 1; seq <= lastSentSeq; seq++) {
            int slot = slotOf(seq);
            if (slotSeq[slot] == seq && slotState[slot] == PENDING && nowNanos - slotSentNanos[slot] > timeoutNanos) {
                slotState[slot] = LOST;
                lost(seq, slotSentNanos[slot], nowNanos);
            }
        }
    }

    private void lost(long seq, long sentNanos, long nowNanos) {
        lost++;
        remember(true);
        if (repliedAny && seq < newestRepliedSeq) {
            return;
        }
        if (streak == 0) {
            streakStartNanos = sentNanos;
        }
        streak++;
        if (streak >= downCount && liveness != Liveness.DOWN) {
            liveness = Liveness.DOWN;
            livenessSinceNanos = nowNanos;
        }
    }

    private void remember(boolean wasLost) {
        historyBits = (historyBits << 1) | (wasLost ? 1 : 0);
        historyCount = Math.min(HISTORY, historyCount + 1);
    }

    private int slotOf(long seq) {
        return (int) Math.floorMod(seq, (long) slotState.length);
    }

    ProbeTarget target() {
        return target;
    }

    Liveness liveness() {
        return liveness;
    }

    /** When the current liveness began (meaningless while UNKNOWN). */
    long livenessSinceNanos() {
        return livenessSinceNanos;
    }

    /** Whether a reply (timely or late) arrived after {@code nanos}. */
    boolean repliedAfter(long nanos) {
        return repliedAny && lastReplyNanos > nanos;
    }

    /** Send time of the first probe of the current run of losses. */
    long streakStartNanos() {
        return streakStartNanos;
    }

    int streak() {
        return streak;
    }

    long sentCount() {
        return sent;
    }

    long repliedCount() {
        return replied;
    }

    long lostCount() {
        return lost;
    }

    long lateCount() {
        return late;
    }

    long ignoredCount() {
        return ignored;
    }

    /** e.g. {@code 198.18.1.1 lost 6 of last 6}, with {@code (down)} or late replies when any. */
    String describe() {
        int mask = historyCount == 32 ? -1 : (1 << historyCount) - 1;
        StringBuilder b = new StringBuilder().append(target).append(" lost ")
                .append(Integer.bitCount(historyBits & mask)).append(" of last ").append(historyCount);
        if (liveness == Liveness.DOWN) {
            b.append(" (down)");
        }
        if (late > 0) {
            b.append(", ").append(late).append(" late");
        }
        return b.toString();
    }
}
