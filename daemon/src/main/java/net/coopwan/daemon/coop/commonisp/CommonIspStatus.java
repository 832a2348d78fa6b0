package net.coopwan.daemon.coop.commonisp;

/**
 * What both owners see about one neighbour ([0180]: the metric shown to the users), for the API.
 *
 * @param peerId          the neighbour
 * @param verdict         SAME, DIFFERENT or UNKNOWN
 * @param reason          why (the comparison, or what is missing)
 * @param commonSuffix    hops shared from the target backwards
 * @param ratio           commonSuffix / the longer route, 0..1
 * @param target          the pair's common target, empty when none
 * @param ownRoute        our route, e.g. {@code [198.18.1.1 * 198.18.250.1 198.19.0.1]}
 * @param peerRoute       the neighbour's route as it reported it
 * @param ownMeasuredAt   when our trace ended (epoch ms), 0 never
 * @param peerMeasuredAt  when the neighbour's trace ended, on our clock (epoch ms), 0 never
 * @param rttCorrelation  method 2: Pearson r of both routers' RTT to the target, NaN without enough pairs
 * @param ownSamples      our RTT samples held (at most 60: 10 minutes)
 * @param peerSamples     the neighbour's, as last reported
 */
public record CommonIspStatus(String peerId, IspVerdict verdict, String reason, int commonSuffix, double ratio,
                              String target, String ownRoute, String peerRoute, long ownMeasuredAt, long peerMeasuredAt,
                              double rttCorrelation, int ownSamples, int peerSamples) {
}
