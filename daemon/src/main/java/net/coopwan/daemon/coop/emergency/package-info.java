/**
 * The emergency connection (seed 001 FIG. 3B, [0125]-[0141], claims 29-42; docs/emergency.md and
 * docs/PROTOCOL.md 3.12): when the requester's own uplink fails, its paired helper carries its
 * LAN's traffic within the quota the helper's owner approved, until the uplink recovers.
 *
 * <p>{@link net.coopwan.daemon.coop.emergency.EmergencyCodec} encodes the four messages
 * ({@link net.coopwan.daemon.coop.emergency.EmergencyMessage}: REQUEST, ACK, TERMINATE,
 * TERMINATE_ACK) carried sealed on the secure channel as kind EMERGENCY;
 * {@link net.coopwan.daemon.coop.emergency.RequesterSession} and
 * {@link net.coopwan.daemon.coop.emergency.HelperSession} are the two plain state machines of
 * one emergency, driven by the two roles ({@code RequesterRole}: ask, move the LAN, renew the
 * lease, go back; {@code HelperRole}: check against the persisted agreement, set up before the
 * ACK, end on request, owner, withdrawal or lease);
 * {@link net.coopwan.daemon.coop.emergency.EmergencyService} is the handler on the channel: it
 * parses, dispatches to the roles, resends until acknowledged, and runs the
 * {@link net.coopwan.daemon.coop.emergency.EmergencyPaths} (data plane and kernel rules) on its
 * own worker thread, never under the channel's lock. Failure detection of the uplink is
 * {@code net.coopwan.daemon.uplink}'s; the kernel rules are {@code steer}'s.
 */
package net.coopwan.daemon.coop.emergency;
