/**
 * Loss recovery inside the bond (issue 18, part 4): hide a member link's random loss from the
 * inner flows by re-sending a lost packet on the fastest link while the far end's reorder buffer
 * still holds the gap. docs/PROTOCOL.md 4.8.
 *
 * <ul>
 *   <li>{@link net.coopwan.daemon.recovery.GapDetector}: receiver, per link: a packet number
 *       missing for longer than the link's reordering allowance is reported once.</li>
 *   <li>{@link net.coopwan.daemon.recovery.NackCodec}: the NACK payload (link, highest missing
 *       number, bitmap of 64 below it, per group); parsing never throws, bounded work.</li>
 *   <li>{@link net.coopwan.daemon.recovery.RetransmitRing}: sender, the recently sent inner
 *       packets by (link, packet number) in a fixed arena, with an age limit and a byte budget
 *       (a share of the data sent).</li>
 *   <li>{@link net.coopwan.daemon.recovery.LossRecovery}: the three together for one far end,
 *       both roles (the router and the concentrator run the same code), with the NACK rate limit
 *       and the counters ({@link net.coopwan.daemon.recovery.RecoveryCounter}). The data path
 *       gives it a {@link net.coopwan.daemon.recovery.LossRecovery.Port}: sealing and sending,
 *       which links are usable, the links' measured delays.</li>
 * </ul>
 *
 * <p>Pure logic: time comes in as {@code long nowNanos}; nothing here owns a thread or allocates
 * per packet. Security is the tunnel's: a NACK is a sealed, replay-checked control packet, and a
 * retransmission is a new DATA packet sealed with the next packet number of the link it goes on
 * (an old ciphertext is never sent again: the replay window would drop it).
 */
package net.coopwan.daemon.recovery;
