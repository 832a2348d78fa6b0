package net.coopwan.daemon.steer;

import java.util.ArrayList;
import java.util.List;

/**
 * One UDP connection of {@code /proc/net/nf_conntrack} with its packet and byte counters each way
 * (they need {@code nf_conntrack_acct}; without it they read 0) and its mark: what the ad hoc rule
 * of latency classification judges. Addresses are IPv4 as ints. Kernel text is trusted but
 * checked: a line that does not parse is skipped and counted by the caller's sum, never thrown on.
 */
public record ConntrackUdpFlow(int source, int sourcePort, int destination, int destinationPort, long packetsOriginal,
                               long bytesOriginal, long packetsReply, long bytesReply, long mark) {

    public ConntrackUdpFlow {
        if (sourcePort < 1 || sourcePort > 65535 || destinationPort < 1 || destinationPort > 65535) {
            throw new IllegalArgumentException("ports are 1..65535");
        }
        if (packetsOriginal < 0 || bytesOriginal < 0 || packetsReply < 0 || bytesReply < 0 || mark < 0) {
            throw new IllegalArgumentException("counters and mark are never negative");
        }
    }

    /** {@code saddr . sport . daddr . dport}, an element of an nft set of that type. */
    public String nftElement() {
        return Ipv4Cidr.format(source) + " . " + sourcePort + " . " + Ipv4Cidr.format(destination) + " . " + destinationPort;
    }

    /** The IPv4 UDP lines of the text; {@code skipped[0]}, if given, counts the lines of another kind or unreadable. */
    public static List<ConntrackUdpFlow> parse(String conntrack, long[] skipped) {
        List<ConntrackUdpFlow> out = new ArrayList<>();
        for (String line : conntrack.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            ConntrackUdpFlow f = parseLine(line);
            if (f != null) {
                out.add(f);
            } else if (skipped != null) {
                skipped[0]++;
            }
        }
        return out;
    }

    /** One line, or null when it is not an IPv4 UDP connection or does not parse. */
    static ConntrackUdpFlow parseLine(String line) {
        return ConntrackLine.parse(line, "udp", (l, src, dst) -> new ConntrackUdpFlow(address(src),
                (int) l.number("sport", 0, -1), address(dst), (int) l.number("dport", 0, -1), l.number("packets", 0, 0),
                l.number("bytes", 0, 0), l.number("packets", 1, 0), l.number("bytes", 1, 0), l.number("mark", 0, 0)));
    }

    private static int address(String dotted) {
        return Ipv4Cidr.toInt(Ipv4Cidr.parseAddress(dotted));
    }
}
