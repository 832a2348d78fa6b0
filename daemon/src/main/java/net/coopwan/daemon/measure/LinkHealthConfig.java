package net.coopwan.daemon.measure;

/**
 * Parameters of {@link LinkHealth}. The seed gives none of them; these defaults are ours.
 *
 * @param probeIntervalNanos how often the owner sends a keep-alive probe on the link; default 50
 *     ms. With {@code deadAfterNanos} = 500 ms a link is declared dead only after about 10
 *     probes in a row went unanswered. At 100 ms it would be 5 in a row, and with 10 % probe
 *     loss a run of 5 starts about once every 110,000 probes (0.9 * 0.1^5 per probe): one false
 *     failover every 3 hours per link. At 50 ms, a run of 10 starts with probability 0.9 * 0.1^10
 *     = 9e-11 per probe: once in about 350 years of 20 probes/s per link (and even if probe and
 *     echo are each lost with 10 %, i.e. 19 % per round trip, 0.81 * 0.19^10 = 4.9e-8 per
 *     probe: once in about 12 days). Cost: 20 small packets/s each way; the owner may skip a
 *     probe when the link just carried authenticated traffic
 * @param deadAfterNanos DOWN when nothing was heard for this long; default 500 ms, so a dead link
 *     leaves the schedule in well under a second (plus the owner's tick interval)
 * @param upAfterEchoes UP again after this many consecutive echoes (consecutive probe sequence
 *     numbers); default 3: 150 ms of clean round trips, so one stray packet on a dying link does
 *     not bring it back
 * @param lossWindow loss percentage over the last this many probes; default 100 (5 s at 50 ms,
 *     1 % resolution)
 * @param minLossTimeoutNanos a probe without echo counts lost after max(this, srttFactor *
 *     srtt); default 1 s, RFC 6298's minimum RTO: an echo later than that is useless for
 *     real-time traffic anyway, and a shorter floor would count queueing spikes on a loaded
 *     mobile link as loss
 * @param srttFactor the srtt multiple in that timeout; default 4 (RFC 6298's RTO is srtt +
 *     4*rttvar, and rttvar &lt;= srtt in practice, so 4*srtt is at least the RTO but cheaper to
 *     reason about)
 * @param owdWindow OWD samples kept for the trend test; default 64 (Γ = 8 groups of 8, the last
 *     ~3 s at one OWD per probe)
 */
public record LinkHealthConfig(long probeIntervalNanos, long deadAfterNanos, int upAfterEchoes,
                               int lossWindow, long minLossTimeoutNanos, int srttFactor, int owdWindow) {

    public static final LinkHealthConfig DEFAULT =
            new LinkHealthConfig(50_000_000L, 500_000_000L, 3, 100, 1_000_000_000L, 4, 64);

    public LinkHealthConfig {
        if (probeIntervalNanos < 1_000_000L || probeIntervalNanos > 60_000_000_000L) {
            throw new IllegalArgumentException("probe interval must be 1 ms .. 60 s: " + probeIntervalNanos);
        }
        if (deadAfterNanos < 2 * probeIntervalNanos) {
            throw new IllegalArgumentException("deadAfter must be at least two probe intervals: " + deadAfterNanos);
        }
        if (upAfterEchoes < 1 || upAfterEchoes > 100) {
            throw new IllegalArgumentException("upAfterEchoes must be 1..100: " + upAfterEchoes);
        }
        if (lossWindow < 10 || lossWindow > 10_000) {
            throw new IllegalArgumentException("lossWindow must be 10..10000: " + lossWindow);
        }
        if (minLossTimeoutNanos < probeIntervalNanos) {
            throw new IllegalArgumentException("minLossTimeout must be >= probe interval: " + minLossTimeoutNanos);
        }
        if (srttFactor < 1 || srttFactor > 64) {
            throw new IllegalArgumentException("srttFactor must be 1..64: " + srttFactor);
        }
        if (owdWindow < 4 || owdWindow > 10_000) {
            throw new IllegalArgumentException("owdWindow must be 4..10000: " + owdWindow);
        }
    }

    /** This configuration with {@code deadAfterNanos} at least {@code nanos}. */
    public LinkHealthConfig withDeadAfterAtLeast(long nanos) {
        return new LinkHealthConfig(probeIntervalNanos, Math.max(deadAfterNanos, nanos), upAfterEchoes, lossWindow,
                Math.max(minLossTimeoutNanos, nanos / 2), srttFactor, owdWindow);
    }

    /** This configuration with another {@code upAfterEchoes}. */
    public LinkHealthConfig withUpAfterEchoes(int echoes) {
        return new LinkHealthConfig(probeIntervalNanos, deadAfterNanos, echoes, lossWindow, minLossTimeoutNanos, srttFactor,
                owdWindow);
    }
}
