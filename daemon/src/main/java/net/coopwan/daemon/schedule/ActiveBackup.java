package net.coopwan.daemon.schedule;

/**
 * Everything on the first eligible link in member order; the member order is the priority order.
 * When that link fails the next one takes over, and when it comes back traffic returns to it at the
 * next packet (pre-emptive fall-back: the first member is normally the cheap, wired one).
 *
 * <p>Weights only matter as "zero or not": a link measured at 0 bandwidth (seed 002 W3) is skipped
 * like an unusable one, so a dead primary whose tunnel still answers keepalives is not kept.
 * The choice is computed once per published snapshot, so a pick is one volatile read; only with
 * a capped link (the member through a bandwidth sharer) is each eligible link asked in order
 * whether its bucket has the tokens, and the first that has them takes the packet.
 */
public final class ActiveBackup extends SnapshotHolder {

    private final Buckets buckets;
    private LinkSnapshot applied;
    private boolean anyCap;

    public ActiveBackup(int links) {
        super(links);
        this.buckets = new Buckets(links);
        this.applied = published();
    }

    @Override
    public int pick(int packetBytes, long nowNanos) {
        LinkSnapshot s = published();
        if (s != applied) {
            applied = s;
            buckets.apply(s, nowNanos);
            anyCap = false;
            for (int i = 0; i < s.links(); i++) {
                anyCap |= s.capped(i);
            }
        }
        if (!anyCap) {
            return s.firstEligible();
        }
        int size = packetBytes < 1 ? 1 : packetBytes;
        for (int i = 0; i < s.links(); i++) {
            if (s.eligible(i) && buckets.admits(i, size, nowNanos)) {
                buckets.take(i, size);
                return i;
            }
        }
        return NONE;
    }
}
