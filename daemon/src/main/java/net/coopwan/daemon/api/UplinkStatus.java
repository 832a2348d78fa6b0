package net.coopwan.daemon.api;

/**
 * A configured uplink and what the kernel says about its device.
 *
 * @param name    uplink name from the config
 * @param device  kernel interface name
 * @param enabled configured enabled
 * @param state   {@link State#UP}, {@link State#DOWN}, {@link State#MISSING} (no such device) or {@link State#DISABLED}
 * @param kernel  the device as the kernel reports it, null when missing
 * @param tunnel  what the bonding data plane measures on it, null when no bond with a far end uses it
 */
public record UplinkStatus(String name, String device, boolean enabled, State state, NetInterface kernel,
                           LinkMeasurement tunnel) {

    public UplinkStatus(String name, String device, boolean enabled, State state, NetInterface kernel) {
        this(name, device, enabled, state, kernel, null);
    }

    public enum State { UP, DOWN, MISSING, DISABLED }
}
