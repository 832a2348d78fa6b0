package net.coopwan.daemon.main;

import net.coopwan.daemon.api.LatencyStatus;
import net.coopwan.daemon.coop.commonisp.CommonIspService;
import net.coopwan.daemon.coop.commonisp.CommonIspStatus;
import net.coopwan.daemon.coop.commonisp.Hop;
import net.coopwan.daemon.coop.suppression.SuppressionService;

/**
 * Assembles {@link LatencyStatus} for the ControlApi from what runs beside the peer link: the
 * classification's last reading and the suppression service's state. Reads only published or
 * briefly locked state, so a front-end's request never waits for the channel or runs {@code nft}.
 */
final class LatencyStatusView {

    private LatencyStatusView() {
    }

    /**
     * @param latency     the classification, null when it is not running
     * @param suppression the suppression service, null without one (no uplink to hold back)
     */
    static LatencyStatus of(LatencyWiring latency, SuppressionService suppression) {
        return of(latency, suppression, null);
    }

    /** @param commonIsp common-ISP detection, null when it does not run */
    static LatencyStatus of(LatencyWiring latency, SuppressionService suppression, CommonIspService commonIsp) {
        return of(latency, suppression, null, commonIsp);
    }

    /** @param kernel suppression's table counters as last read, null none (not enforcing, or not read) */
    static LatencyStatus of(LatencyWiring latency, SuppressionService suppression,
            net.coopwan.daemon.steer.SuppressionRules.Counters kernel, CommonIspService commonIsp) {
        LatencyStatus.Classification c = latency == null ? LatencyStatus.Classification.OFF : latency.status();
        return new LatencyStatus(c, suppression(suppression, kernel), latency == null
                ? new LatencyStatus.Duplication(false, "latency classification not running") : latency.duplicationStatus(),
                commonIsp(commonIsp));
    }

    static LatencyStatus.CommonIsp commonIsp(CommonIspService s) {
        if (s == null) {
            return LatencyStatus.CommonIsp.OFF;
        }
        CommonIspService.Settings st = s.settings();
        java.util.List<LatencyStatus.IspNeighbour> out = new java.util.ArrayList<>();
        for (CommonIspStatus n : s.status()) {
            out.add(new LatencyStatus.IspNeighbour(n.peerId(), n.verdict().name(), n.reason(), n.commonSuffix(), n.ratio(),
                    n.target(), n.ownRoute(), n.peerRoute(), instant(n.ownMeasuredAt()), instant(n.peerMeasuredAt()),
                    s.duplicationVia(n.peerId()), s.suppressionRequestsTo(n.peerId()),
                    Double.isNaN(n.rttCorrelation()) ? null : n.rttCorrelation(),
                    n.rttCorrelation() >= net.coopwan.daemon.coop.commonisp.RttCorrelation.CORRELATED,
                    n.ownSamples() + " and " + n.peerSamples()));
        }
        return new LatencyStatus.CommonIsp(true, st.gate(), st.target() == 0 ? "" : Hop.of(st.target()).toString(), out,
                s.counters());
    }

    private static java.time.Instant instant(long epochMs) {
        return epochMs == 0 ? null : java.time.Instant.ofEpochMilli(epochMs);
    }

    /**
     * A concentrator's daemon: no classification or suppression of its own, duplication always on
     * (every client's LC replies go back as copies) with its clients' counters summed.
     */
    static LatencyStatus concentrator(net.coopwan.daemon.datapath.LcCounters n) {
        LatencyStatus off = LatencyStatus.off();
        return new LatencyStatus(off.classification(), off.suppression(), new LatencyStatus.Duplication(true,
                "concentrator: replies to LC copies go back over the links the copies came on", "", false, -1, 0,
                n.lcPackets(), n.copiesSent(), n.delivered(), n.duplicatesDropped(), 0, 0));
    }

    static LatencyStatus.Suppression suppression(SuppressionService s) {
        return suppression(s, null);
    }

    /** With the kernel's drops and CE marks since enforcement began; none read (null) or not enforcing: 0. */
    static LatencyStatus.Suppression suppression(SuppressionService s, net.coopwan.daemon.steer.SuppressionRules.Counters k) {
        if (s == null) {
            return LatencyStatus.Suppression.OFF;
        }
        SuppressionService.Status st = s.status();
        boolean enforced = k != null && st.enforcedPercent() >= 0;
        return new LatencyStatus.Suppression(true, st.policy().name(), st.reason(), st.enforcedPercent(), st.demands(),
                s.counters(), enforced ? k.dropped() : 0, enforced ? k.ecnMarked() : 0);
    }
}
