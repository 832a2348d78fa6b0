/**
 * The receive side of the bonding data plane: per-flow order and deduplication.
 *
 * <ul>
 *   <li>{@link net.coopwan.daemon.reorder.FlowHash}: inner IPv4/IPv6 packet to one of 4096 flow
 *       buckets (5-tuple, or addresses and protocol where there are no ports). The sender hashes
 *       and numbers packets per bucket.</li>
 *   <li>{@link net.coopwan.daemon.reorder.DuplicateFilter}: {@code last_packet_ID} plus a bitmask of
 *       missing IDs per flow (seed 001 [0339], bit i = ID last - i, 1 = missing), 32-bit IDs with
 *       serial arithmetic.</li>
 *   <li>{@link net.coopwan.daemon.reorder.ReorderBuffer}: in-order delivery per bucket with a wait
 *       per held packet from the links' measured delays and jitter ({@code LinkDelays}), bounded by
 *       the configured ceiling; a fixed pool of held packets, late packets delivered once,
 *       duplicates dropped; hands packets to a {@link net.coopwan.daemon.reorder.PacketSink}.</li>
 * </ul>
 *
 * <p>Pure logic: time comes in as {@code long nowNanos}, nothing here sleeps, owns a thread or
 * allocates per packet. One receive thread owns a ReorderBuffer. The send side's link choice is in
 * {@link net.coopwan.daemon.schedule}.
 */
package net.coopwan.daemon.reorder;
