package net.coopwan.config;

/**
 * {@code config peer 'peer'}: the inter-router link to a cooperating neighbour.
 *
 * @param enabled whether discovery and cooperation run at all
 * @param device  kernel interface facing the neighbour
 * @param port    UDP port for adverts and the secure channel
 */
public record PeerLink(boolean enabled, String device, int port) {
}
