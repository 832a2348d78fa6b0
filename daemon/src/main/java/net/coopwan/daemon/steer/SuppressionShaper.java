package net.coopwan.daemon.steer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The queues {@link SuppressionRules} puts in front of the line while suppression enforces: an htb
 * under the line's rate on each side, so that the queue forms at the router, where latency-critical
 * (LC) packets skip it, instead of at the ISP, where they wait behind everything
 * (docs/benchmarks/latency/shaping-experiment.sh: p99 18 ms with nothing, 52 ms dropping a fifth,
 * 4.9 ms shaped).
 *
 * @param lanDevices          the LAN devices, where what came in from the uplinks leaves the router
 * @param downBytesPerSecond  the rate all of that is shaped to on each LAN device; 0: no shaper there
 * @param upBytesPerSecond    per uplink device, the rate what leaves it is shaped to (absent or 0: none)
 * @param lcCopyTargets       "IPv4:port" of the concentrators the bond sends LC copies to: a sealed
 *                            packet of type LC_COPY to one of them is LC traffic on the way up
 *                            (the router's own packets, which no LC conntrack mark covers)
 */
public record SuppressionShaper(List<String> lanDevices, long downBytesPerSecond, Map<String, Long> upBytesPerSecond,
        List<String> lcCopyTargets) {

    /** No shaper anywhere. */
    public static final SuppressionShaper NONE = new SuppressionShaper(List.of(), 0, Map.of(), List.of());

    public SuppressionShaper {
        lanDevices = List.copyOf(lanDevices);
        lanDevices.forEach(InterfaceNames::require);
        if (downBytesPerSecond < 0) {
            throw new IllegalArgumentException("downBytesPerSecond is >= 0 (0: none)");
        }
        Map<String, Long> up = new LinkedHashMap<>();
        upBytesPerSecond.forEach((d, r) -> {
            InterfaceNames.require(d);
            if (r == null || r < 0) {
                throw new IllegalArgumentException("the upload shaper's rate of " + d + " is >= 0 (0: none)");
            }
            if (r > 0) {
                up.put(d, r);
            }
        });
        upBytesPerSecond = java.util.Collections.unmodifiableMap(up);
        lcCopyTargets = List.copyOf(lcCopyTargets);
        for (String t : lcCopyTargets) {
            int colon = t.lastIndexOf(':');
            if (colon < 0 || !isIpv4(t.substring(0, colon)) || !t.substring(colon + 1).matches("[0-9]{1,5}")
                    || Integer.parseInt(t.substring(colon + 1)) > 65535) {
                throw new IllegalArgumentException("an LC copy target is IPv4:port, got " + t);
            }
        }
    }

    /** Whether {@code host} is a dotted-quad IPv4 address ({@link Ipv4Cidr#parseAddress}'s strict form). */
    public static boolean isIpv4(String host) {
        try {
            Ipv4Cidr.parseAddress(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether what goes into the LAN is shaped. */
    public boolean shapesDown() {
        return downBytesPerSecond > 0 && !lanDevices.isEmpty();
    }

    /** This shaper on {@code devices} only (the others left out: a root qdisc of someone else's there). */
    public SuppressionShaper only(java.util.Set<String> devices) {
        Map<String, Long> up = new LinkedHashMap<>(upBytesPerSecond);
        up.keySet().retainAll(devices);
        return new SuppressionShaper(lanDevices.stream().filter(devices::contains).toList(), downBytesPerSecond, up,
                lcCopyTargets);
    }

    /** Every device with a shaper of ours, each with its rate: the LAN devices, then the uplinks. */
    Map<String, Long> devices() {
        Map<String, Long> m = new LinkedHashMap<>();
        if (shapesDown()) {
            lanDevices.forEach(d -> m.put(d, downBytesPerSecond));
        }
        m.putAll(upBytesPerSecond);
        return m;
    }
}
