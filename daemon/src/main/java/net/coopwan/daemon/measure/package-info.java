/**
 * Measurement for the bonding data plane (seed 002; its labels W1-W7, S1-S11: docs/ARCHITECTURE.md):
 * per-link health from keep-alives, SLoPS available-bandwidth measurement and the adaptive
 * weights built from it. Pure logic: no sockets, no threads, no clock; every time is a {@code
 * long nowNanos} (or a microsecond timestamp) passed in by the owner.
 *
 * <h2>Link health</h2>
 * {@link net.coopwan.daemon.measure.LinkHealth} (configured by {@link
 * net.coopwan.daemon.measure.LinkHealthConfig}) turns probes, echoes and any authenticated packet
 * into an UP/DOWN state plus RTT (RFC 6298), jitter (RFC 3550, on one-way delays), loss over the
 * last probes and the one-way-delay trend; readers on other threads get an immutable {@link
 * net.coopwan.daemon.measure.LinkHealthSnapshot}. A link starts DOWN and is UP after 3 echoes;
 * it goes DOWN after 500 ms of silence with probes every 50 ms, which keeps false failovers
 * negligible at 10 % probe loss (the arithmetic is in {@code LinkHealthConfig}).
 *
 * <h2>SLoPS (S1-S11)</h2>
 * <ul>
 *   <li>{@link net.coopwan.daemon.measure.SlopsStreamPlan}: sender side, K packets of L bits, one
 *       every T = L / R (T read as the inter-packet period, S2).</li>
 *   <li>{@link net.coopwan.daemon.measure.SlopsStreamReceiver}: far side, files (index, send
 *       timestamp, arrival) into preallocated arrays, tolerates loss, duplicates and
 *       reordering, and answers INCREASING / NOT_INCREASING / GREY / LOST ({@link
 *       net.coopwan.daemon.measure.StreamVerdict}). OWD = arrival - send (S3 with the minus
 *       restored); the clock offset cancels.</li>
 *   <li>{@link net.coopwan.daemon.measure.TrendTest} with pathload's {@link
 *       net.coopwan.daemon.measure.PctPdtTrendTest} (PCT/PDT on group medians, S4: the seed
 *       names no statistic), plus our floor: medians spanning less than 200 us are flat, so
 *       timestamp rounding on a quiet path is not read as a trend.</li>
 *   <li>{@link net.coopwan.daemon.measure.SlopsSearch}: the bisection of S6 with the midpoint
 *       misprint fixed (S7: R(i+1) = (Rmin + Rmax) / 2), stop when Rmax - Rmin &lt; w, report
 *       (Rmin + Rmax) / 2 or 0 if Rmin never moved (S8). GREY is repeated once, then counts as
 *       INCREASING; LOST counts as INCREASING. One stream per rate, as in the seed; a noisy
 *       path is therefore underestimated now and then (pathload's fleets are not done).</li>
 * </ul>
 *
 * <h2>Weights (W1-W7)</h2>
 * {@link net.coopwan.daemon.measure.BondWeights}: w_i = A_i / A_min over the links with A_i &gt;
 * 0, weight 0 for A_i = 0, "no usable link" when all are 0. {@link
 * net.coopwan.daemon.measure.MeasurementRound} runs one search per link and, only when every link
 * finished, publishes the new vector to the {@link net.coopwan.daemon.measure.WeightBoard} in one
 * volatile write (W6), optionally adding each link's own goodput to its A (S10: probing a loaded
 * link measures only what is left).
 *
 * <h2>In-band capacity</h2>
 * {@link net.coopwan.daemon.measure.InbandCapacity} refines the estimates between rounds from
 * the bond's own traffic: a window of 500 ms of keep-alive echoes in which the link's queue never
 * emptied delivered exactly its capacity. Its rules (issue 18, each explained where it is coded):
 * <ul>
 *   <li>Saturated means even the window's smallest queue sample (RTT minus base RTT) is at least
 *       max(8 ms, 3 x the link's RTT jitter): jitter lifts some samples, a standing queue all of
 *       them. The jitter is measured from successive RTTs (both directions), not taken from the
 *       one-way jitter of {@link net.coopwan.daemon.measure.LinkHealth}, which sees the way down
 *       only. A queue still growing from empty is counted from the window in which it stands.</li>
 *   <li>The base RTT is {@link net.coopwan.daemon.measure.LinkHealth#queueDelayNanos()}'s: the
 *       smallest RTT of the last 30-60 s, so a route change that raises the delay for good reads
 *       as a queue for a minute at most.</li>
 *   <li>Only loaded windows count (20 % of the estimate and 64 kbit/s delivered): keep-alives
 *       alone, an idle bond or a queue on the way down never move an estimate.</li>
 *   <li>No window spans a silence of half a window; a member down during a round keeps its last
 *       estimate, and one that comes back with 0 gets it again at once.</li>
 * </ul>
 * {@link net.coopwan.daemon.measure.InbandCapacity.Config#jitterAware()} and the load gates can be
 * turned off for ablation; everything else has no switch.
 *
 * <h2>Defaults</h2>
 * The seed gives no K, L, T, w or period. Ours, each explained where it is declared: K = 100,
 * L = 8000 bits, LOST above 20 % missing ({@link net.coopwan.daemon.measure.SlopsStreamConfig});
 * w = rmax / 50 ({@link net.coopwan.daemon.measure.SlopsSearch.Config}); a round every 300 s
 * ({@link net.coopwan.daemon.measure.MeasurementRound.Config}).
 *
 * <p>Nothing here is thread-safe except reading {@link
 * net.coopwan.daemon.measure.LinkHealth#snapshot()} and {@link
 * net.coopwan.daemon.measure.WeightBoard#current()}.
 */
package net.coopwan.daemon.measure;
