package net.coopwan.daemon.measure;

/**
 * Health of one bonded link from its keep-alives: liveness (UP / DOWN), RTT, jitter, loss and
 * the one-way-delay trend. Pure logic: the owner sends the probes, feeds what happens, and calls
 * {@link #tick} periodically; every method takes the time as {@code nowNanos}.
 *
 * <h2>State machine</h2>
 * <pre>
 *   DOWN --(upAfterEchoes echoes of consecutive probe numbers, seen at a tick)--&gt; UP
 *   UP   --(nothing authenticated heard for deadAfterNanos, seen at a tick)------&gt; DOWN
 * </pre>
 * A link starts DOWN: it carries traffic only once it has been heard answering. Only {@link
 * #tick} changes the state and it says when it did, so the owner logs one line per change. Any
 * authenticated packet ({@link #onPacketHeard}, or an echo) proves liveness, but only echoes
 * bring a link UP, because only an echo proves the round trip works. Echoes count as consecutive
 * when their probe numbers follow each other; a gap (a lost probe) restarts the count.
 *
 * <h2>Measures</h2>
 * <ul>
 *   <li>RTT: RFC 6298 smoothing, first sample R gives srtt = R, rttvar = R/2; then rttvar =
 *       3/4 rttvar + 1/4 |srtt - R| and srtt = 7/8 srtt + 1/8 R.</li>
 *   <li>Jitter: RFC 3550 section 6.4.1 on one-way delays, J += (|D| - J) / 16 with D the
 *       difference of successive OWDs. OWDs, not RTTs, because that is what RFC 3550 defines
 *       and it is per direction; the clock offset between the routers cancels in D.</li>
 *   <li>Loss: over the last lossWindow probes, lost / (echoed + lost) of those already decided.
 *       A probe is lost when no echo came within max(minLossTimeout, srttFactor * srtt); an echo
 *       that comes later is counted as ignored (it still proves liveness).</li>
 *   <li>OWD trend: the {@link TrendTest} over the last owdWindow OWDs (rising = a queue builds on
 *       the path even before anything is lost).</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * One owner thread calls every method; any thread may call {@link #snapshot()}, which returns the
 * immutable {@link LinkHealthSnapshot} last published through a volatile field (republished
 * after every event). The per-probe methods allocate only that snapshot.
 */
public final class LinkHealth {

    /** Whether the link may carry traffic. */
    public enum State { UP, DOWN }

    private static final byte EMPTY = 0;
    private static final byte PENDING = 1;
    private static final byte ECHOED = 2;
    private static final byte LOST = 3;

    private final LinkHealthConfig config;
    private final TrendTest trendTest;

    // Probe ring: slot = seq mod lossWindow.
    private final long[] slotSeq;
    private final long[] slotSentNanos;
    private final byte[] slotState;
    private int echoedInWindow;
    private int lostInWindow;

    // OWD ring, and a scratch copy in chronological order for the trend test.
    private final long[] owdRing;
    private final long[] owdScratch;
    private int owdCount;
    private int owdNext;
    private boolean havePrevOwd;
    private long prevOwdMicros;
    private double jitterMicros;
    private TrendTest.Verdict owdTrend = TrendTest.Verdict.TOO_FEW_SAMPLES;

    private State state = State.DOWN;
    private long lastSentSeq = Long.MIN_VALUE;
    private long lastEchoSeq = Long.MIN_VALUE;
    private int echoStreak;
    private long lastHeardNanos = -1;
    private boolean heardEver;
    private long srttNanos = -1;
    private long rttvarNanos = -1;
    // The last raw RTT and the smallest over the last 30-60 s (two 30 s buckets): the path's base
    // RTT, so their difference is the queue the last probe met (InbandCapacity uses it).
    private long lastRttNanos = -1;
    private long minRttNanos = Long.MAX_VALUE;
    private long minRttPreviousNanos = Long.MAX_VALUE;
    private long minRttBucketStart = Long.MIN_VALUE;
    static final long MIN_RTT_BUCKET_NANOS = 30_000_000_000L;
    private long probesSent;
    private long echoes;
    private long ignoredEchoes;
    private long transitions;

    private volatile LinkHealthSnapshot snapshot;

    public LinkHealth() {
        this(LinkHealthConfig.DEFAULT, new PctPdtTrendTest());
    }

    public LinkHealth(LinkHealthConfig config, TrendTest trendTest) {
        this.config = config;
        this.trendTest = trendTest;
        this.slotSeq = new long[config.lossWindow()];
        this.slotSentNanos = new long[config.lossWindow()];
        this.slotState = new byte[config.lossWindow()];
        this.owdRing = new long[config.owdWindow()];
        this.owdScratch = new long[config.owdWindow()];
        publish();
    }

    public LinkHealthConfig config() {
        return config;
    }

    /** The latest published snapshot; any thread. */
    public LinkHealthSnapshot snapshot() {
        return snapshot;
    }

    /** State as the owner sees it (same as the snapshot's, owner thread only). */
    public State state() {
        return state;
    }

    /**
     * Probe {@code seq} left at {@code nowNanos}. Sequence numbers must increase (the owner's own
     * counter, normally by one per probe).
     */
    public void onProbeSent(long seq, long nowNanos) {
        if (probesSent > 0 && seq <= lastSentSeq) {
            throw new IllegalArgumentException("probe numbers must increase: " + seq + " after " + lastSentSeq);
        }
        lastSentSeq = seq;
        probesSent++;
        int slot = slotOf(seq);
        switch (slotState[slot]) {
            case ECHOED -> echoedInWindow--;
            case LOST -> lostInWindow--;
            default -> { } // EMPTY, or PENDING pushed out undecided (tick was not called): forgotten
        }
        slotSeq[slot] = seq;
        slotSentNanos[slot] = nowNanos;
        slotState[slot] = PENDING;
        publish();
    }

    /**
     * The echo of probe {@code seq} came back at {@code nowNanos}. The caller passes only
     * authenticated echoes, so every echo proves liveness; an echo of an unknown, too-old
     * (pushed out of the window), duplicate or already-lost probe gives no RTT and is counted in
     * {@code ignoredEchoes}.
     */
    public void onProbeEcho(long seq, long nowNanos) {
        heard(nowNanos);
        int slot = slotOf(seq);
        if (probesSent == 0 || slotSeq[slot] != seq || slotState[slot] != PENDING) {
            ignoredEchoes++;
            publish();
            return;
        }
        slotState[slot] = ECHOED;
        echoedInWindow++;
        echoes++;
        rttSample(Math.max(0, nowNanos - slotSentNanos[slot]), nowNanos);
        echoStreak = (echoStreak > 0 && seq == lastEchoSeq + 1) ? echoStreak + 1 : 1;
        lastEchoSeq = seq;
        publish();
    }

    /** Some authenticated packet (data, the peer's own probe, ...) arrived on this link. */
    public void onPacketHeard(long nowNanos) {
        heard(nowNanos);
        publish();
    }

    /**
     * One-way delay of a packet from the peer: our arrival time minus the peer's send timestamp,
     * in microseconds. The two clocks are not synchronised, so the value carries a constant
     * offset; only its differences (jitter) and its trend are used.
     */
    public void onOneWayDelay(long owdMicros) {
        if (havePrevOwd) {
            long d = Math.abs(owdMicros - prevOwdMicros);
            jitterMicros += (d - jitterMicros) / 16.0;
        }
        havePrevOwd = true;
        prevOwdMicros = owdMicros;
        owdRing[owdNext] = owdMicros;
        owdNext = (owdNext + 1) % owdRing.length;
        if (owdCount < owdRing.length) {
            owdCount++;
        }
        int start = (owdNext - owdCount + owdRing.length) % owdRing.length;
        for (int i = 0; i < owdCount; i++) {
            owdScratch[i] = owdRing[(start + i) % owdRing.length];
        }
        owdTrend = trendTest.test(owdScratch, owdCount);
        publish();
    }

    /**
     * Evaluates timeouts at {@code nowNanos}: probes past the loss timeout become lost, and the
     * state machine moves. Call it at least every probe interval.
     *
     * @return true when the state changed (UP to DOWN or DOWN to UP)
     */
    public boolean tick(long nowNanos) {
        long timeout = lossTimeoutNanos();
        for (int i = 0; i < slotState.length; i++) {
            if (slotState[i] == PENDING && nowNanos - slotSentNanos[i] > timeout) {
                slotState[i] = LOST;
                lostInWindow++;
            }
        }
        State before = state;
        if (state == State.UP) {
            if (!heardEver || nowNanos - lastHeardNanos >= config.deadAfterNanos()) {
                state = State.DOWN;
                echoStreak = 0;
            }
        } else if (echoStreak >= config.upAfterEchoes()
                && heardEver && nowNanos - lastHeardNanos < config.deadAfterNanos()) {
            state = State.UP;
        }
        boolean changed = state != before;
        if (changed) {
            transitions++;
        }
        publish();
        return changed;
    }

    /** max(minLossTimeout, srttFactor * srtt); minLossTimeout before the first RTT sample. */
    public long lossTimeoutNanos() {
        return srttNanos < 0 ? config.minLossTimeoutNanos()
                : Math.max(config.minLossTimeoutNanos(), config.srttFactor() * srttNanos);
    }

    private void heard(long nowNanos) {
        heardEver = true;
        lastHeardNanos = nowNanos;
    }

    /**
     * The queue the last echoed probe met: its RTT minus the smallest RTT of the last 30-60 s, or
     * -1 before the first echo. Owner thread.
     *
     * <p>Why 30-60 s: the base must follow a route change that raises the delay for good, or that
     * change reads as a standing queue forever and a loaded link's in-band estimate is cut towards
     * what it carries; here it is followed within a minute. BBR's 10 s relies on the sender
     * draining its queue now and then (ProbeRTT) to see the base again, which a bond cannot make
     * its users' traffic do; LEDBAT's 10 minutes would misread a route change for 10 minutes. A
     * queue that stands for longer than the window becomes the base: no window is then saturated
     * and the estimates hold, the safe side.
     */
    public long queueDelayNanos() {
        return lastRttNanos < 0 ? -1 : lastRttNanos - Math.min(minRttNanos, minRttPreviousNanos);
    }

    /**
     * The path's base RTT: the smallest RTT of the last 30-60 s (see {@link #queueDelayNanos}),
     * or -1 before the first echo. Owner thread.
     */
    public long baseRttNanos() {
        return lastRttNanos < 0 ? -1 : Math.min(minRttNanos, minRttPreviousNanos);
    }

    private void rttSample(long r, long nowNanos) {
        if (minRttBucketStart == Long.MIN_VALUE || nowNanos - minRttBucketStart >= MIN_RTT_BUCKET_NANOS) {
            minRttPreviousNanos = minRttNanos;
            minRttNanos = Long.MAX_VALUE;
            minRttBucketStart = nowNanos;
        }
        minRttNanos = Math.min(minRttNanos, r);
        lastRttNanos = r;
        if (srttNanos < 0) {
            srttNanos = r;
            rttvarNanos = r / 2;
        } else {
            rttvarNanos = (3 * rttvarNanos + Math.abs(srttNanos - r)) / 4;
            srttNanos = (7 * srttNanos + r) / 8;
        }
    }

    private int slotOf(long seq) {
        return (int) Math.floorMod(seq, (long) slotState.length);
    }

    private void publish() {
        int decided = echoedInWindow + lostInWindow;
        double loss = decided == 0 ? 0 : 100.0 * lostInWindow / decided;
        snapshot = new LinkHealthSnapshot(state, srttNanos, rttvarNanos, Math.round(jitterMicros), loss, owdTrend,
                heardEver ? lastHeardNanos : Long.MIN_VALUE, probesSent, echoes, ignoredEchoes, transitions);
    }
}
