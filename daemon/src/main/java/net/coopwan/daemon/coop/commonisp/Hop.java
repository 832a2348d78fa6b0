package net.coopwan.daemon.coop.commonisp;

/**
 * One hop of a traced route: the IPv4 address that answered for it, or unknown ({@code *}: no
 * answer within the trace's time). The address is a 32-bit int (network order read big-endian),
 * which is what the probes and the wire carry.
 *
 * @param address the answering address, meaningful only when {@code known}
 * @param known   false for {@code *}
 */
public record Hop(int address, boolean known) {

    /** A hop that did not answer. */
    public static final Hop UNKNOWN = new Hop(0, false);

    public Hop {
        if (known == (address == 0)) {
            // 0.0.0.0 never answers a probe; on the wire it stands for the unknown hop
            throw new IllegalArgumentException(known ? "0.0.0.0 is not a hop's address" : "an unknown hop has no address");
        }
    }

    public static Hop of(int address) {
        return new Hop(address, true);
    }

    /** Parses {@code a.b.c.d} or {@code *}. */
    public static Hop parse(String s) {
        if ("*".equals(s)) {
            return UNKNOWN;
        }
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + s);
        }
        int a = 0;
        for (String part : p) {
            int v = Integer.parseInt(part);
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + s);
            }
            a = (a << 8) | v;
        }
        return of(a);
    }

    @Override
    public String toString() {
        return known ? ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff) : "*";
    }
}
