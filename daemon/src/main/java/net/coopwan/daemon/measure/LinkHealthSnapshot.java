package net.coopwan.daemon.measure;

/**
 * What {@link LinkHealth} knows about one link at one moment; immutable, safe to hand to any
 * thread (status pages, SNMP, the dispatcher).
 *
 * @param state UP or DOWN
 * @param srttNanos smoothed RTT (RFC 6298), -1 before the first echo
 * @param rttvarNanos RTT variation (RFC 6298), -1 before the first echo
 * @param jitterMicros RFC 3550 interarrival jitter over the one-way delays, 0 before two OWDs
 * @param lossPercent probes lost among the resolved ones of the last lossWindow probes, 0..100
 * @param owdTrend trend of the recent one-way delays (a rising OWD is a queue building)
 * @param lastHeardNanos when the last authenticated packet came in, Long.MIN_VALUE if never
 * @param probesSent probes sent in total
 * @param echoes echoes accepted (RTT samples)
 * @param ignoredEchoes echoes of unknown, too-old, duplicate or already-lost probes
 * @param transitions UP/DOWN changes so far
 */
public record LinkHealthSnapshot(LinkHealth.State state, long srttNanos, long rttvarNanos, long jitterMicros,
                                 double lossPercent, TrendTest.Verdict owdTrend, long lastHeardNanos,
                                 long probesSent, long echoes, long ignoredEchoes, long transitions) {
}
