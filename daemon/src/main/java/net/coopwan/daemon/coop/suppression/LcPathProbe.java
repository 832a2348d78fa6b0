package net.coopwan.daemon.coop.suppression;

import java.util.ArrayDeque;

import net.coopwan.daemon.uplink.failure.Prober;

/**
 * The LC path's RTT and loss where no bond carries LC packets (issue 17 item 4, [0300]-[0305]):
 * echo probes of our own through the uplink towards its gateway, on the uplink-failure
 * {@link Prober} (ICMP echo, bound to the uplink device), fed to a {@link PathQualityDetector}.
 *
 * <p>Probes leave only while LC traffic is current (the caller says so each tick), at most one
 * per {@link #INTERVAL_NANOS} (200 ms: 5 per second, about 0.3 kbit/s, which cannot itself load a
 * line, and 10 samples per 2 s window, the detector's minimum). A probe without a reply after
 * {@link #LOSS_TIMEOUT_NANOS} (1 s: far above any home line's RTT under load, bufferbloat
 * included, yet inside D's usual range) counts as lost; a reply after that is ignored. The
 * outstanding probes are bounded ({@link #MAX_OUTSTANDING}). One owner thread; pure apart from
 * the prober, which tests replace with a fake.
 */
public final class LcPathProbe implements AutoCloseable {
    static final long INTERVAL_NANOS = 200_000_000L;
    static final long LOSS_TIMEOUT_NANOS = 1_000_000_000L;
    static final int MAX_OUTSTANDING = 16;
    /** Replies read per tick at most (bounded work; 5/s leaves room for foreign datagrams). */
    static final int DRAIN_MAX = 64;

    private record Sent(long seq, long at) {
    }

    private final Prober prober;
    private final PathQualityDetector detector;
    private final ArrayDeque<Sent> outstanding = new ArrayDeque<>();
    private long nextSeq = 1;
    private long nextSendAt = Long.MIN_VALUE;
    private long sent;
    private long answered;
    private long lost;

    public LcPathProbe(Prober prober, PathQualityDetector detector) {
        this.prober = prober;
        this.detector = detector;
    }

    /**
     * One step at {@code nowNanos}: replies read and matched, late probes counted lost and, when
     * {@code lcCurrent} and the interval has passed, the next probe sent. Without LC traffic
     * nothing is sent and the outstanding probes are forgotten (not losses: nobody was waiting).
     */
    public void tick(long nowNanos, boolean lcCurrent) {
        prober.drain(seq -> reply(seq, nowNanos), DRAIN_MAX);
        while (!outstanding.isEmpty() && nowNanos - outstanding.peekFirst().at() > LOSS_TIMEOUT_NANOS) {
            outstanding.removeFirst();
            lost++;
            detector.lost(nowNanos);
        }
        if (!lcCurrent) {
            outstanding.clear();
            nextSendAt = Long.MIN_VALUE;
            return;
        }
        if (nextSendAt != Long.MIN_VALUE && nowNanos < nextSendAt) {
            return;
        }
        nextSendAt = nowNanos + INTERVAL_NANOS;
        long seq = nextSeq++;
        if (outstanding.size() >= MAX_OUTSTANDING) {
            outstanding.removeFirst(); // bounded; cannot happen with the 1 s timeout at 5/s
        }
        // a probe that cannot leave (no route, queue full) is lost like one dropped on the line
        outstanding.addLast(new Sent(seq, nowNanos));
        sent++;
        prober.send(seq);
    }

    private void reply(long seq, long nowNanos) {
        for (var it = outstanding.iterator(); it.hasNext();) {
            Sent s = it.next();
            if (s.seq() == seq) {
                it.remove();
                answered++;
                detector.rtt(nowNanos, (nowNanos - s.at()) / 1000);
                return;
            }
        }
        // a duplicate or a reply after the timeout: already counted
    }

    /** Probes sent and neither answered nor lost yet. */
    public int outstanding() {
        return outstanding.size();
    }

    public long sent() {
        return sent;
    }

    public long answered() {
        return answered;
    }

    public long lost() {
        return lost;
    }

    @Override
    public void close() {
        prober.close();
    }
}
