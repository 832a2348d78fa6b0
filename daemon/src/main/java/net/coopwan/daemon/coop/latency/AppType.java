package net.coopwan.daemon.coop.latency;

import java.util.List;

import net.coopwan.config.Latency;
import net.coopwan.daemon.steer.Ipv4Cidr;

/**
 * One configured application type ([0230], [0241]): a session is this type's when its protocol
 * matches, its remote port is in one of the ranges (or none are listed) and its remote address is
 * in one of the networks (or none are listed). Both lists given means both must hold ([0230]:
 * "the port may need combining with other information").
 */
public record AppType(Latency.App app, List<Ipv4Cidr> destinations) {

    public AppType {
        destinations = List.copyOf(destinations);
    }

    public static AppType of(Latency.App app) {
        return new AppType(app, app.destinations().stream().map(Ipv4Cidr::parse).toList());
    }

    public String name() {
        return app.name();
    }

    public boolean matches(Flow f) {
        if (!app.enabled() || f.protocol() != app.protocol()) {
            return false;
        }
        boolean port = app.ports().isEmpty() || app.ports().stream().anyMatch(r -> r.contains(f.destinationPort()));
        return port && (destinations.isEmpty() || destinations.stream().anyMatch(c -> c.contains(f.destination())));
    }
}
