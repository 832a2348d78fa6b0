package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What {@link LatencyRules} puts in the kernel: which packets from the LAN make their connection
 * latency-critical. Built by {@code coop.latency.LatencyPolicy} from the configuration.
 *
 * @param lanDevices      interfaces the household's traffic arrives on, 1-16
 * @param apps            application types, each once by name, at most 32
 * @param dscp            DSCP code points (0-63) that make a connection LC; empty: none
 * @param learnedLifetime default timeout of a learned (address, port); ZERO: learning off, the set stays empty
 */
public record LatencyPlan(List<String> lanDevices, List<AppMatch> apps, List<Integer> dscp, Duration learnedLifetime) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,32}");

    public LatencyPlan {
        lanDevices = List.copyOf(lanDevices);
        apps = List.copyOf(apps);
        dscp = List.copyOf(dscp);
        if (lanDevices.isEmpty() || lanDevices.size() > 16) {
            throw new IllegalArgumentException("1-16 LAN devices, got " + lanDevices.size());
        }
        for (String d : lanDevices) {
            InterfaceNames.require(d);
        }
        if (apps.size() > 32 || apps.stream().map(AppMatch::name).distinct().count() != apps.size()) {
            throw new IllegalArgumentException("at most 32 application types, each once");
        }
        if (dscp.stream().anyMatch(d -> d < 0 || d > 63)) {
            throw new IllegalArgumentException("DSCP is 0-63: " + dscp);
        }
        if (learnedLifetime.isNegative() || learnedLifetime.toSeconds() > LatencyRules.MAX_TIMEOUT_S) {
            throw new IllegalArgumentException("learned lifetime is 0.." + LatencyRules.MAX_TIMEOUT_S + " s");
        }
    }

    public enum Transport {
        UDP, TCP;

        String nft() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** An inclusive range of remote ports. */
    public record Ports(int from, int to) {
        public Ports {
            if (from < 1 || to > 65535 || from > to) {
                throw new IllegalArgumentException("ports are 1-65535, from <= to: " + from + "-" + to);
            }
        }

        String nft() {
            return from == to ? Integer.toString(from) : from + "-" + to;
        }
    }

    /**
     * One application type: remote networks (CIDR; none: any) times remote port ranges (none: any).
     * Neither may overlap within the type: the kernel's interval set refuses overlapping elements.
     */
    public record AppMatch(String name, Transport transport, List<Ports> ports, List<String> destinations) {
        public AppMatch {
            ports = List.copyOf(ports);
            destinations = List.copyOf(destinations);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("an application type's name is 1-32 of A-Z a-z 0-9 _: " + name);
            }
            if (ports.isEmpty() && destinations.isEmpty()) {
                throw new IllegalArgumentException(name + ": ports or destinations are required");
            }
            for (String d : destinations) {
                if (!Ipv4Cidr.parse(d).isNetwork()) {
                    throw new IllegalArgumentException(name + ": not a network (host bits set): " + d);
                }
            }
        }
    }
}
