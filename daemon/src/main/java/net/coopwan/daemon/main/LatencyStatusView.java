package net.coopwan.daemon.main;

import net.coopwan.daemon.api.LatencyStatus;
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
        LatencyStatus.Classification c = latency == null ? LatencyStatus.Classification.OFF : latency.status();
        return new LatencyStatus(c, suppression(suppression), latency == null
                ? new LatencyStatus.Duplication(false, "latency classification not running") : latency.duplicationStatus());
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
        if (s == null) {
            return LatencyStatus.Suppression.OFF;
        }
        SuppressionService.Status st = s.status();
        return new LatencyStatus.Suppression(true, st.policy().name(), st.reason(), st.enforcedPercent(), st.demands(),
                s.counters());
    }
}
