package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The additional information a paired neighbour sent on request (seed 001 [0101]-[0103], step
 * 308; docs/PROTOCOL.md 3.11): its uplinks with their configured rates and the traffic on them,
 * or its owner's refusal. The requester keeps the last one per peer in memory.
 *
 * @param peerId     the neighbour's id
 * @param requestId  the message id of the INFO_REQUEST it answers ({@link InfoRequested#messageId()})
 * @param receivedAt when it arrived here
 * @param shared     whether the neighbour's owner shares the information ({@code peer.share_info})
 * @param reason     why not, "" when shared
 * @param uplinks    the neighbour's uplinks in its config order, empty when refused
 */
public record PeerInfo(String peerId, long requestId, Instant receivedAt, boolean shared, String reason,
                       List<UplinkInfo> uplinks) {

    public PeerInfo {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(reason, "reason");
        uplinks = List.copyOf(uplinks);
    }

    /**
     * One uplink of the neighbour. The traffic is what its kernel counted on the uplink's device:
     * the average over the last {@code windowS} seconds (at most 60) and the highest one-second
     * rate in that window; all 0 with {@code windowS} 0 when nothing was sampled yet.
     *
     * @param name      the uplink's name in the neighbour's config
     * @param type      {@code unknown}, {@code dsl}, {@code cable}, {@code fibre}, {@code cellular}, ...
     * @param state     {@code up}, {@code down}, {@code missing} or {@code disabled}
     * @param downKbps  configured downstream rate, kbit/s, 0 when unknown
     * @param upKbps    configured upstream rate, kbit/s, 0 when unknown
     * @param windowS   seconds the traffic figures cover, 0-60
     * @param rxAvgBps  received (downstream) bit/s, average over the window
     * @param txAvgBps  sent (upstream) bit/s, average over the window
     * @param rxPeakBps received bit/s, highest sampling interval (about 1 s) in the window
     * @param txPeakBps sent bit/s, highest sampling interval in the window
     */
    public record UplinkInfo(String name, String type, String state, long downKbps, long upKbps, int windowS,
                             long rxAvgBps, long txAvgBps, long rxPeakBps, long txPeakBps) {
    }
}
