/**
 * Common-ISP detection and its gating (issue 17 item 3; seed 001 [0179]-[0180]; notes section 8;
 * docs/PROTOCOL.md 3.15). Owns:
 * <ul>
 *   <li>the comparison of two traced routes, pure: {@link net.coopwan.daemon.coop.commonisp.Route},
 *       {@link net.coopwan.daemon.coop.commonisp.RouteComparison} (common suffix, SAME / DIFFERENT /
 *       UNKNOWN, the continuous ratio);</li>
 *   <li>the trace towards the common target, behind {@link net.coopwan.daemon.coop.commonisp.RouteTracer}
 *       whose real implementation ({@link net.coopwan.daemon.coop.commonisp.IcmpRouteTracer}) sends
 *       TTL-limited ICMP echoes out of the router's own uplink, and method 2's RTT samples
 *       ({@link net.coopwan.daemon.coop.commonisp.RttProbe}) and their correlation
 *       ({@link net.coopwan.daemon.coop.commonisp.RttCorrelation});</li>
 *   <li>the channel kind COMMON_ISP: its message and codec, and the service that exchanges the
 *       routes with each paired neighbour and keeps the verdict per neighbour;</li>
 *   <li>the verdict other parts read ({@link net.coopwan.daemon.coop.commonisp.CommonIspGate}):
 *       SAME stops duplication through that neighbour, DIFFERENT stops suppression requests to it.</li>
 * </ul>
 * Not here: duplication and suppression themselves (coop.duplication, coop.suppression), which
 * consult the gate, and any kernel state (there is none: raw sockets only, closed after each use).
 */
package net.coopwan.daemon.coop.commonisp;
