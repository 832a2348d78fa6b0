package net.coopwan.daemon.coop.negotiation;

import java.util.List;
import java.util.Objects;

import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.coop.advert.UplinkType;

/**
 * The body of an INFO message: this router's additional information ([0102] "types and/or
 * bandwidths of ISP connection ... patterns of traffic"), or the owner's refusal to share it.
 *
 * @param shared  whether it is shared
 * @param reason  why not, "" when shared
 * @param uplinks the uplinks in config order (at most {@link CoopCodec#MAX_UPLINKS}), empty when refused
 */
public record RouterInfo(boolean shared, String reason, List<UplinkFigures> uplinks) {

    public RouterInfo {
        Objects.requireNonNull(reason, "reason");
        if (shared) {
            reason = "";
            uplinks = List.copyOf(uplinks);
        } else {
            uplinks = List.of();
        }
    }

    public static RouterInfo shared(List<UplinkFigures> uplinks) {
        return new RouterInfo(true, "", uplinks);
    }

    public static RouterInfo refused(String reason) {
        return new RouterInfo(false, reason, List.of());
    }

    /**
     * One uplink: configuration, state and traffic (see {@code net.coopwan.daemon.coop.info.TrafficSampler}).
     * Rates are bit/s, never negative, and each peak is at least its average.
     */
    public record UplinkFigures(String name, UplinkType type, UplinkStatus.State state, long downKbps, long upKbps,
                                int windowS, long rxAvgBps, long txAvgBps, long rxPeakBps, long txPeakBps) {
        public UplinkFigures {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(state, "state");
        }
    }
}
