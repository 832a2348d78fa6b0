package net.coopwan.daemon.coop.commonisp;

import java.util.List;
import java.util.Objects;

/**
 * A COMMON_ISP channel message (kind 11; docs/PROTOCOL.md 3.15): the sender's latest route to the
 * pair's common target and its RTT samples to that target. One type, sent whenever the sender's
 * route is new and again until the receiver's own report acknowledges it, so it needs no answer of
 * its own.
 *
 * @param sequence   the sender's report number (a new one per new trace; random start)
 * @param acked      the receiver's report number the sender holds (0: none yet)
 * @param target     the common target the route leads to (IPv4 as an int)
 * @param ageS       seconds since the sender's trace ended, at sending
 * @param route      the sender's route (reached: its last hop is {@code target})
 * @param samples    method 2: RTT samples to the target, oldest first
 */
public record CommonIspMessage(long sequence, long acked, int target, long ageS, Route route, Samples samples) {

    public CommonIspMessage {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(samples, "samples");
        if (route.reached() && route.hops().get(route.length() - 1).address() != target) {
            throw new IllegalArgumentException("a reached route ends at the target");
        }
    }

    /**
     * Method 2's statistic ([0179]: "per-second ... over last 10 minutes"): the RTT to the common
     * target, one sample every {@code periodS} seconds, the newest taken {@code newestAgeS} seconds
     * before sending.
     *
     * @param periodS    seconds between samples, 1..600; 0 exactly when there are no samples
     * @param newestAgeS age of the newest sample at sending
     * @param rttMs      oldest first, at most {@link #MAX}; {@link #LOST} for an unanswered probe
     */
    public record Samples(int periodS, long newestAgeS, List<Integer> rttMs) {
        public static final int MAX = 60;
        public static final int LOST = 0xffff;
        public static final Samples NONE = new Samples(0, 0, List.of());

        public Samples {
            rttMs = List.copyOf(rttMs);
            if (rttMs.size() > MAX || (rttMs.isEmpty() != (periodS == 0)) || periodS < 0 || periodS > 600) {
                throw new IllegalArgumentException("at most 60 samples, period 1-600 s (0 without samples)");
            }
            for (int v : rttMs) {
                if (v < 0 || v > LOST) {
                    throw new IllegalArgumentException("a sample is 0-65535");
                }
            }
        }
    }
}
