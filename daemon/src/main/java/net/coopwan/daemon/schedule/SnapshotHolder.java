package net.coopwan.daemon.schedule;

/**
 * The writer side shared by the schedulers: control threads replace the snapshot under a lock
 * (so two concurrent {@code setUsable} calls cannot lose each other's change), the sender only
 * reads the volatile field.
 */
abstract class SnapshotHolder implements LinkScheduler {

    private volatile LinkSnapshot published;

    SnapshotHolder(int links) {
        this.published = LinkSnapshot.initial(links);
    }

    /** The newest snapshot; the sender compares it by identity with the one it applied last. */
    final LinkSnapshot published() {
        return published;
    }

    @Override
    public final synchronized void setWeights(double[] weights) {
        published = published.withWeights(weights);
    }

    @Override
    public final synchronized void setUsable(int link, boolean usable) {
        published = published.withUsable(link, usable);
    }

    @Override
    public final int links() {
        return published.links();
    }

    @Override
    public final boolean usable(int link) {
        return published.usable(link);
    }

    @Override
    public final double weight(int link) {
        return published.weight(link);
    }
}
