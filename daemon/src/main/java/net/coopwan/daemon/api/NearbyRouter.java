package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.List;

/**
 * A router heard on the inter-router link (seed 001 [0112]), from its latest advert. Only
 * "seen": its advert's checksum proves nothing about who sent it, and no agreement depends on it.
 *
 * @param address    IPv4 source address of its adverts
 * @param nonce      its advert nonce, 4 hex digits (tells apart two routers behind one address)
 * @param willing    its owner allows cooperation now
 * @param offers     offered cooperation types, UCI spelling ({@code emergency}, {@code bandwidth_sharing},
 *                   {@code proxied_bandwidth_sharing}, {@code duplication}, {@code suppression})
 * @param uplinkType type of its primary uplink, lower case ({@code unknown}, {@code dsl}, {@code fibre}, ...)
 * @param downstream downstream class of its primary uplink as text ({@code undisclosed}, {@code 512-1023 Mbit/s})
 * @param upstream   upstream class, same text
 * @param generation its offer generation 0-15 (changes when its offers change)
 * @param firstSeen  when it was first heard (since it was last gone)
 * @param lastSeen   when it was last heard
 * @param adverts    adverts received from it since first seen
 */
public record NearbyRouter(String address, String nonce, boolean willing, List<String> offers, String uplinkType,
                           String downstream, String upstream, int generation, Instant firstSeen, Instant lastSeen,
                           long adverts) {

    public NearbyRouter {
        offers = List.copyOf(offers);
    }
}
