package net.coopwan.daemon.coop.sharing.hosts;

/**
 * The IPv4 and UDP or TCP headers of a copied packet: addresses, ports, and where the payload is.
 * Every length is checked against the bytes copied; a packet longer than its copy (the snap
 * length) is {@link HostDrop#HOSTS_TRUNCATED}, a fragment {@link HostDrop#HOSTS_IP_FRAGMENT}.
 *
 * @param protocol        {@link #UDP} or {@link #TCP}
 * @param source          source address (network order read big-endian)
 * @param destination     destination address
 * @param payloadOffset   where the UDP or TCP payload starts in the array
 * @param payloadLength   its length
 */
public record Ipv4Segment(int protocol, int source, int destination, int sourcePort, int destinationPort,
                          int payloadOffset, int payloadLength) {

    public static final int TCP = 6;
    public static final int UDP = 17;

    /** Parses {@code len} bytes of {@code b} from {@code off}. */
    public static Ipv4Segment parse(byte[] b, int off, int len) throws HostFormatException {
        Bytes.require(b, off, len);
        if (len < 20) {
            throw new HostFormatException(HostDrop.HOSTS_IP_MALFORMED, len + " bytes, less than an IPv4 header");
        }
        if ((b[off] & 0xf0) != 0x40) {
            throw new HostFormatException(HostDrop.HOSTS_IP_MALFORMED, "IP version " + ((b[off] & 0xf0) >> 4));
        }
        int ihl = (b[off] & 0x0f) * 4;
        int total = Bytes.u16(b, off + 2);
        if (ihl < 20 || ihl > len || total < ihl) {
            throw new HostFormatException(HostDrop.HOSTS_IP_MALFORMED, "header " + ihl + " of " + total + " bytes");
        }
        if (total > len) {
            throw new HostFormatException(HostDrop.HOSTS_TRUNCATED, total + " bytes, " + len + " copied");
        }
        int frag = Bytes.u16(b, off + 6);
        if ((frag & 0x3fff) != 0) {
            throw new HostFormatException(HostDrop.HOSTS_IP_FRAGMENT, "fragment");
        }
        int protocol = b[off + 9] & 0xff;
        int l4 = off + ihl;
        int l4len = total - ihl;
        if (protocol == UDP) {
            int udpLen = l4len < 8 ? -1 : Bytes.u16(b, l4 + 4);
            if (udpLen < 8 || udpLen > l4len) {
                throw new HostFormatException(HostDrop.HOSTS_IP_MALFORMED, "UDP length " + udpLen + " in " + l4len);
            }
            return new Ipv4Segment(protocol, Bytes.u32(b, off + 12), Bytes.u32(b, off + 16), Bytes.u16(b, l4),
                    Bytes.u16(b, l4 + 2), l4 + 8, udpLen - 8);
        }
        if (protocol == TCP) {
            int doff = l4len < 20 ? -1 : ((b[l4 + 12] & 0xf0) >> 4) * 4;
            if (doff < 20 || doff > l4len) {
                throw new HostFormatException(HostDrop.HOSTS_IP_MALFORMED, "TCP header " + doff + " in " + l4len);
            }
            return new Ipv4Segment(protocol, Bytes.u32(b, off + 12), Bytes.u32(b, off + 16), Bytes.u16(b, l4),
                    Bytes.u16(b, l4 + 2), l4 + doff, l4len - doff);
        }
        throw new HostFormatException(HostDrop.HOSTS_NOT_COPIED, "protocol " + protocol);
    }
}
