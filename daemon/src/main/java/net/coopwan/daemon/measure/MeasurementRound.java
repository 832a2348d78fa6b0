package net.coopwan.daemon.measure;

import java.util.List;

/**
 * One measurement round over the N links of a bond (W1 steps 1-2, W6): a {@link SlopsSearch} per
 * link; the owner asks {@link #nextRateBps(int)} what link i should send next, sends the stream,
 * and feeds the receiver's answer back with {@link #onVerdict}. When the last link finishes, the
 * new weights are computed from every link's A and published to the {@link WeightBoard} in one
 * step, so the weight vector never changes in the middle of a round (W6). The round is then
 * complete and a new round object is made for the next period.
 *
 * <p>The links' searches are independent (each probes its own uplink), so the owner may run them
 * in parallel or one after another; this class does not care about the order of calls.
 *
 * <p>Own traffic (S10): a stream sent while the bond carries user traffic measures the link's
 * residual bandwidth, i.e. what is left after the bond's own share, so a busy link would look
 * poorer than it is and lose weight for being used. With {@link Config#addOwnGoodput()} (default
 * on) the goodput the bond itself sent on link i during the round ({@link #onOwnGoodput}) is added
 * to its A_i, capped at the link's rmax. This is OURS; the alternative in the notes, probing only
 * idle links, would never measure a loaded bond.
 *
 * <p>A dead link (its {@link LinkHealth} went DOWN, W3 "or the tunnel keepalive is lost") is
 * finished at once with A = 0 by {@link #abandon(int)}; an own-goodput correction does not revive
 * it. Not thread-safe: one owner thread per round.
 */
public final class MeasurementRound {

    /**
     * @param addOwnGoodput add the bond's own goodput on a link to its measured A (S10)
     * @param periodNanos time from one round's start to the next (W1 step 3, "periodic", NS in
     *     the seed); default 300 s: a round costs up to ~0.6 MB per link (see {@link
     *     SlopsStreamConfig}), every 5 minutes that is ~170 MB a day per link, which a metered
     *     mobile plan can carry, while radio conditions on a fixed router change on that scale.
     *     The owner schedules rounds; this record only carries the value
     */
    public record Config(boolean addOwnGoodput, long periodNanos) {
        public static final Config DEFAULT = new Config(true, 300_000_000_000L);

        public Config {
            if (periodNanos < 10_000_000_000L) {
                throw new IllegalArgumentException("period must be >= 10 s: " + periodNanos);
            }
        }
    }

    private final Config config;
    private final SlopsSearch[] searches;
    private final boolean[] abandoned;
    private final double[] ownGoodputBps;
    private final WeightBoard board;
    private BondWeights result;

    /** A round over {@code links.size()} links, link i with search parameters {@code links.get(i)}. */
    public MeasurementRound(Config config, List<SlopsSearch.Config> links, WeightBoard board) {
        if (links.isEmpty()) {
            throw new IllegalArgumentException("no links");
        }
        this.config = config;
        this.board = board;
        this.searches = new SlopsSearch[links.size()];
        for (int i = 0; i < searches.length; i++) {
            searches[i] = new SlopsSearch(links.get(i));
        }
        this.abandoned = new boolean[searches.length];
        this.ownGoodputBps = new double[searches.length];
    }

    public int links() {
        return searches.length;
    }

    /** Whether link i has its A (search done or abandoned). */
    public boolean isFinished(int link) {
        return abandoned[link] || searches[link].isDone();
    }

    /** Whether every link finished and the weights were published. */
    public boolean isComplete() {
        return result != null;
    }

    /** Rate link i should send its next stream at, or -1 when that link is finished. */
    public double nextRateBps(int link) {
        return isFinished(link) ? -1 : searches[link].nextRateBps();
    }

    /**
     * Feeds link i's stream verdict. Publishes the weights when this finished the last link.
     *
     * @return true when this call completed the round
     */
    public boolean onVerdict(int link, StreamVerdict verdict) {
        if (isFinished(link)) {
            throw new IllegalStateException("link " + link + " already finished");
        }
        searches[link].onVerdict(verdict);
        return completeIfAllFinished();
    }

    /** Link i is dead (keep-alives lost): A_i = 0 for this round. */
    public boolean abandon(int link) {
        if (isComplete()) {
            return false;
        }
        abandoned[link] = true;
        return completeIfAllFinished();
    }

    /** The bond's own goodput on link i during this round (bit/s), for the S10 correction. */
    public void onOwnGoodput(int link, double bps) {
        if (!(bps >= 0) || Double.isInfinite(bps)) {
            throw new IllegalArgumentException("goodput must be finite and >= 0: " + bps);
        }
        ownGoodputBps[link] = bps;
    }

    /** A_i as it enters the weights (after the S10 correction); only for a finished link. */
    public double availableBps(int link) {
        if (abandoned[link]) {
            return 0;
        }
        double a = searches[link].availableBps();
        if (config.addOwnGoodput()) {
            a = Math.min(a + ownGoodputBps[link], searches[link].config().rmaxBps());
        }
        return a;
    }

    /** Link i's search, for logs and status. */
    public SlopsSearch search(int link) {
        return searches[link];
    }

    /** The weights this round published, or null while it runs. */
    public BondWeights result() {
        return result;
    }

    private boolean completeIfAllFinished() {
        if (result != null) {
            return false;
        }
        for (int i = 0; i < searches.length; i++) {
            if (!isFinished(i)) {
                return false;
            }
        }
        double[] a = new double[searches.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = availableBps(i);
        }
        result = BondWeights.fromAvailable(a);
        board.publish(result);
        return true;
    }
}
