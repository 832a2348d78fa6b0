package net.coopwan.config;

import java.util.List;

/**
 * {@code config sharing 'sharing'}: bandwidth sharing with the paired neighbour (seed 001 FIG. 3C;
 * docs/PROTOCOL.md 3.13). With whom, and how much, is the owner's approved {@code bandwidth_sharing}
 * agreement; this section says how this router lends and borrows. Without it, {@link #defaults()}.
 *
 * @param lend           offer the capacity the own users leave idle to neighbours with an agreement
 * @param borrow         move new sessions onto a neighbour's offer
 * @param windowS        T, the window the own users' occupancy is averaged over: 1, 10 or 60 s (the seed's)
 * @param marginPercent  share of the uplink's capacity never lent, 0-90
 * @param ports          TCP destination ports of the sessions that may move, 1-16 of them
 * @param avoid          host or URL patterns ({@code *} any text, no case) whose sessions stay home, at most 32
 * @param busyPercent    the own uplink's load (of its capacity) from which new sessions move, 0-100
 * @param forceTerminate reset the moved sessions when the offer goes (else they drain)
 * @param learnHosts     while borrowing is on, learn which addresses are download hosts from the DNS
 *                       answers the LAN receives and the first data of its web sessions (TLS SNI,
 *                       HTTP), so the avoid patterns apply to them
 */
public record Sharing(boolean lend, boolean borrow, int windowS, int marginPercent, List<Integer> ports,
                      List<String> avoid, int busyPercent, boolean forceTerminate, boolean learnHosts) {

    public Sharing {
        ports = List.copyOf(ports);
        avoid = List.copyOf(avoid);
    }

    /** Learning download hosts on (its default). */
    public Sharing(boolean lend, boolean borrow, int windowS, int marginPercent, List<Integer> ports, List<String> avoid,
            int busyPercent, boolean forceTerminate) {
        this(lend, borrow, windowS, marginPercent, ports, avoid, busyPercent, forceTerminate, true);
    }

    /** Lend and borrow, T = 10 s, 10 % margin, HTTP and HTTPS, the seed's download patterns, from 50 % busy, drain, learn hosts. */
    public static Sharing defaults() {
        return new Sharing(true, true, 10, 10, List.of(80, 443), List.of("*download*", "*file*"), 50, false);
    }
}
