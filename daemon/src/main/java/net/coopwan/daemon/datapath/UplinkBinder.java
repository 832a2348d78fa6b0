package net.coopwan.daemon.datapath;

import java.net.Inet4Address;
import java.util.Optional;

/**
 * How a member link's socket gets onto its own uplink: the uplink's source address, and the
 * policy route that sends packets from that address out of that uplink (mwan3's way: one
 * routing table per uplink, {@code ip rule from ADDRESS lookup TABLE}). The real one is
 * {@link KernelUplinkBinder}; tests on loopback use addresses of lo and route nothing.
 */
public interface UplinkBinder {

    /** The IPv4 address to send from on {@code device}, or empty while it has none. */
    Optional<Inet4Address> sourceAddress(String device);

    /** Makes traffic from {@code source} leave through {@code device}; idempotent. */
    void route(int uplinkIndex, String device, Inet4Address source, String configuredGateway);

    /** Undoes {@link #route}; never throws. */
    void unroute(int uplinkIndex, String device, Inet4Address source);
}
