package net.coopwan.config;

/**
 * {@code config suppression 'suppress'} (any name but an offer's): holding back other traffic while latency-critical (LC)
 * traffic needs the line (seed 001 [0173]-[0177], [0296]-[0330]; docs/PROTOCOL.md 3.14). Whether a
 * neighbour may ask this router to suppress, and with which ceiling, is the owner's approved
 * {@code suppression} agreement ({@code max_drop_percent}); this section says what this router
 * does for its own LC traffic. Without it, {@link #defaults()}. D, the time after its last packet
 * during which LC traffic counts as current, is {@code config latency}'s {@code current_ms}: one
 * value for the classification and the suppression it gates.
 *
 * @param enabled           suppress the own other traffic while LC traffic is current and an issue is seen
 * @param maxDropPercent    maximum_percentage_of_the_packets_to_be_dropped of other traffic, 0-100
 *                          (the seed's examples 5, 10, 20)
 * @param perConnectionKbps cap of any one other connection while suppressing ([0298]), 0 = none
 * @param upKbps            cap of all other traffic out of the uplinks ([0297]), 0 = none
 * @param downKbps          cap of all other traffic into the uplinks, 0 = none
 * @param dscpCs1           rewrite other traffic's DSCP to CS1 while suppressing ([0329])
 * @param askNeighbours     send SUPPRESSION_REQUEST to neighbours with a suppression agreement
 * @param appType           what the LC traffic is, as the request tells: voip, game or other
 * @param leaseMs           how long a request holds at the neighbour without renewal, 100-60000
 * @param shapePercent      while suppressing, what comes in from the uplinks is shaped on the LAN
 *                          devices ({@code config failover}'s {@code list lan}) to this share of the
 *                          uplinks' {@code down_kbps}, and what leaves each uplink to this share of
 *                          its {@code up_kbps}, LC traffic skipping the queues; 0 = no shaper (also
 *                          without a LAN device or a known rate), 10-100; default 85
 */
public record Suppression(boolean enabled, int maxDropPercent, long perConnectionKbps, long upKbps,
        long downKbps, boolean dscpCs1, boolean askNeighbours, String appType, int leaseMs, int shapePercent) {

    /**
     * On, 20 % (the seed's VoIP ceiling), 1 Mbit/s per connection (the seed's [0298]), no totals, CS1,
     * ask, VoIP, 3 s lease, the LAN and the uplinks shaped to 85 % of the line (docs/PROTOCOL.md 3.14: a
     * download alone is held at 90 % too, a download and an upload together need more margin).
     */
    public static Suppression defaults() {
        return new Suppression(true, 20, 1000, 0, 0, true, true, "voip", 3000, 85);
    }
}
