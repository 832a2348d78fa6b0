/**
 * Duplication of latency-critical (LC) packets (issue 17 item 2; seed 001 [0168]-[0172],
 * [0251]-[0256], [0280]-[0291], [0338]-[0339]; docs/PROTOCOL.md 4.7): the pure core the data
 * path uses to send each LC packet over several paths and keep only the first copy.
 *
 * <ul>
 *   <li>{@link net.coopwan.daemon.coop.duplication.DedupWindow}: per LC session,
 *       {@code last_packet_ID} + 64-bit missing-ID bitmask, 64-bit IDs;</li>
 *   <li>{@link net.coopwan.daemon.coop.duplication.CopySchedule}: copy k of n on one path leaves
 *       k&middot;tau/n after the packet ([0289]);</li>
 *   <li>{@link net.coopwan.daemon.coop.duplication.Raic5}: A, B, A^B split copies, any two
 *       rebuild the packet ([0252]);</li>
 *   <li>{@link net.coopwan.daemon.coop.duplication.LcCopyCodec}: the payload of tunnel packet type
 *       LC_COPY (11);</li>
 *   <li>{@link net.coopwan.daemon.coop.duplication.Duplicator} (send: packet ids, copies and their
 *       offsets) and {@link net.coopwan.daemon.coop.duplication.CopyReceiver} (receive: the first
 *       copy per packet, RAIC-5 parts rebuilt);</li>
 *   <li>{@link net.coopwan.daemon.coop.duplication.LcClassifier} and
 *       {@link net.coopwan.daemon.coop.duplication.LcRoute}: the seam through which the data path
 *       ({@code datapath.LcCopies}) learns which packets are LC and how they go.</li>
 * </ul>
 *
 * <p>Pure logic: time comes in as {@code long nowNanos} from the caller's monotonic clock,
 * nothing here owns a thread or a socket. Which sessions are LC is {@code coop.latency}'s
 * concern; which paths a session may use (the neighbour only by agreement, never for an
 * upgraded ad hoc session) is decided by the caller and given here as a list of paths.
 */
package net.coopwan.daemon.coop.duplication;
