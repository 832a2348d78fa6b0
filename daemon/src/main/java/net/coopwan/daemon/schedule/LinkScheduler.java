package net.coopwan.daemon.schedule;

/**
 * Chooses the member link for each packet a bond sends.
 *
 * <p>Threading contract: {@link #pick} is called by exactly one sender thread, once per packet,
 * and allocates nothing. {@link #setWeights} and {@link #setUsable} may be called from any other
 * thread (the measurement loop, the keepalive watcher, the control API); they publish a new
 * immutable snapshot through a volatile field, and the sender applies it at its next pick. So the
 * sender never sees half of a weight vector (W6: a measurement round's weights apply at once) and
 * never takes a lock.
 *
 * <p>A link is <em>eligible</em> when it is usable and its weight is positive. A weight of 0 is
 * how a measurement says "no bandwidth" (seed 002 W3): such a link carries nothing until a later
 * vector gives it a positive weight.
 *
 * <p>A link may have a <em>cap</em>, a {@link TokenBucket} (the member through a bandwidth sharer,
 * capped at the sharer's offer: seed 001 [0163]). An eligible link whose bucket has too few tokens
 * for the packet is skipped for that packet, which goes on another eligible link: the overflow is
 * never dropped while another link is eligible, and among the links with tokens the weights still
 * decide. The bucket is consulted inside {@link #pick}: it is this scheduler's, not a second one.
 */
public interface LinkScheduler {

    /** Returned by {@link #pick} when no link is eligible (the bond is down). */
    int NONE = -1;

    /** Most member links a scheduler takes: {@code BondRules.MAX_MEMBERS}, so pick stays a short loop. */
    int MAX_LINKS = 16;

    /**
     * Link for this packet.
     *
     * @param packetBytes size of the packet as it will be sent; values below 1 count as 1
     * @param nowNanos    the sender's clock (nanoseconds, any origin, only differences count): what
     *                    a cap's bucket refills by
     * @return member index 0..links()-1, or {@link #NONE}
     */
    int pick(int packetBytes, long nowNanos);

    /** Number of member links (fixed for the scheduler's life; a membership change builds a new one). */
    int links();

    /**
     * Replaces the whole weight vector at once.
     *
     * @param weights one finite, non-negative value per link; only ratios matter
     * @throws IllegalArgumentException wrong length, negative, NaN or infinite value
     */
    void setWeights(double[] weights);

    /**
     * The links' estimated rates, for a scheduler that models their queues (earliest arrival, see
     * {@link WeightedRoundRobin#earliestArrival}); the others keep them and ignore them. Unlike
     * weights these are absolute: they say how long a packet waits behind what the link was given.
     *
     * @param bitsPerSecond one finite, non-negative value per link, in bit/s on the wire (IP and
     *                      UDP headers included, as {@link #pick}'s packetBytes count); 0: unknown
     * @throws IllegalArgumentException wrong length, negative, NaN or infinite value
     */
    void setRates(double[] bitsPerSecond);

    /**
     * The link's one-way delay and jitter estimates (ns), for the earliest-arrival choice; only
     * differences between links matter. Changes under 0.1 ms are not republished.
     */
    void setPath(int link, long oneWayDelayNanos, long jitterNanos);

    /** Marks one link usable or not (tunnel up and keepalive answered, or not). */
    void setUsable(int link, boolean usable);

    /**
     * Caps the link with a token bucket of {@code bytesPerSecond} (0: it carries nothing) and
     * {@code depthBytes}; a new cap on a capped link keeps its tokens, clipped to the new depth.
     */
    void setCap(int link, long bytesPerSecond, long depthBytes);

    /** Removes the link's cap. */
    void uncap(int link);

    /** The link's cap in bytes per second in the newest published snapshot, or -1 when it has none. */
    long capRate(int link);

    /** Whether the link is usable in the newest published snapshot (not necessarily applied yet). */
    boolean usable(int link);

    /** The link's weight in the newest published snapshot, as given (not normalised). */
    double weight(int link);
}
