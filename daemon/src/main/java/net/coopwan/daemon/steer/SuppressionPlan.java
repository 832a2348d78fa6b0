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
 * @param lanDevices           the LAN devices, where what comes in from the uplinks leaves the router
 * @param shapeDownBytesPerSecond the rate other traffic into the LAN is shaped to (an htb on each
 *                             LAN device; LC traffic skips its queue); 0: none. A shaper under the
 *                             uplink's rate moves the queue from the ISP's side to the router's,
 *                             where LC packets skip it: dropping a share of the packets does not,
 *                             since a sender a few ms away keeps its rate through 20 % loss
 *                             (docs/benchmarks/latency/shaping-experiment.sh)
 */
public record SuppressionPlan(List<String> uplinks, int maxDropPercent, long perConnectionBytesPerSecond,
        long totalUpBytesPerSecond, long totalDownBytesPerSecond, boolean dscpCs1, List<String> lanDevices,
        long shapeDownBytesPerSecond) {

    public SuppressionPlan {
        uplinks = List.copyOf(uplinks);
        if (uplinks.isEmpty()) {
            throw new IllegalArgumentException("at least one uplink");
        }
        uplinks.forEach(InterfaceNames::require);
        lanDevices = List.copyOf(lanDevices);
        lanDevices.forEach(InterfaceNames::require);
        if (shapeDownBytesPerSecond < 0) {
            throw new IllegalArgumentException("shapeDownBytesPerSecond is >= 0 (0: none)");
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
                dscpCs1, List.of(), 0);
    }

    /** Whether what goes into the LAN is shaped (an htb on each LAN device, LC traffic in its own class). */
    public boolean shapes() {
        return shapeDownBytesPerSecond > 0 && !lanDevices.isEmpty();
    }

    /** No cap at all: then every other packet counts as over the limit ([0314]: drop a fixed share). */
    public boolean uncapped() {
        return perConnectionBytesPerSecond == 0 && totalUpBytesPerSecond == 0 && totalDownBytesPerSecond == 0;
    }
}
