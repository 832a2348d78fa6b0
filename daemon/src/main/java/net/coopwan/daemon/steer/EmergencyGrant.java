package net.coopwan.daemon.steer;

import java.net.Inet4Address;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a helper carries for one requester: packets arriving on {@code inDevice} from
 * {@code source}, leaving through {@code wanDevice} to the allowed destinations, within the quota.
 * The two modes differ only in what {@code inDevice} and {@code source} are ({@link EmergencyMode}).
 *
 * @param name         the requester's key in the helper's table: its nftables objects are named
 *                     {@code q_NAME}, {@code req_NAME} ...; 1..24 of [a-z0-9_], starting with a
 *                     letter or digit, unique per requester
 * @param mode         direct or through a concentrator
 * @param inDevice     DIRECT: the helper's tunnel device; CONCENTRATOR: its peer-link device
 * @param source       DIRECT: the requester's inner tunnel address; CONCENTRATOR: its peer-link address
 * @param wanDevice    the helper's uplink, the only way out
 * @param destinations where the requester may go; empty means anywhere (DIRECT only); in
 *                     CONCENTRATOR mode address:port pairs only
 * @param quota        bytes per window
 */
public record EmergencyGrant(String name, EmergencyMode mode, String inDevice, Inet4Address source,
                             String wanDevice, List<EmergencyDestination> destinations, EmergencyQuota quota) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_]{0,23}");

    public EmergencyGrant {
        requireName(name);
        Objects.requireNonNull(mode, "mode");
        InterfaceNames.require(inDevice);
        Objects.requireNonNull(source, "source");
        InterfaceNames.require(wanDevice);
        Objects.requireNonNull(quota, "quota");
        if (inDevice.equals(wanDevice)) {
            throw new IllegalArgumentException("requester " + name + " arrives on its way out " + wanDevice);
        }
        destinations = List.copyOf(destinations.stream().distinct().toList());
        if (mode == EmergencyMode.CONCENTRATOR) {
            if (destinations.isEmpty()) {
                throw new IllegalArgumentException("concentrator mode needs the concentrators' address:port list");
            }
            for (EmergencyDestination d : destinations) {
                if (d.udpPort() == null) {
                    throw new IllegalArgumentException("concentrator destination " + d + " needs a UDP port");
                }
            }
        }
    }

    /** Returns {@code name} if it can name nftables objects, else throws. */
    static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad requester name " + (name == null ? "null" : Ipv4Cidr.quoted(name))
                    + ": want 1..24 of [a-z0-9_], not starting with '_'");
        }
        return name;
    }

    /** True when any destination is allowed. */
    public boolean anyDestination() {
        return destinations.isEmpty();
    }
}
