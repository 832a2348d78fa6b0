package net.coopwan.daemon.steer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One TCP connection of {@code /proc/net/nf_conntrack}: its original direction's addresses and
 * ports, the bytes each way (with {@code nf_conntrack_acct}), its age (with {@code
 * nf_conntrack_timestamp}, else -1) and its mark. Parsed from the kernel's text, which is trusted
 * but checked: a line that does not parse is skipped, never thrown on.
 *
 * @param bytesOriginal from the side that opened it (the LAN host, on a borrower)
 * @param bytesReply    towards it
 */
public record ConntrackFlow(String source, int sourcePort, String destination, int destinationPort,
                            long bytesOriginal, long bytesReply, long ageSeconds, long mark) {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    public ConntrackFlow {
        if (!IPV4.matcher(source).matches() || !IPV4.matcher(destination).matches()) {
            throw new IllegalArgumentException("not IPv4 addresses: " + source + ", " + destination);
        }
        if (sourcePort < 1 || sourcePort > 65535 || destinationPort < 1 || destinationPort > 65535) {
            throw new IllegalArgumentException("ports are 1..65535");
        }
    }

    /** {@code saddr . sport . daddr . dport}, an element of an nft set of that type. */
    public String nftElement() {
        return source + " . " + sourcePort + " . " + destination + " . " + destinationPort;
    }

    /** The IPv4 TCP lines of {@code /proc/net/nf_conntrack} whose mark has every bit of {@code bits}. */
    public static List<ConntrackFlow> parse(String conntrack, long bits) {
        List<ConntrackFlow> out = new ArrayList<>();
        for (String line : conntrack.split("\n")) {
            ConntrackFlow f = parseLine(line);
            if (f != null && (f.mark() & bits) == bits) {
                out.add(f);
            }
        }
        return out;
    }

    /** One line, or null when it is not an IPv4 TCP connection or does not parse. */
    static ConntrackFlow parseLine(String line) {
        return ConntrackLine.parse(line, "tcp", (l, src, dst) -> new ConntrackFlow(src, (int) l.number("sport", 0, -1), dst,
                (int) l.number("dport", 0, -1), Math.max(0, l.number("bytes", 0, 0)), l.number("bytes", 1, 0),
                l.number("delta-time", 0, -1), l.number("mark", 0, 0)));
    }
}
