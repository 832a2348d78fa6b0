package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An uplink's state changed between two polls, e.g. wan (eth1) UP -> DOWN. Not sent for the first
 * poll after start, which has no previous state.
 *
 * @param uplink uplink name from the config
 * @param device kernel interface name
 * @param from   state at the previous poll
 * @param to     state now
 * @param at     when the poll saw it
 */
public record UplinkStateChanged(String uplink, String device, UplinkStatus.State from, UplinkStatus.State to,
                                 Instant at) implements StateChange {

    public UplinkStateChanged {
        Objects.requireNonNull(uplink, "uplink");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
    }
}
