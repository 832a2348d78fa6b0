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
 */
public record Uplink(String name, String device, boolean enabled, long downKbps, long upKbps, String gateway) {

    /** An uplink whose next hop comes from the kernel's default route on its device. */
    public Uplink(String name, String device, boolean enabled, long downKbps, long upKbps) {
        this(name, device, enabled, downKbps, upKbps, null);
    }
}
