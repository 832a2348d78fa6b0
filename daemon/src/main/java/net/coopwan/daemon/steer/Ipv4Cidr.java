package net.coopwan.daemon.steer;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address with a prefix length, parsed strictly ({@code a.b.c.d/n}, four decimal octets,
 * no leading zeros, n in 0..32) so that nothing but digits, dots and one slash can ever reach an
 * {@code ip} argument or the nftables text. Host bits may be set ({@code 100.64.50.1/24} is an
 * interface address); {@link #isNetwork()} tells whether they are all zero.
 */
public record Ipv4Cidr(Inet4Address address, int prefix) {

    public Ipv4Cidr {
        if (address == null) {
            throw new IllegalArgumentException("address is null");
        }
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32: " + prefix);
        }
    }

    /** Parses {@code a.b.c.d/n}; a bare address is refused so no one gets a /32 by accident. */
    public static Ipv4Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("CIDR is null");
        }
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/')) {
            throw new IllegalArgumentException("not an IPv4 CIDR (want a.b.c.d/n): " + quoted(text));
        }
        int prefix = number(text.substring(slash + 1), 32, text);
        return new Ipv4Cidr(parseAddress(text.substring(0, slash)), prefix);
    }

    /** An address held as an int (network order read big-endian) in dotted-quad form. */
    public static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    /** Parses a dotted-quad IPv4 address, strictly (no host names, no shorthand forms). */
    public static Inet4Address parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + quoted(text));
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) number(parts[i], 255, text);
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always a valid address
        }
    }

    private static int number(String s, int max, String whole) {
        if (s.isEmpty() || s.length() > 3 || (s.length() > 1 && s.charAt(0) == '0')) {
            throw new IllegalArgumentException("not an IPv4 CIDR or address: " + quoted(whole));
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("not an IPv4 CIDR or address: " + quoted(whole));
            }
            v = v * 10 + (c - '0');
        }
        if (v > max) {
            throw new IllegalArgumentException("number out of range in " + quoted(whole));
        }
        return v;
    }

    /** Shows untrusted text with control characters escaped so an error message stays one line. */
    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        int n = Math.min(s.length(), 64);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > n ? "...\"" : "\"").toString();
    }

    private int bits() {
        return toInt(address);
    }

    /** An IPv4 address as an int, the inverse of {@link #format(int)}. */
    public static int toInt(Inet4Address address) {
        byte[] a = address.getAddress();
        return ((a[0] & 0xff) << 24) | ((a[1] & 0xff) << 16) | ((a[2] & 0xff) << 8) | (a[3] & 0xff);
    }

    /** Whether the address (as an int) is inside this network. */
    public boolean contains(int other) {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (other & mask) == (bits() & mask);
    }

    /** This network with the host bits cleared ({@code 100.64.1.7/24} gives {@code 100.64.1.0/24}). */
    public Ipv4Cidr network() {
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return parse(format(bits() & mask) + "/" + prefix);
    }

    /** True when all host bits are zero, as a match on a source network should be. */
    public boolean isNetwork() {
        int hostMask = prefix == 32 ? 0 : (-1 >>> prefix);
        return (bits() & hostMask) == 0;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix;
    }
}
