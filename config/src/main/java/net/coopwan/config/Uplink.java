package net.coopwan.config;

/**
 * {@code config uplink 'NAME'}: one WAN connection of this router.
 *
 * @param name         UCI section name, unique, also the uplink's name everywhere else
 * @param device       kernel interface name (as in /sys/class/net)
 * @param enabled      whether coopwan uses it
 * @param downKbps     nominal downstream rate in kbit/s, 0 if unknown
 * @param upKbps       nominal upstream rate in kbit/s, 0 if unknown
 */
public record Uplink(String name, String device, boolean enabled, long downKbps, long upKbps) {
}
