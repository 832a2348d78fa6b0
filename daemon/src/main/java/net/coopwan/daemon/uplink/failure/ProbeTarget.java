package net.coopwan.daemon.uplink.failure;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One Internet server the uplink is probed against: ICMP echo to an address, or a small UDP
 * datagram to {@code address:port} that the server sends back (an echo service of our own, a
 * peer's, or any host that answers with the payload it got). IPv4 only: the uplink probers bind
 * an AF_INET socket to the uplink device.
 *
 * @param kind    ICMP or UDP
 * @param address the server; a literal, never resolved by name (DNS may itself go through the
 *     dead uplink, and a probe must not wait for it)
 * @param port    UDP port 1..65535; 0 for ICMP
 */
public record ProbeTarget(Kind kind, Inet4Address address, int port) {

    /** How the target is probed. */
    public enum Kind { ICMP, UDP }

    public ProbeTarget {
        if (kind == null || address == null) {
            throw new IllegalArgumentException("probe target needs a kind and an address");
        }
        if (kind == Kind.ICMP && port != 0) {
            throw new IllegalArgumentException("ICMP probe target " + address.getHostAddress() + " takes no port: " + port);
        }
        if (kind == Kind.UDP && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("UDP probe target " + address.getHostAddress() + ": port must be 1..65535: "
                    + port);
        }
    }

    public static ProbeTarget icmp(Inet4Address address) {
        return new ProbeTarget(Kind.ICMP, address, 0);
    }

    public static ProbeTarget udp(Inet4Address address, int port) {
        return new ProbeTarget(Kind.UDP, address, port);
    }

    /**
     * Parses {@code icmp:A.B.C.D}, {@code udp:A.B.C.D:PORT} or a bare {@code A.B.C.D} (ICMP), as a
     * configuration would write them.
     */
    public static ProbeTarget parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("udp:")) {
            String rest = t.substring(4);
            int colon = rest.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("probe target '" + text + "': udp needs ADDRESS:PORT");
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("probe target '" + text + "': port is not a number");
            }
            return udp(literal(rest.substring(0, colon), text), port);
        }
        return icmp(literal(t.startsWith("icmp:") ? t.substring(5) : t, text));
    }

    private static Inet4Address literal(String s, String text) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("probe target '" + text + "': not an IPv4 address: '" + s + "'");
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v;
            try {
                v = parts[i].length() > 0 && parts[i].length() <= 3 ? Integer.parseInt(parts[i]) : -1;
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("probe target '" + text + "': not an IPv4 address: '" + s + "'");
            }
            b[i] = (byte) v;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("probe target '" + text + "': " + e.getMessage());
        }
    }

    /** {@code 198.18.1.1} for ICMP, {@code udp:198.18.1.1:7} for UDP, as the evidence lines show it. */
    @Override
    public String toString() {
        return kind == Kind.ICMP ? address.getHostAddress() : "udp:" + address.getHostAddress() + ":" + port;
    }
}
