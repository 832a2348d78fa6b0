/**
 * Latency-critical (LC) classification (seed 001 [0229]-[0249]; docs/latency.md): which of the
 * household's sessions are a game's or a call's, decided without the kernel and tested without it.
 *
 * <p>Owns: the classification policy ({@link net.coopwan.daemon.coop.latency.LatencyPolicy}: the
 * configured {@link net.coopwan.daemon.coop.latency.AppType}s, the DSCP rule of {@link
 * net.coopwan.daemon.coop.latency.Dscp}, learned destinations), the ad hoc rule for unknown
 * applications ({@link net.coopwan.daemon.coop.latency.AdHocDetector}, judged from per-flow
 * counters), the learned (address, port) pairs ({@link
 * net.coopwan.daemon.coop.latency.LearnedDestinations}) and the LC sessions' lifecycle with "current
 * LC traffic" ({@link net.coopwan.daemon.coop.latency.LcSessions}). The kernel half (table {@code inet
 * coopwan_lc}, which marks LC connections at their first packet) is {@code steer.LatencyRules}; this
 * package gives it a {@code steer.LatencyPlan}. Also the router's side of duplication's seam:
 * {@link net.coopwan.daemon.coop.latency.BondLcClassifier} (which packets leaving through the bond
 * are LC, and over which members their copies go) and
 * {@link net.coopwan.daemon.coop.latency.DuplicationSwitch} (whether the router duplicates now, and
 * why). Duplication's own logic ({@code coop.duplication}) and suppression are not here.
 */
package net.coopwan.daemon.coop.latency;
