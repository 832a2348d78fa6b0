/**
 * Discovery transport (issue 5, capability 1; seed 001 [0097]-[0100], [0112]): the UDP beacon
 * on the inter-router interface {@code peer.device} and the table of routers heard on it.
 *
 * <p>Owns the two sockets ({@link net.coopwan.daemon.coop.discovery.Discovery}), what this router
 * puts in its own advert ({@link net.coopwan.daemon.coop.discovery.OwnAdvert}), and the bounded,
 * expiring table of neighbours shown to the owner
 * ({@link net.coopwan.daemon.coop.discovery.NearbyRouters}). The wire format, tag and pacing
 * belong to {@link net.coopwan.daemon.coop.advert}. A router in this table is only "seen": it
 * is never a paired peer and changes no agreement (checksum adverts prove nothing about the
 * sender). Socket choice, expiry and bounds with reasons: {@code docs/PROTOCOL.md} section 1.7.
 */
package net.coopwan.daemon.coop.discovery;
