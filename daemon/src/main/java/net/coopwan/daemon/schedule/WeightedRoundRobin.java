package net.coopwan.daemon.schedule;

/**
 * Smooth weighted round robin in bytes (seed 002 W4, OURS): every eligible link has a virtual
 * time, the bytes it was given divided by its weight; a packet goes to the link whose virtual time
 * <em>after</em> this packet (its virtual finish time) would be smallest, ties to the lowest index.
 *
 * <p>Why bytes and finish times: weights are measured bandwidths, so shares must be shares of
 * bytes, not of packets (O14: 25/75 must hold with mixed packet sizes). Using the finish time
 * rather than the start time means a big packet is not handed to a slow link just because that
 * link's turn has come; with equal packets both give the same interleaving (2:1 gives 0,0,1,...),
 * which realises any weight vector within one packet per link (W4). Deterministic: no randomness,
 * so tests and captures are reproducible.
 *
 * <p>Why rebasing: virtual times only advance while a link is given packets. A link that was
 * unusable, or had weight 0, would come back with an old, small virtual time and then receive
 * everything until it "caught up", a burst that overruns exactly the link that just recovered.
 * And a link's lead over the others is counted in units of its old 1/weight: after its weight
 * grows a thousandfold, a lead of one old packet is a thousand new ones, and it would be starved.
 * So at each new snapshot every link that enters the eligible set, or whose normalised weight
 * changed, starts at the smallest virtual time of the links whose weight stayed the same; if none
 * stayed, all eligible links start level. That costs at most one packet of exactness per change,
 * and weights change once per measurement round.
 *
 * <p>Caps (the member through a bandwidth sharer): a link whose token bucket lacks the packet's
 * bytes is left out of this packet's choice, so it goes to the eligible link with tokens whose
 * finish time is smallest, by the weights as always. A link skipped for want of tokens gains no
 * credit meanwhile: its virtual time is raised to the chosen link's start time, else it would come
 * back with a lead and take every packet its bucket allows, whatever the weights say.
 *
 * <p>Cost per pick: one volatile read, one pass over the links, no allocation. Virtual times are
 * doubles; to keep their precision they are shifted down together when they grow large, which
 * changes no comparison.
 *
 * <h2>Earliest arrival within the weights ({@link #earliestArrival}, mode adaptive's default)</h2>
 *
 * <p>The problem (issue 18): WRR hands the slow link its share whatever the load, so on links of
 * 5 ms and 30 ms one flow's every fifth packet arrives 25 ms behind the packets sent after it:
 * the receiver holds the flow for it, its RTT becomes the slow link's, and one TCP flow got 7.8
 * of 8 + 2 Mbit/s. So each packet goes to the link where it is expected to <em>arrive</em> first
 * (the idea of MPTCP's ECF and BLEST, derived here for a per-packet bond):
 *
 * <pre>
 *   arrival_i = now + backlog_i + L / rate_i + owd_i + K x jitter_i
 * </pre>
 *
 * <ul>
 *   <li><b>backlog_i</b>: the sender's model of the link's queue, in time. Each link has a
 *       "busy until" instant; a packet given to it moves that to max(busy, now) + L / rate_i.
 *       That is Q_i(t) = max(0, Q_i(t0) - rate_i (t - t0)) + L kept in time units, so nothing
 *       is updated for the links not chosen. {@code rate_i} is the adaptive estimate A_i in
 *       bit/s on the wire ({@link LinkScheduler#setRates}; a capped link drains no faster than
 *       its bucket).</li>
 *   <li><b>owd_i</b>: the one-way delay. The bond has half the base RTT (the smallest of the last
 *       30-60 s, so the queue our own packets build is not counted twice: the backlog has it).
 *       Only differences between links matter, and half-RTTs give the right difference when each
 *       link's path is about as long each way. A link whose way up is much longer than its way
 *       back (some satellite and LTE links) is misjudged by half the asymmetry.</li>
 *   <li><b>K x jitter_i</b> ({@link #JITTER_MARGIN} = 1.5): a link whose packets would arrive
 *       barely earlier on average but often later does not get them. Late is dearer than early:
 *       a packet that arrives early waits alone at the receiver for the one before it, one that
 *       arrives late holds back every packet of its flow sent after it. 1.5 x the RFC 3550
 *       jitter (about 1.7 standard deviations) makes a packet sent on the jittery link arrive
 *       after the faster link's packets only about one time in twenty.</li>
 * </ul>
 *
 * <p>Why this stays within the weights: the backlogs drain at the links' rates, so a link gets
 * more than its rate only while its queue is short enough to be worth it. A light flow goes
 * entirely on the link where it arrives first (the 5 ms one), paying neither the slow link's
 * delay nor its reordering; as the load grows the fast link's backlog grows until it exceeds
 * the delay difference, and from there the links' backlogs (plus delays) are kept level: every
 * link is given the same amount of transmission time, so under saturation the long-run split
 * of bytes is rate_i / sum(rate), the weights, and packets sent together arrive together.
 *
 * <p>The model's backlog is bounded: when every competing link's backlog exceeds
 * {@link #MAX_BACKLOG_NANOS}, all are lowered by the excess. Real queues overflow (a sender
 * offering more than the bond carries loses packets at the modems); without this, an overload
 * would leave a model of seconds of backlog that keeps the slow link in use long after the load
 * is gone. Lowering all by the same time changes no comparison between them, so the split under
 * overload is still the rates'.
 *
 * <p>Until every eligible link has a rate (before the first measurement, or when no rates are
 * published: mode wrr, the concentrator), it is plain WRR as above; the WRR virtual times start
 * level when it switches either way. Weights still decide which links are eligible (weight 0:
 * no traffic). A rate that changes rescales the link's backlog (the same bytes at the new rate),
 * so a link whose rate drops gets less from the next packet on. Caps work as in WRR: a link
 * whose bucket lacks the tokens is left out of this packet's choice. Ties (equal rates and
 * delays, all idle) go to the link idle longest, so equal links share light traffic too.
 */
public final class WeightedRoundRobin extends SnapshotHolder {

    /** Shift virtual times down once the chosen one passes this (2^40 bytes: far from 2^53). */
    private static final double RENORMALISE_ABOVE = 0x1p40;

    /** Jitter margin K: arrival on a link is judged K x its jitter later than its mean. */
    static final double JITTER_MARGIN = 1.5;

    /** Ceiling of the modelled backlog of the least loaded competing link: see the class comment. */
    static final long MAX_BACKLOG_NANOS = 100_000_000L;

    /** Sender-thread state only. */
    private final double[] virtualTime;
    private LinkSnapshot applied;
    private final Buckets buckets;
    /** Whether this scheduler chooses by earliest arrival when it has the rates. */
    private final boolean earliest;
    /** Earliest arrival: per link, when its modelled queue is empty (sender's clock). */
    private final long[] busyUntil;
    /** Earliest arrival: per link, owd + K x jitter of the applied snapshot (ns). */
    private final long[] pathNanos;
    /** Whether busyUntil has been set to the sender's clock (its origin is arbitrary). */
    private boolean clockSet;

    /** Equal weights, all links usable: the static 1:1 mode until someone sets weights. */
    public WeightedRoundRobin(int links) {
        this(links, false);
    }

    private WeightedRoundRobin(int links, boolean earliest) {
        super(links);
        this.virtualTime = new double[links];
        this.applied = published();
        this.buckets = new Buckets(links);
        this.earliest = earliest;
        this.busyUntil = new long[links];
        this.pathNanos = new long[links];
    }

    /**
     * Earliest arrival within the weights (see the class comment); plain WRR until rates are
     * published for every eligible link.
     */
    public static WeightedRoundRobin earliestArrival(int links) {
        return new WeightedRoundRobin(links, true);
    }

    /** Whether this scheduler chooses by earliest arrival when it has the rates. */
    public boolean earliest() {
        return earliest;
    }

    @Override
    public int pick(int packetBytes, long nowNanos) {
        LinkSnapshot s = published();
        if (!clockSet) {
            clockSet = true;
            java.util.Arrays.fill(busyUntil, nowNanos);
        }
        if (s != applied) {
            apply(s, nowNanos);
            buckets.apply(s, nowNanos);
        }
        int size = packetBytes < 1 ? 1 : packetBytes;
        if (earliest && s.timed()) {
            return pickEarliest(s, size, nowNanos);
        }
        double bytes = size;
        int best = NONE;
        double bestFinish = 0;
        boolean skipped = false;
        for (int i = 0; i < virtualTime.length; i++) {
            if (s.eligible(i)) {
                if (!buckets.admits(i, size, nowNanos)) {
                    skipped = true;
                    continue;
                }
                double finish = virtualTime[i] + bytes * s.inverse(i);
                if (best == NONE || finish < bestFinish) {
                    best = i;
                    bestFinish = finish;
                }
            }
        }
        if (best != NONE) {
            buckets.take(best, size);
            if (skipped) {
                noCreditWhileSkipped(s, virtualTime[best], size, nowNanos);
            }
            virtualTime[best] = bestFinish;
            if (bestFinish > RENORMALISE_ABOVE) {
                renormalise(s);
            }
        }
        return best;
    }

    /** The eligible link with tokens where a packet of {@code size} bytes is expected first; see the class comment. */
    private int pickEarliest(LinkSnapshot s, int size, long now) {
        int best = NONE;
        long bestArrival = 0;
        long bestBacklog = 0;
        long bestService = 0;
        int competing = 0; // bit i: link i was in this choice (at most MAX_LINKS = 16 links)
        for (int i = 0; i < busyUntil.length; i++) {
            if (!s.eligible(i) || !buckets.admits(i, size, now)) {
                continue;
            }
            competing |= 1 << i;
            long backlog = Math.max(0, busyUntil[i] - now);
            long service = Math.round(size * s.nanosPerByte(i));
            long arrival = backlog + service + pathNanos[i];
            if (best == NONE || arrival < bestArrival
                    || arrival == bestArrival && busyUntil[i] - busyUntil[best] < 0) {
                best = i;
                bestArrival = arrival;
                bestBacklog = backlog;
                bestService = service;
            }
        }
        if (best == NONE) {
            return NONE;
        }
        buckets.take(best, size);
        busyUntil[best] = now + bestBacklog + bestService;
        long least = Long.MAX_VALUE;
        for (int i = 0; i < busyUntil.length; i++) {
            if ((competing & (1 << i)) != 0) {
                least = Math.min(least, busyUntil[i] - now);
            }
        }
        if (least > MAX_BACKLOG_NANOS) {
            long excess = least - MAX_BACKLOG_NANOS;
            for (int i = 0; i < busyUntil.length; i++) {
                if (s.eligible(i)) {
                    busyUntil[i] -= excess;
                }
            }
        }
        return best;
    }

    /** Links without tokens for this packet start no lower than the chosen link did; see the class comment. */
    private void noCreditWhileSkipped(LinkSnapshot s, double start, int size, long now) {
        for (int i = 0; i < virtualTime.length; i++) {
            if (s.eligible(i) && virtualTime[i] < start && !buckets.admits(i, size, now)) {
                virtualTime[i] = start;
            }
        }
    }

    /** Rebases links that enter the eligible set or change weight; see the class comment for why. */
    private void apply(LinkSnapshot next, long now) {
        LinkSnapshot prev = applied;
        if (earliest) {
            applyTimes(prev, next, now);
        }
        double base = Double.NaN;
        for (int i = 0; i < virtualTime.length; i++) {
            if (next.eligible(i) && prev.inverse(i) == next.inverse(i) && !(virtualTime[i] >= base)) {
                base = virtualTime[i];
            }
        }
        if (Double.isNaN(base)) {
            base = 0; // no link kept its weight: everyone eligible starts level
        }
        for (int i = 0; i < virtualTime.length; i++) {
            if (next.eligible(i) && prev.inverse(i) != next.inverse(i)) {
                virtualTime[i] = base;
            }
        }
        applied = next;
    }

    /**
     * Earliest arrival's state for a new snapshot: a link entering the eligible set (or getting
     * its first rate) starts with an empty queue; a link whose rate changed keeps its backlog in
     * bytes, now draining at the new rate; the delays are taken over. Switching between WRR and
     * earliest arrival levels the WRR virtual times (their lead is meaningless across the switch).
     */
    private void applyTimes(LinkSnapshot prev, LinkSnapshot next, long now) {
        for (int i = 0; i < busyUntil.length; i++) {
            pathNanos[i] = next.owd(i) + Math.round(JITTER_MARGIN * next.jitter(i));
            if (!next.eligible(i)) {
                continue;
            }
            double was = prev.nanosPerByte(i);
            double is = next.nanosPerByte(i);
            long backlog = busyUntil[i] - now;
            if (!prev.eligible(i) || was == 0) {
                busyUntil[i] = now;
            } else if (backlog > 0 && was != is && is > 0) {
                busyUntil[i] = now + Math.round(backlog * (is / was));
            }
        }
        if (prev.timed() != next.timed()) {
            for (int i = 0; i < virtualTime.length; i++) {
                virtualTime[i] = 0;
            }
        }
    }

    private void renormalise(LinkSnapshot s) {
        double min = Double.MAX_VALUE;
        for (int i = 0; i < virtualTime.length; i++) {
            if (s.eligible(i)) {
                min = Math.min(min, virtualTime[i]);
            }
        }
        // Only eligible links matter: an ineligible one is rebased when it comes back.
        for (int i = 0; i < virtualTime.length; i++) {
            if (s.eligible(i)) {
                virtualTime[i] -= min;
            }
        }
    }
}
