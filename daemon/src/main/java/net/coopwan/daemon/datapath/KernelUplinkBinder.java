package net.coopwan.daemon.datapath;

import java.net.Inet4Address;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.daemon.steer.Ipv4Cidr;
import net.coopwan.daemon.steer.SteerException;
import net.coopwan.daemon.steer.SteerRanges;
import net.coopwan.daemon.steer.UplinkRoute;
import net.coopwan.daemon.steer.UplinkRoutes;

/** {@link UplinkBinder} with the kernel: table and rule priority 3100+i / 31000+i for uplink i. */
public final class KernelUplinkBinder implements UplinkBinder {
    private static final Logger LOG = LoggerFactory.getLogger(KernelUplinkBinder.class);
    private final UplinkRoutes routes;
    private final SteerRanges ranges;

    public KernelUplinkBinder(UplinkRoutes routes, SteerRanges ranges) {
        this.routes = routes;
        this.ranges = ranges;
    }

    /**
     * Read through the JDK (netlink), not by running {@code ip}: the data path asks every second
     * per member, and a process per question would cost a router more than the tunnel does.
     */
    @Override
    public Optional<Inet4Address> sourceAddress(String device) {
        try {
            java.net.NetworkInterface nif = java.net.NetworkInterface.getByName(device);
            if (nif == null || !nif.isUp()) {
                return Optional.empty();
            }
            for (java.net.InterfaceAddress a : nif.getInterfaceAddresses()) {
                if (a.getAddress() instanceof Inet4Address v4 && !v4.isLinkLocalAddress()) {
                    return Optional.of(v4);
                }
            }
            return Optional.empty();
        } catch (java.net.SocketException e) {
            LOG.warn("uplink {}: cannot read its address: {}", device, e.getMessage());
            return Optional.empty();
        }
    }

    private UplinkRoute routeOf(int i, String device, Inet4Address source, Inet4Address gw) {
        return new UplinkRoute(device, source, gw, ranges.tableFrom() + i, ranges.priorityFrom() + i);
    }

    @Override
    public void route(int uplinkIndex, String device, Inet4Address source, String configuredGateway) {
        Inet4Address gw = null;
        if (configuredGateway != null && !configuredGateway.isEmpty()) {
            gw = Ipv4Cidr.parseAddress(configuredGateway);
        } else {
            gw = routes.defaultGatewayOf(device).orElse(null);
        }
        routes.install(routeOf(uplinkIndex, device, source, gw));
    }

    @Override
    public void unroute(int uplinkIndex, String device, Inet4Address source) {
        try {
            routes.remove(routeOf(uplinkIndex, device, source, null));
        } catch (SteerException e) {
            LOG.warn("uplink {}: cannot remove its policy route: {}", device, e.getMessage());
        }
    }
}
