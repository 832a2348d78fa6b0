package net.coopwan.daemon.steer;

/**
 * The conntrack mark bits steer owns: {@link #MASK} and nothing else. Every write is
 * {@code ct mark set ct mark and ~MASK or VALUE}, so the marks of fw4, mwan3 (low bits, 0x3f00 by
 * default), pbr or SQM scripts survive. Bits 22..23 are clear of mwan3's default mask and of the
 * low byte most hand-written rules use; an operator whose firewall already uses them must move
 * one or the other.
 *
 * <p>Values (the mask's two bits, one connection has one of them):
 * <ul>
 *   <li>{@link #OWN_UPLINK}: requester side, the connection started from the LAN while it used the
 *       router's own uplink (0, a connection older than our table, counts the same);</li>
 *   <li>{@link #VIA_HELPER}: requester side, it started while the LAN was steered into the tunnel to
 *       the helper;</li>
 *   <li>{@link #HELPED}: helper side, a connection the helper carries for a requester; the
 *       helper's masquerade matches it.</li>
 * </ul>
 *
 * <p>Bandwidth sharing has a bit of its own, {@link #SHARED} (bit 21), in the conntrack mark and in
 * the packet mark: a connection the borrower moved onto a sharer. Apart from the emergency's two
 * bits because a router may borrow and later fail over, and the emergency's reset of connections
 * "from the other path" must not take the shared ones for its own.
 *
 * <p>Latency-critical traffic (issue 17) has {@link #LATENCY_CRITICAL} (bit 20) in the conntrack
 * mark: a connection classified as a game's or a call's. Its own bit because it is orthogonal to
 * the path bits: a latency-critical session may be on the own uplink, moved to a sharer or helped.
 * The same bit in the packet mark routes the connections that were LC at their first packet into
 * the bond for duplication ({@link LatencyRouteRules}, {@code ip rule fwmark 0x00100000/0x00100000}).
 */
public final class SteerMarks {
    public static final long MASK = 0x00c00000L;
    /** Borrower side: the connection was moved onto a sharer; also the packet mark that routes it there. */
    public static final long SHARED = 0x00200000L;
    /** A latency-critical connection (classified by steer's latency rules); suppression spares it. */
    public static final long LATENCY_CRITICAL = 0x00100000L;
    public static final long OWN_UPLINK = 0x00400000L;
    public static final long VIA_HELPER = 0x00800000L;
    public static final long HELPED = 0x00c00000L;

    private SteerMarks() {
    }

    static String hex(long v) {
        return String.format("0x%08x", v);
    }

    /** The nftables statement that sets {@code value} inside the mask and keeps the other bits. */
    static String set(long value) {
        return "ct mark set ct mark and " + hex(~MASK & 0xffffffffL) + " or " + hex(value);
    }

    /** The nftables expression comparing our bits with {@code value} ({@code ==} or {@code !=}). */
    static String match(String op, long value) {
        return "ct mark and " + hex(MASK) + " " + op + " " + hex(value);
    }
}
