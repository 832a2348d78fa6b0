package net.coopwan.daemon.api;

/**
 * What the bonding data plane measures on an uplink that is a member of a bond with a far end.
 *
 * @param bond          the bond whose tunnel measured it
 * @param up            whether the tunnel link is up (answering its keep-alives)
 * @param rttMicros     smoothed round-trip time of the keep-alives, µs; 0 before the first answer
 * @param jitterMicros  smoothed RTT variation (RFC 6298 rttvar), µs
 * @param lossPercent   keep-alives lost among the recent ones, percent
 * @param weight        the scheduler's relative weight (0: gets no traffic)
 * @param txBytes       tunnel bytes sent on this link (headers included)
 * @param rxBytes       tunnel bytes received on this link
 */
public record LinkMeasurement(String bond, boolean up, long rttMicros, long jitterMicros, double lossPercent,
        double weight, long txBytes, long rxBytes) {
}
