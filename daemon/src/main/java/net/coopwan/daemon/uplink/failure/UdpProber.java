package net.coopwan.daemon.uplink.failure;

import java.io.IOException;
import java.net.Inet4Address;

/**
 * A UDP ping to one target: a 20-byte datagram with our token and the probe number to {@code
 * host:port}; any datagram from that address and port that carries the payload back is the
 * reply (an echo service returns it whole). Through a UDP socket bound to the uplink device, for
 * the same reason as {@link IcmpProber}; useful where ICMP is filtered or rate-limited.
 */
public final class UdpProber extends SocketProber {

    private UdpProber(ProbeTarget target, ProbeSocket socket) {
        super(target, socket);
    }

    /** Opens the socket, bound to {@code device} and, unless null, to {@code source} (any port). */
    public static UdpProber open(ProbeTarget target, String device, Inet4Address source) throws IOException {
        if (target.kind() != ProbeTarget.Kind.UDP) {
            throw new IllegalArgumentException("not a UDP target: " + target);
        }
        return new UdpProber(target, ProbeSocket.open(ProbeSocket.SOCK_DGRAM, ProbeSocket.IPPROTO_UDP, device, source,
                "UDP probe socket for " + target + " on " + device));
    }

    @Override
    int packet(long seq) {
        ProbePackets.payload(out, 0, token, seq);
        return ProbePackets.PAYLOAD;
    }

    @Override
    long match(byte[] buf, int len, int fromAddress, int fromPort) {
        if (fromAddress != targetBits || fromPort != target.port()) {
            return -1;
        }
        return ProbePackets.payloadSeq(buf, 0, len, token);
    }
}
