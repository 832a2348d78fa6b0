package net.coopwan.daemon.coop.info;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Uplink;
import net.coopwan.daemon.api.UplinkStatus;
import net.coopwan.daemon.coop.advert.UplinkType;
import net.coopwan.daemon.coop.negotiation.CoopCodec;
import net.coopwan.daemon.coop.negotiation.RouterInfo;

/**
 * This router's answer to a neighbour's INFO_REQUEST: with {@code peer.share_info} on, each
 * configured uplink (config order, at most {@link CoopCodec#MAX_UPLINKS}) with its type, state,
 * configured rates and {@link TrafficSampler traffic}; off, the owner's refusal. Reads the
 * configuration in force and the sampler's last poll only: it runs under the channel's lock.
 */
public final class InfoSharing implements Supplier<RouterInfo> {
    /** What a neighbour is told when {@code peer.share_info} is 0. */
    public static final String REFUSAL = "the owner does not share this router's information (peer.share_info 0)";

    private final Supplier<CoopwanConfig> config;
    private final TrafficSampler sampler;

    public InfoSharing(Supplier<CoopwanConfig> config, TrafficSampler sampler) {
        this.config = config;
        this.sampler = sampler;
    }

    @Override
    public RouterInfo get() {
        CoopwanConfig c = config.get();
        if (!c.peer().shareInfo()) {
            return RouterInfo.refused(REFUSAL);
        }
        Map<String, UplinkStatus> seen = new java.util.HashMap<>();
        sampler.lastSeen().forEach(u -> seen.put(u.name(), u));
        List<RouterInfo.UplinkFigures> out = new ArrayList<>();
        for (Uplink u : c.uplinks()) {
            if (out.size() == CoopCodec.MAX_UPLINKS || !CoopCodec.validUplinkName(u.name())) {
                // a UCI name is always encodable; more than 12 uplinks: the first 12, the primary ones
                continue;
            }
            UplinkStatus s = seen.get(u.name());
            UplinkStatus.State state = s != null ? s.state() : u.enabled() ? UplinkStatus.State.MISSING
                    : UplinkStatus.State.DISABLED;
            TrafficSampler.Traffic t = sampler.traffic(u.name());
            out.add(new RouterInfo.UplinkFigures(u.name(), UplinkType.ofConfig(u.type()), state, u.downKbps(), u.upKbps(),
                    Math.min(t.windowS(), CoopCodec.MAX_WINDOW_S), t.rxAvgBps(), t.txAvgBps(), t.rxPeakBps(),
                    t.txPeakBps()));
        }
        return RouterInfo.shared(out);
    }
}
