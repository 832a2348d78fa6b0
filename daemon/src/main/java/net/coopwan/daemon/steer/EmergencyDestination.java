package net.coopwan.daemon.steer;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * A destination a requester may reach through the helper: an address (any protocol) or an address
 * and UDP port (a concentrator's tunnel endpoint).
 *
 * @param address the destination
 * @param udpPort 1..65535, or null for any protocol and port
 */
public record EmergencyDestination(Inet4Address address, Integer udpPort) {

    public EmergencyDestination {
        Objects.requireNonNull(address, "address");
        if (udpPort != null && (udpPort < 1 || udpPort > 65535)) {
            throw new IllegalArgumentException("UDP port must be 1..65535: " + udpPort);
        }
    }

    /** Parses {@code a.b.c.d} or {@code a.b.c.d:port}, strictly. */
    public static EmergencyDestination parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("destination is null");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return new EmergencyDestination(Ipv4Cidr.parseAddress(text), null);
        }
        String port = text.substring(colon + 1);
        if (!port.matches("[1-9][0-9]{0,4}")) {
            throw new IllegalArgumentException("not a destination (want a.b.c.d or a.b.c.d:port): "
                    + Ipv4Cidr.quoted(text));
        }
        return new EmergencyDestination(Ipv4Cidr.parseAddress(text.substring(0, colon)), Integer.valueOf(port));
    }

    @Override
    public String toString() {
        return address.getHostAddress() + (udpPort == null ? "" : ":" + udpPort);
    }
}
