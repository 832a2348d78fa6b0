/**
 * The send side of the bonding data plane: which member link carries each packet.
 *
 * <ul>
 *   <li>{@link net.coopwan.daemon.schedule.LinkScheduler}: the per-packet choice; one sender thread
 *       calls {@code pick}, other threads publish weights and usability as immutable snapshots.</li>
 *   <li>{@link net.coopwan.daemon.schedule.WeightedRoundRobin}: smooth weighted round robin in bytes
 *       (seed 002 W4), with rebasing so a returning link gets no catch-up burst; serves both the
 *       {@code wrr} and the {@code adaptive} bond modes. In mode adaptive it is by default
 *       {@link net.coopwan.daemon.schedule.WeightedRoundRobin#earliestArrival}: each packet on the
 *       link where it is expected to arrive first, by a model of each link's queue at its measured
 *       rate and its delay and jitter (issue 18).</li>
 *   <li>{@link net.coopwan.daemon.schedule.ActiveBackup}: first eligible member in member order.</li>
 *   <li>{@link net.coopwan.daemon.schedule.SchedulerMode}: bond mode to scheduler.</li>
 *   <li>{@link net.coopwan.daemon.schedule.Weights}: bandwidths to weights (W2, W3).</li>
 *   <li>{@link net.coopwan.daemon.schedule.TokenBucket}: a member's cap (the path through a bandwidth
 *       sharer at its offer, seed 001 [0163]), consulted by both schedulers inside {@code pick}.</li>
 * </ul>
 *
 * <p>Pure logic: no sockets, no clocks (the sender passes its time to {@code pick}), no threads of its own. Measuring bandwidth (SLoPS) and
 * sending are other packages' jobs; the receive side's reordering is in
 * {@link net.coopwan.daemon.reorder}.
 */
package net.coopwan.daemon.schedule;
