package net.coopwan.daemon.steer;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The borrower's wanted kernel state for bandwidth sharing with one sharer.
 *
 * @param lanDevices the LAN devices whose new sessions may move (e.g. {@code br-lan})
 * @param tunDevice  the tunnel device towards the sharer
 * @param ports      TCP destination ports of the sessions that may move (1-16 of them)
 */
public record SharingBorrowerPlan(List<String> lanDevices, String tunDevice, Set<Integer> ports) {

    public SharingBorrowerPlan {
        lanDevices = List.copyOf(lanDevices.stream().distinct().toList());
        if (lanDevices.isEmpty()) {
            throw new IllegalArgumentException("no LAN device to steer");
        }
        lanDevices.forEach(InterfaceNames::require);
        InterfaceNames.require(tunDevice);
        if (lanDevices.contains(tunDevice)) {
            throw new IllegalArgumentException("the tunnel " + tunDevice + " cannot be a LAN device");
        }
        if (ports.isEmpty() || ports.size() > 16) {
            throw new IllegalArgumentException("1-16 ports, got " + ports.size());
        }
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port " + p + " is not 1..65535");
            }
        }
        ports = Set.copyOf(new TreeSet<>(ports));
    }
}
