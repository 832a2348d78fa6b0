package net.coopwan.config;

/**
 * {@code config uplink 'NAME'}: one WAN connection of this router.
 *
 * @param name         UCI section name, unique, also the uplink's name everywhere else
 * @param device       kernel interface name (as in /sys/class/net)
 * @param enabled      whether coopwan uses it
 * @param downKbps     nominal downstream rate in kbit/s, 0 if unknown; the bonding data plane
 *                     starts its SLoPS measurement from it (the initial Rmax)
 * @param upKbps       nominal upstream rate in kbit/s, 0 if unknown; likewise the initial Rmax
 *                     of the upstream measurement
 * @param gateway      IPv4 address of the uplink's next hop, or null to take the gateway of the
 *                     kernel's default route on {@code device}
 * @param type         what kind of ISP connection it is, one of {@link #TYPES}: the advert carries
 *                     the first uplink's, a neighbour's INFO_REQUEST gets all (seed 001 [0102])
 */
public record Uplink(String name, String device, boolean enabled, long downKbps, long upKbps, String gateway,
                     String type) {

    /**
     * The connection types, in the order of the advert's 3-bit code (docs/PROTOCOL.md 1.1; the
     * daemon's {@code UplinkType} has the same names): all eight codes are used.
     */
    public static final java.util.List<String> TYPES = java.util.List.of("unknown", "dsl", "cable", "fibre", "cellular",
            "satellite", "fixed_wireless", "other");
    public static final String UNKNOWN = "unknown";

    public Uplink {
        if (type == null || !TYPES.contains(type)) {
            throw new IllegalArgumentException("uplink type must be one of " + TYPES + ", got '" + type + "'");
        }
    }

    /** Of unknown type. */
    public Uplink(String name, String device, boolean enabled, long downKbps, long upKbps, String gateway) {
        this(name, device, enabled, downKbps, upKbps, gateway, UNKNOWN);
    }

    /** An uplink whose next hop comes from the kernel's default route on its device. */
    public Uplink(String name, String device, boolean enabled, long downKbps, long upKbps) {
        this(name, device, enabled, downKbps, upKbps, null);
    }
}
