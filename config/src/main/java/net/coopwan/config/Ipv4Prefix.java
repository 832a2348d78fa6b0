package net.coopwan.config;

/**
 * An IPv4 host address with the prefix length of its network, {@code 100.64.100.2/24}: what a
 * tunnel interface gets. Package-private: the public records carry the two parts as a String
 * and an int.
 *
 * @param address dotted-quad text, as written
 * @param length  prefix length, 1-30
 */
record Ipv4Prefix(String address, int length) {

    static int bits(String dottedQuad) {
        int v = 0;
        for (String part : dottedQuad.split("\\.")) {
            v = v << 8 | Integer.parseInt(part);
        }
        return v;
    }

    int mask() {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** Whether ADDRESS (dotted quad) lies in this network. */
    boolean contains(String other) {
        return (bits(other) & mask()) == (bits(address) & mask());
    }

    /** Whether ADDRESS (dotted quad) is this network's own address or its broadcast address. */
    boolean isNetworkOrBroadcast(String other) {
        int host = bits(other) & ~mask();
        return host == 0 || host == ~mask();
    }

    /** The network in CIDR form, {@code 100.64.100.0/24}. */
    String network() {
        int n = bits(address) & mask();
        return (n >>> 24) + "." + (n >>> 16 & 0xff) + "." + (n >>> 8 & 0xff) + "." + (n & 0xff) + "/" + length;
    }
}
