package net.coopwan.daemon.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery beacon on the inter-router link ({@code config peer}) and the routers heard.
 *
 * @param enabled         {@code peer.enabled}; when false every other field is empty or zero
 * @param device          {@code peer.device}
 * @param port            {@code peer.port}
 * @param state           in words: "advertising on 100.64.77.1:4790, broadcast 100.64.77.255",
 *                        "waiting for br-coop: no IPv4 address", "off"
 * @param nonce           this router's advert nonce, 4 hex digits ("" when off): what the
 *                        neighbours list this router as
 * @param offers          what this router advertises: its offered types (UCI spelling), empty
 *                        when not willing or off
 * @param advertsSent     beacons sent since start
 * @param datagrams       datagrams received on the port (own, valid and dropped)
 * @param advertsReceived valid adverts from other routers
 * @param ownAdverts      our own adverts heard back (the broadcast loops back) and ignored
 * @param drops           dropped datagrams per reason ({@code BAD_MAGIC}, {@code CHECKSUM_MISMATCH}, ...),
 *                        every reason present
 * @param evictions       routers pushed out of the full table by a new one
 * @param routers         the routers heard and not yet gone, first seen first
 */
public record DiscoveryStatus(boolean enabled, String device, int port, String state, String nonce,
                              List<String> offers, long advertsSent,
                              long datagrams, long advertsReceived, long ownAdverts, Map<String, Long> drops,
                              long evictions, List<NearbyRouter> routers) {

    public DiscoveryStatus {
        drops = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(drops));
        routers = List.copyOf(routers);
        offers = List.copyOf(offers);
    }

    /** Discovery is off ({@code peer.enabled 0}). */
    public static DiscoveryStatus off(String device, int port) {
        return new DiscoveryStatus(false, device, port, "off", "", List.of(), 0, 0, 0, 0, Map.of(), 0, List.of());
    }

    /** Sum of all drops. */
    public long dropsTotal() {
        long t = 0;
        for (long v : drops.values()) {
            t += v;
        }
        return t;
    }
}
