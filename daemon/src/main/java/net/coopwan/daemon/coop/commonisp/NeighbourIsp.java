package net.coopwan.daemon.coop.commonisp;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One neighbour's side of the exchange and the verdict about it, a plain state machine over the
 * verdict:
 *
 * <pre>
 * UNKNOWN   --both routes to one target, compared--> SAME or DIFFERENT
 * SAME      --a new comparison says otherwise------> DIFFERENT (or back)
 * any       --a route missing, unreached, stale----> UNKNOWN
 * </pre>
 *
 * Its report is kept with the local time it was received and its age then, so "when measured" is
 * the neighbour's trace time on our clock (within the channel's delay).
 */
final class NeighbourIsp {

    /** A change of verdict, logged once. */
    record Changed(IspVerdict from, IspVerdict to, String why) {
    }

    private final String peerId;
    private CommonIspMessage report;
    private long peerMeasuredAtMs;
    private long oursAcked = -1;
    private long nextSendMs;
    private long lastReplyMs = Long.MIN_VALUE / 2;
    private IspVerdict verdict = IspVerdict.UNKNOWN;
    private RouteComparison comparison = RouteComparison.NONE;
    private String reason = "no route of the neighbour yet";
    private Measured own;
    private List<RttCorrelation.Timed> peerSamples = List.of();

    NeighbourIsp(String peerId) {
        this.peerId = peerId;
    }

    /** Keeps a report; false when it is the one already held (a resend). */
    boolean onReport(CommonIspMessage m, long nowMs) {
        oursAcked = m.acked();
        if (report != null && report.sequence() == m.sequence() && report.target() == m.target()) {
            return false;
        }
        report = m;
        peerMeasuredAtMs = nowMs - m.ageS() * 1000;
        // the samples on our clock: evenly spaced back from the newest (within the channel's delay)
        List<RttCorrelation.Timed> t = new ArrayList<>();
        List<Integer> v = m.samples().rttMs();
        long period = m.samples().periodS() * 1000L;
        for (int i = 0; i < v.size(); i++) {
            long at = nowMs - m.samples().newestAgeS() * 1000 - (v.size() - 1 - i) * period;
            t.add(new RttCorrelation.Timed(at, v.get(i) == CommonIspMessage.Samples.LOST ? -1 : v.get(i)));
        }
        peerSamples = List.copyOf(t);
        return true;
    }

    /** The target the neighbour last reported, or 0. */
    int peerTarget() {
        return report == null ? 0 : report.target();
    }

    /**
     * Compares {@code own} (our route to the pair's target, null when none) with the neighbour's;
     * a report older than {@code staleMs} counts as none.
     */
    Changed evaluate(Measured own, int pairTarget, long nowMs, long staleMs) {
        this.own = own;
        IspVerdict next;
        String why;
        if (pairTarget == 0) {
            next = IspVerdict.UNKNOWN;
            why = "no common target (none configured here nor by the neighbour)";
            comparison = RouteComparison.NONE;
        } else if (report == null || report.target() != pairTarget) {
            next = IspVerdict.UNKNOWN;
            why = "no route of the neighbour to " + Hop.of(pairTarget) + " yet";
            comparison = RouteComparison.NONE;
        } else if (own == null) {
            next = IspVerdict.UNKNOWN;
            why = "no route of ours to " + Hop.of(pairTarget) + " yet";
            comparison = RouteComparison.NONE;
        } else if (nowMs - peerMeasuredAtMs > staleMs || nowMs - own.atMs() > staleMs) {
            next = IspVerdict.UNKNOWN;
            why = "a route is older than " + staleMs / 1000 + " s";
            comparison = RouteComparison.NONE;
        } else {
            comparison = RouteComparison.compare(own.route(), report.route());
            next = comparison.verdict();
            why = next == IspVerdict.UNKNOWN
                    ? (own.route().reached() ? "the neighbour's" : "our") + " trace did not reach " + Hop.of(pairTarget)
                    : "common suffix " + comparison.commonSuffix() + " of " + comparison.ownLength() + "/"
                            + comparison.peerLength() + " hops to " + Hop.of(pairTarget) + String.format(java.util.Locale.ROOT,
                                    " (ratio %.2f)", comparison.ratio());
        }
        reason = why;
        if (next == verdict) {
            return null;
        }
        Changed c = new Changed(verdict, next, why);
        verdict = next;
        return c;
    }

    /** Our report for the neighbour is due: not acknowledged yet and the resend time passed. */
    boolean due(Measured own, long nowMs) {
        return own != null && oursAcked != own.sequence() && nowMs - nextSendMs >= 0;
    }

    /** An immediate answer to a new report (it carries our ack), at most one a second. */
    boolean replyAllowed(long nowMs) {
        return nowMs - lastReplyMs >= 1000;
    }

    void sent(long nowMs, long resendMs, boolean reply) {
        nextSendMs = nowMs + resendMs;
        if (reply) {
            lastReplyMs = nowMs;
        }
    }

    void sendNow() {
        nextSendMs = Long.MIN_VALUE / 2;
    }

    long acknowledgement() {
        return report == null ? 0 : report.sequence();
    }

    IspVerdict verdict() {
        return verdict;
    }

    /** @param ownSamples our RTT samples to the pair's target, for method 2's correlation */
    CommonIspStatus status(List<RttCorrelation.Timed> ownSamples) {
        CommonIspMessage r = report;
        Measured o = own;
        OptionalDouble corr = RttCorrelation.pearson(ownSamples, peerSamples, CommonIspService.SAMPLE_PERIOD_MS);
        return new CommonIspStatus(peerId, verdict, reason, comparison.commonSuffix(), comparison.ratio(),
                r == null ? "" : Hop.of(r.target()).toString(), o == null ? "" : o.route().toString(),
                r == null ? "" : r.route().toString(), o == null ? 0 : o.atMs(), r == null ? 0 : peerMeasuredAtMs,
                corr.isPresent() ? corr.getAsDouble() : Double.NaN, ownSamples.size(), peerSamples.size());
    }
}
