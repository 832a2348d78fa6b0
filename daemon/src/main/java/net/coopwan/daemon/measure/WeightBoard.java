package net.coopwan.daemon.measure;

/**
 * Where the bond's current weight vector lives between rounds: written by the measuring thread
 * when a round completes, read by the dispatching thread per packet (or per batch). One volatile
 * reference to an immutable {@link Published}, so a reader sees either the whole old vector or
 * the whole new one, never a mix (W6).
 *
 * <p>A round whose result is "no usable link" does not replace the weights: the last usable
 * weights stay, and {@link Published#bondDown()} says the bond has nothing to send on (W3, all
 * links 0: OURS, the bond is reported down and an alarm raised by whoever reads this).
 */
public final class WeightBoard {

    /**
     * @param weights the weights the dispatcher should use (the last usable ones)
     * @param bondDown true when the latest round found no usable link
     * @param round how many rounds were published (0 for the initial weights)
     */
    public record Published(BondWeights weights, boolean bondDown, long round) { }

    private volatile Published current;

    /** Starts with {@code initial} (typically {@link BondWeights#equal}), not down. */
    public WeightBoard(BondWeights initial) {
        if (!initial.usable()) {
            throw new IllegalArgumentException("initial weights must be usable");
        }
        this.current = new Published(initial, false, 0);
    }

    public Published current() {
        return current;
    }

    /** Publishes a round's result; called by one thread (the round owner). */
    public Published publish(BondWeights result) {
        Published old = current;
        Published next = result.usable()
                ? new Published(result, false, old.round() + 1)
                : new Published(old.weights(), true, old.round() + 1);
        current = next;
        return next;
    }
}
