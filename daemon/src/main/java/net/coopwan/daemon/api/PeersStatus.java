package net.coopwan.daemon.api;

import java.util.List;
import java.util.Map;

/**
 * The secure channel service on the peer link and the paired routers.
 *
 * @param enabled  whether it runs ({@code peer.enabled})
 * @param routerId this router's id (what the peers know it by), or "" when off
 * @param state    the service's socket state, e.g. {@code listening on 100.64.77.1:4790}
 * @param peers    the paired routers, by id
 * @param drops    channel datagrams dropped, by reason (TunnelDrop names), non-zero only
 */
public record PeersStatus(boolean enabled, String routerId, String state, List<PairedPeer> peers, Map<String, Long> drops) {

    public PeersStatus {
        peers = List.copyOf(peers);
        drops = Map.copyOf(drops);
    }

    public static PeersStatus off() {
        return new PeersStatus(false, "", "off", List.of(), Map.of());
    }
}
