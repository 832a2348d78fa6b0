package net.coopwan.daemon.schedule;

/**
 * Everything on the first eligible link in member order; the member order is the priority order.
 * When that link fails the next one takes over, and when it comes back traffic returns to it at the
 * next packet (pre-emptive fall-back: the first member is normally the cheap, wired one).
 *
 * <p>Weights only matter as "zero or not": a link measured at 0 bandwidth (seed 002 W3) is skipped
 * like an unusable one, so a dead primary whose tunnel still answers keepalives is not kept.
 * The choice is computed once per published snapshot, so a pick is one volatile read.
 */
public final class ActiveBackup extends SnapshotHolder {

    public ActiveBackup(int links) {
        super(links);
    }

    @Override
    public int pick(int packetBytes) {
        return published().firstEligible();
    }
}
