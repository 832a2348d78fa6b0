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
    public final synchronized void setRates(double[] bitsPerSecond) {
        published = published.withRates(bitsPerSecond);
    }

    @Override
    public final synchronized void setPath(int link, long oneWayDelayNanos, long jitterNanos) {
        published = published.withPath(link, oneWayDelayNanos, jitterNanos);
    }

    @Override
    public final synchronized void setUsable(int link, boolean usable) {
        published = published.withUsable(link, usable);
    }

    @Override
    public final synchronized void setCap(int link, long bytesPerSecond, long depthBytes) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("a cap is >= 0 bytes per second: " + bytesPerSecond);
        }
        published = published.withCap(link, bytesPerSecond, depthBytes);
    }

    @Override
    public final synchronized void uncap(int link) {
        published = published.withCap(link, LinkSnapshot.UNCAPPED, 0);
    }

    @Override
    public final long capRate(int link) {
        return published.capRate(link);
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
