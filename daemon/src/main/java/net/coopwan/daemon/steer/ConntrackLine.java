package net.coopwan.daemon.steer;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code /proc/net/nf_conntrack} split into its protocol and its {@code key=value}
 * fields in order: a key that appears twice (src, dst, sport, dport, packets, bytes) has the
 * original direction's value first and the reply's second. Shared by the parsers of {@link
 * ConntrackFlow} (TCP) and {@link ConntrackUdpFlow}; checked, never thrown on: a line that is not
 * IPv4 gives null.
 */
record ConntrackLine(String protocol, List<String> keys, List<String> values) {

    /** The line, or null when it is not an IPv4 connection. */
    static ConntrackLine parse(String line) {
        String[] t = line.trim().split("\\s+");
        if (t.length < 4 || !t[0].equals("ipv4")) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (String f : t) {
            int eq = f.indexOf('=');
            if (eq > 0) {
                keys.add(f.substring(0, eq));
                values.add(f.substring(eq + 1));
            }
        }
        return new ConntrackLine(t[2], keys, values);
    }

    /** What a parser of one protocol's lines makes of a line; throws IllegalArgumentException when it does not fit. */
    interface Reader<T> {
        T read(ConntrackLine line, String source, String destination);
    }

    /**
     * The line as {@code reader} reads it, or null when it is not an IPv4 line of {@code protocol},
     * lacks the original direction's addresses, or the reader refuses it (a field not a number, a
     * port out of range).
     */
    static <T> T parse(String line, String protocol, Reader<T> reader) {
        ConntrackLine l = parse(line);
        if (l == null || !l.protocol().equals(protocol)) {
            return null;
        }
        String src = l.value("src", 0);
        String dst = l.value("dst", 0);
        if (src == null || dst == null) {
            return null;
        }
        try {
            return reader.read(l, src, dst);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The {@code n}th (0: original direction, 1: reply) value of {@code key}, or null. */
    String value(String key, int n) {
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).equals(key) && n-- == 0) {
                return values.get(i);
            }
        }
        return null;
    }

    /** The {@code n}th value of {@code key} as a number, or {@code def} when absent; not a number throws. */
    long number(String key, int n, long def) {
        String v = value(key, n);
        return v == null ? def : Long.parseLong(v);
    }
}
