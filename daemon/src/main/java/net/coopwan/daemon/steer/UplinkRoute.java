package net.coopwan.daemon.steer;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * One uplink's own routing, as mwan3 does it: a table holding only this uplink's default route
 * and a rule sending every packet whose source is the uplink's address to that table. That is what
 * makes a socket bound to the uplink's address leave through that uplink, whatever the main table
 * says.
 *
 * @param device       the uplink's interface (validated by {@link InterfaceNames})
 * @param source       the uplink's own IPv4 address
 * @param gateway      the next hop, or null for a device route (point-to-point links, PPP)
 * @param table        the routing table, in the owned range
 * @param rulePriority the rule's priority, in the owned range and unique per uplink
 */
public record UplinkRoute(String device, Inet4Address source, Inet4Address gateway, int table, int rulePriority) {

    public UplinkRoute {
        InterfaceNames.require(device);
        Objects.requireNonNull(source, "source");
    }
}
