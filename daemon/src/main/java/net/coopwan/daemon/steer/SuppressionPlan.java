package net.coopwan.daemon.steer;

import java.util.List;

/**
 * What {@link SuppressionRules} enforces while suppression is on (issue 17 item 4, seed 001
 * [0314]-[0321], [0329]). Other traffic is every forwarded packet whose connection lacks
 * {@link SteerMarks#LATENCY_CRITICAL}; LC traffic is never touched.
 *
 * @param uplinks              the uplink devices; packets out of them are "up", into them "down"
 * @param maxDropPercent       maximum_percentage_of_the_packets_to_be_dropped (0..100, the seed's
 *                             5, 10 or 20): the most of the over-limit non-ECT packets dropped
 * @param perConnectionBytesPerSecond cap of one connection (5-tuple), each direction; 0: none
 * @param totalUpBytesPerSecond  cap of all other traffic out of the uplinks; 0: none
 * @param totalDownBytesPerSecond cap of all other traffic into the uplinks; 0: none
 * @param dscpCs1              rewrite other traffic's DSCP to CS1 (both directions)
 * @param shaper               the queues under the line's rate on the LAN devices and the uplinks,
 *                             LC traffic skipping them ({@link SuppressionShaper}; NONE: none)
 */
public record SuppressionPlan(List<String> uplinks, int maxDropPercent, long perConnectionBytesPerSecond,
        long totalUpBytesPerSecond, long totalDownBytesPerSecond, boolean dscpCs1, SuppressionShaper shaper) {

    public SuppressionPlan {
        uplinks = List.copyOf(uplinks);
        if (uplinks.isEmpty()) {
            throw new IllegalArgumentException("at least one uplink");
        }
        uplinks.forEach(InterfaceNames::require);
        if (shaper == null) {
            throw new IllegalArgumentException("a shaper, or SuppressionShaper.NONE");
        }
        if (maxDropPercent < 0 || maxDropPercent > 100) {
            throw new IllegalArgumentException("maxDropPercent is 0..100, got " + maxDropPercent);
        }
        if (perConnectionBytesPerSecond < 0 || totalUpBytesPerSecond < 0 || totalDownBytesPerSecond < 0) {
            throw new IllegalArgumentException("caps are >= 0 (0: none)");
        }
    }

    /** Without the shaper. */
    public SuppressionPlan(List<String> uplinks, int maxDropPercent, long perConnectionBytesPerSecond,
            long totalUpBytesPerSecond, long totalDownBytesPerSecond, boolean dscpCs1) {
        this(uplinks, maxDropPercent, perConnectionBytesPerSecond, totalUpBytesPerSecond, totalDownBytesPerSecond,
                dscpCs1, SuppressionShaper.NONE);
    }

    /** No cap at all: then every other packet counts as over the limit ([0314]: drop a fixed share). */
    public boolean uncapped() {
        return perConnectionBytesPerSecond == 0 && totalUpBytesPerSecond == 0 && totalDownBytesPerSecond == 0;
    }
}
