package net.coopwan.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code config failover 'failover'}: emergency failover through the paired neighbour (seed 001
 * FIG. 3B). The requester's part says how this router finds out that its own uplink failed and
 * how its LAN is carried while it is; the helper's part says where a neighbour's traffic may
 * enter. Whether a neighbour may be helped, and how much, is the owner's approved agreement, not
 * this section. Without the section, {@link #defaults()}.
 *
 * @param enabled         whether this router asks its neighbour for help when its uplink fails
 *                        (it still needs an emergency agreement as requester)
 * @param uplink          the uplink section watched for failure; null: the first uplink
 * @param lanDevices      the LAN interfaces whose traffic is carried by the neighbour
 * @param mode            how the traffic travels: {@link Mode#DIRECT} (the seed's flow: a tunnel
 *                        to the helper, which masquerades it) or {@link Mode#CONCENTRATOR} (the
 *                        helper forwards our already sealed bond packets to our concentrator)
 * @param resetSessions   which TCP sessions get an RST when the public address changes (seed
 *                        step 330): all of them, or none
 * @param carrier         fail at once when the uplink device loses its carrier
 * @param blackholeMs     fail when nothing was received on the uplink for this long while packets
 *                        were going out, 100-60000 (silence with nothing going out never fails)
 * @param probes          targets probed through the uplink; {@code icmp:ADDRESS} or
 *                        {@code udp:ADDRESS:PORT} (an echo service)
 * @param probeIntervalMs interval between two probes to one target, 20-10000
 * @param probeTimeoutMs  a probe without a reply after this long is lost, 20-10000
 * @param probeDownCount  consecutive lost probes after which a target is down, 2-100
 * @param probeThreshold  targets that must be down to fail: 0 for all of them, else 1-16 and at
 *                        least 2 when two or more are configured
 * @param recoverMs       continuous good evidence needed before going back to the own uplink,
 *                        500-600000 (doubled after each flap, up to 8 times)
 * @param helperPort      UDP port on the peer link where this router, as helper, accepts a
 *                        requester's emergency tunnel, 1-65535
 * @param tunnelNetwork   network of the emergency tunnels' inner addresses (the helper takes
 *                        the first host address, requesters the next ones); a /24 to /29
 * @param tunnelPrefix    its prefix length
 * @param concentrators   as helper: the only concentrators ({@code ADDR:PORT}, IPv4) a requester's
 *                        sealed tunnel packets may be forwarded to in mode concentrator (the seed's
 *                        "pre-defined list of proxies", [0139]); empty: mode concentrator is refused
 */
public record Emergency(boolean enabled, String uplink, List<String> lanDevices, Mode mode, ResetPolicy resetSessions,
        boolean carrier, int blackholeMs, List<ProbeTarget> probes, int probeIntervalMs, int probeTimeoutMs,
        int probeDownCount, int probeThreshold, int recoverMs, int helperPort, String tunnelNetwork, int tunnelPrefix,
        List<String> concentrators) {

    /** How the requester's traffic travels through the helper. */
    public enum Mode {
        DIRECT("direct"), CONCENTRATOR("concentrator");

        private final String uciName;

        Mode(String uciName) {
            this.uciName = uciName;
        }

        public String uciName() {
            return uciName;
        }
    }

    /** Seed step 330: "RST packets for ... all ... some of the sessions, or no sessions at all". */
    public enum ResetPolicy {
        ALL("all"), NONE("none");

        private final String uciName;

        ResetPolicy(String uciName) {
            this.uciName = uciName;
        }

        public String uciName() {
            return uciName;
        }
    }

    /** One probe target: ICMP echo to an address, or a UDP echo service at an address and port. */
    public record ProbeTarget(Kind kind, String address, int port) {
        public enum Kind { ICMP, UDP }

        public ProbeTarget {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(address, "address");
            if (kind == Kind.ICMP && port != 0 || kind == Kind.UDP && (port < 1 || port > 65535)) {
                throw new IllegalArgumentException("probe port " + port + " does not fit " + kind);
            }
        }

        /** As written in UCI: {@code icmp:ADDRESS} or {@code udp:ADDRESS:PORT}. */
        public String uciValue() {
            return kind == Kind.ICMP ? "icmp:" + address : "udp:" + address + ":" + port;
        }
    }

    public static final int DEFAULT_HELPER_PORT = 4791;

    /*
     * The defaults meet the product's targets (docs/failure-detection.md has the arithmetic):
     * carrier at once; a silent black-hole within 1 s (600 ms of silence while sending, then one
     * poll); no false failover at 10 % probe loss, since that needs 600 ms without any packet
     * received while several probes a second go out, and recovery after 2 s of good evidence,
     * within the 5 s target even after one flap doubled it.
     */
    private static final Emergency DEFAULTS = new Emergency(true, null, List.of("br-lan"), Mode.DIRECT,
            ResetPolicy.ALL, true, 600, List.of(), 100, 300, 6, 0, 2000, DEFAULT_HELPER_PORT, "100.127.255.0", 24,
            List.of());

    public Emergency {
        lanDevices = List.copyOf(lanDevices);
        probes = List.copyOf(probes);
        concentrators = List.copyOf(concentrators);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(resetSessions, "resetSessions");
        Objects.requireNonNull(tunnelNetwork, "tunnelNetwork");
    }

    /** The uplink this router watches as requester and carries neighbours on as helper: the configured one, else the first. */
    public Optional<Uplink> watchedUplink(List<Uplink> uplinks) {
        for (Uplink u : uplinks) {
            if (uplink == null || uplink.equals(u.name())) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }

    /** The values documented in {@code coopwan.default}. */
    public static Emergency defaults() {
        return DEFAULTS;
    }
}
