package net.coopwan.daemon.steer;

import java.util.List;
import java.util.Objects;

/**
 * The requester's wanted state for the emergency connection.
 *
 * @param lanDevices  the LAN devices whose traffic is steered (at least one; e.g. {@code br-lan})
 * @param tunDevice   the tunnel device towards the helper
 * @param viaHelper   true while the LAN goes through the helper, false on the own uplink
 * @param resetPolicy which TCP sessions are reset after a change of path
 */
public record EmergencyRequesterPlan(List<String> lanDevices, String tunDevice, boolean viaHelper,
                                     EmergencyResetPolicy resetPolicy) {

    public EmergencyRequesterPlan {
        lanDevices = List.copyOf(lanDevices.stream().distinct().toList());
        if (lanDevices.isEmpty()) {
            throw new IllegalArgumentException("no LAN device to steer");
        }
        lanDevices.forEach(InterfaceNames::require);
        InterfaceNames.require(tunDevice);
        if (lanDevices.contains(tunDevice)) {
            throw new IllegalArgumentException("the tunnel " + tunDevice + " cannot be a LAN device");
        }
        Objects.requireNonNull(resetPolicy, "resetPolicy");
    }
}
