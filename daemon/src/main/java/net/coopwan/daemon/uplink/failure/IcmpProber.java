package net.coopwan.daemon.uplink.failure;

import java.io.IOException;
import java.net.Inet4Address;

/**
 * ICMP echo to one target through a raw socket ({@code socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)},
 * the daemon runs as root) bound to the uplink device. A raw socket sees every ICMP packet that
 * arrives on the device, so the kernel's ICMP_FILTER lets only echo replies through, the socket
 * is connected to the target so only its packets arrive, and each reply is checked against our
 * identifier, our token and the target's address; the rest are counted as ignored. Ping
 * sockets (SOCK_DGRAM, IPPROTO_ICMP) would need no root but depend on {@code
 * net.ipv4.ping_group_range}, closed ("1 0") by default.
 */
public final class IcmpProber extends SocketProber {

    private final int id;

    private IcmpProber(ProbeTarget target, ProbeSocket socket) {
        super(target, socket);
        this.id = randomId();
    }

    /**
     * Opens the socket, bound to {@code device} and, unless null, to {@code source} (the uplink's
     * address, so its own routing table is used).
     *
     * @throws IOException when the socket cannot be made (not root, no such device, ...)
     */
    public static IcmpProber open(ProbeTarget target, String device, Inet4Address source) throws IOException {
        if (target.kind() != ProbeTarget.Kind.ICMP) {
            throw new IllegalArgumentException("not an ICMP target: " + target);
        }
        ProbeSocket s = ProbeSocket.open(ProbeSocket.SOCK_RAW, ProbeSocket.IPPROTO_ICMP, device, source,
                "ICMP probe socket for " + target + " on " + device);
        try {
            // Bit n set = type n filtered out: everything but echo reply (type 0).
            s.setIntOption(ProbeSocket.SOL_RAW, ProbeSocket.ICMP_FILTER, ~(1 << ProbePackets.ICMP_ECHO_REPLY));
            s.connect(target.address());
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new IcmpProber(target, s);
    }

    @Override
    int packet(long seq) {
        return ProbePackets.icmpEcho(out, id, seq, token);
    }

    @Override
    long match(byte[] buf, int len, int fromAddress, int fromPort) {
        return fromAddress == targetBits ? ProbePackets.icmpReplySeq(buf, len, targetBits, id, token) : -1;
    }
}
