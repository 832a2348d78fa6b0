/**
 * Suppression of other traffic while latency-critical (LC) traffic needs the line (issue 17
 * item 4; seed 001 [0173]-[0177], [0296]-[0330]; docs/PROTOCOL.md 3.14). Owns:
 * <ul>
 *   <li>the gating: {@link net.coopwan.daemon.coop.suppression.SuppressionPolicy} (enforce only
 *       while LC traffic is current, within D, and a detector sees a potential issue) and its
 *       pure detectors ({@link net.coopwan.daemon.coop.suppression.PathQualityDetector},
 *       {@link net.coopwan.daemon.coop.suppression.OneWayDelayTrend},
 *       {@link net.coopwan.daemon.coop.suppression.TrafficCapDetector},
 *       {@link net.coopwan.daemon.coop.suppression.LcLossDetector});</li>
 *   <li>what feeds the detectors: {@link net.coopwan.daemon.coop.suppression.SuppressionFeeds}
 *       (one thread) stepping {@link net.coopwan.daemon.coop.suppression.LcPathProbe} (echo to the
 *       uplink's gateway on uplink.failure's prober, only while LC traffic is current),
 *       {@link net.coopwan.daemon.coop.suppression.UplinkLoad} (the uplinks' byte counters) and the
 *       bond's LC copy counters;</li>
 *   <li>the channel kind SUPPRESSION: {@link net.coopwan.daemon.coop.suppression.SuppressionMessage}
 *       (REQUEST, STOP, ANSWER) and {@link net.coopwan.daemon.coop.suppression.SuppressionCodec};</li>
 *   <li>the two sides' state machines: {@link net.coopwan.daemon.coop.suppression.SuppressionRequester}
 *       and {@link net.coopwan.daemon.coop.suppression.NeighbourSuppression}, run by
 *       {@link net.coopwan.daemon.coop.suppression.SuppressionService};</li>
 *   <li>who demands the kernel's suppression: {@link net.coopwan.daemon.coop.suppression.SuppressionDemands},
 *       through {@link net.coopwan.daemon.coop.suppression.SuppressionKernel} whose real
 *       implementation drives steer's {@code SuppressionRules} (table {@code inet coopwan_supp}).</li>
 * </ul>
 * Not here: which connections are LC (steer's latency rules set SteerMarks.LATENCY_CRITICAL; the
 * kernel table spares them), duplication, and the wiring into the daemon.
 */
package net.coopwan.daemon.coop.suppression;
