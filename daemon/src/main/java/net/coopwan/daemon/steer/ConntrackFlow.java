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
        String[] t = line.trim().split("\\s+");
        if (t.length < 4 || !t[0].equals("ipv4") || !t[2].equals("tcp")) {
            return null;
        }
        String src = null;
        String dst = null;
        int sport = -1;
        int dport = -1;
        long bytesOriginal = -1;
        long bytesReply = 0;
        long age = -1;
        long mark = 0;
        try {
            for (String f : t) {
                int eq = f.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String k = f.substring(0, eq);
                String v = f.substring(eq + 1);
                // the first src/dst/sport/dport/bytes are the original direction's, the second the reply's
                switch (k) {
                    case "src" -> src = src == null ? v : src;
                    case "dst" -> dst = dst == null ? v : dst;
                    case "sport" -> sport = sport < 0 ? Integer.parseInt(v) : sport;
                    case "dport" -> dport = dport < 0 ? Integer.parseInt(v) : dport;
                    case "bytes" -> {
                        if (bytesOriginal < 0) {
                            bytesOriginal = Long.parseLong(v);
                        } else {
                            bytesReply = Long.parseLong(v);
                        }
                    }
                    case "delta-time" -> age = Long.parseLong(v);
                    case "mark" -> mark = Long.parseLong(v);
                    default -> {
                    }
                }
            }
            if (src == null || dst == null) {
                return null;
            }
            return new ConntrackFlow(src, sport, dst, dport, Math.max(0, bytesOriginal), bytesReply, age, mark);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
