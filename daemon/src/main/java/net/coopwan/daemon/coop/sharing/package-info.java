/**
 * Bandwidth sharing (seed 001 FIG. 3C, [0142]-[0157], claims 43-62; docs/PROTOCOL.md 3.13): a
 * sharer lends the capacity its own users leave idle, a borrower moves new sessions onto it, and
 * the sharer's owners get it back within one window. Roles are named sharer and borrower, never
 * A and B (the seed's claims swap the letters).
 *
 * <p>{@link net.coopwan.daemon.coop.sharing.ShareableBandwidth} is the sharer's estimate of its
 * spare capacity per direction and the hysteresis of what it announces;
 * {@link net.coopwan.daemon.coop.sharing.SharingCodec} encodes the messages
 * ({@link net.coopwan.daemon.coop.sharing.SharingMessage}: OFFER, USE, ANSWER, RELEASE,
 * RELEASE_ACK) carried sealed on the secure channel as kind SHARING. The path a borrowed session
 * takes is the emergency connection's (the tunnel to the sharer and its kernel NAT and quota), so
 * a grant here is an emergency grant.
 */
package net.coopwan.daemon.coop.sharing;
