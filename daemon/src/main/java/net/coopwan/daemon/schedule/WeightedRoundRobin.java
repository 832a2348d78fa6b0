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
 */
public final class WeightedRoundRobin extends SnapshotHolder {

    /** Shift virtual times down once the chosen one passes this (2^40 bytes: far from 2^53). */
    private static final double RENORMALISE_ABOVE = 0x1p40;

    /** Sender-thread state only. */
    private final double[] virtualTime;
    private LinkSnapshot applied;
    private final Buckets buckets;

    /** Equal weights, all links usable: the static 1:1 mode until someone sets weights. */
    public WeightedRoundRobin(int links) {
        super(links);
        this.virtualTime = new double[links];
        this.applied = published();
        this.buckets = new Buckets(links);
    }

    @Override
    public int pick(int packetBytes, long nowNanos) {
        LinkSnapshot s = published();
        if (s != applied) {
            apply(s);
            buckets.apply(s, nowNanos);
        }
        int size = packetBytes < 1 ? 1 : packetBytes;
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

    /** Links without tokens for this packet start no lower than the chosen link did; see the class comment. */
    private void noCreditWhileSkipped(LinkSnapshot s, double start, int size, long now) {
        for (int i = 0; i < virtualTime.length; i++) {
            if (s.eligible(i) && virtualTime[i] < start && !buckets.admits(i, size, now)) {
                virtualTime[i] = start;
            }
        }
    }

    /** Rebases links that enter the eligible set or change weight; see the class comment for why. */
    private void apply(LinkSnapshot next) {
        LinkSnapshot prev = applied;
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
