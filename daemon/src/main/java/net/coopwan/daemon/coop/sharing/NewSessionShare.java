package net.coopwan.daemon.coop.sharing;

/**
 * The borrower's decision of how many of its eligible new sessions go to the sharer (seed 001
 * [0145]: "some or all new sessions", and no new one once "the limit is reached"), as per mille of
 * the new sessions the kernel picks at random. Pure; recomputed about every second.
 *
 * <ul>
 * <li>Nothing while the offer is none or expired, or nothing in either direction: every TCP
 *     session uses both (an upload's acknowledgements come down), so a sharer whose own users
 *     need its download gets no new session because its upload is idle.</li>
 * <li>Nothing while the own uplink has room: under
 *     {@code busyPercent} of its capacity in both directions a neighbour's line adds nothing a
 *     user would notice and costs its owner's quota.</li>
 * <li>Nothing new once what went through the sharer over the last window reaches what the
 *     sharer's quota for the offer sustains in either direction; sessions already there keep their
 *     path.</li>
 * <li>Otherwise new sessions split in proportion to the capacities, as the seed's splitter does
 *     ([0094]): {@code path / (path + own capacity)} of them, in the direction where the own line
 *     is busier (downloads, usually); half of them while the own capacity is unknown. The path is
 *     what the sharer's quota sustains ({@link LendingSession#sustainedKbps}), not the offer: split
 *     by the offer, a third of the sessions went to a path with half its rate, and an application
 *     with a fixed number of connections left them waiting there while its own line idled (the
 *     sharing benchmark measured less with sharing on than off).</li>
 * </ul>
 */
public final class NewSessionShare {

    /** What the decision is based on; rates in kbit/s, averages over the same window. */
    public record Inputs(long offerDownKbps, long offerUpKbps, long ownCapacityDownKbps, long ownCapacityUpKbps,
                         long ownDownKbps, long ownUpKbps, long viaSharerDownKbps, long viaSharerUpKbps,
                         long offerWindowMs) {
    }

    /** Per mille of eligible new sessions to move, and why (one line for the log). */
    public record Decision(int perMille, String why) {
    }

    private final int busyPercent;

    /** @param busyPercent the own uplink's load (of its capacity) from which borrowing starts */
    public NewSessionShare(int busyPercent) {
        if (busyPercent < 0 || busyPercent > 100) {
            throw new IllegalArgumentException("busy percent is 0..100, got " + busyPercent);
        }
        this.busyPercent = busyPercent;
    }

    public Decision decide(Inputs in) {
        if (in.offerDownKbps() == 0 && in.offerUpKbps() == 0) {
            return new Decision(0, "no offer");
        }
        if (in.offerDownKbps() == 0 || in.offerUpKbps() == 0) {
            return new Decision(0, "nothing offered " + (in.offerDownKbps() == 0 ? "down" : "up")
                    + ": a session needs both directions");
        }
        long pathDown = LendingSession.sustainedKbps(in.offerDownKbps(), in.offerWindowMs());
        long pathUp = LendingSession.sustainedKbps(in.offerUpKbps(), in.offerWindowMs());
        // both directions are offered here (above): either reaching what its quota sustains stops the moves
        if (in.viaSharerDownKbps() >= pathDown || in.viaSharerUpKbps() >= pathUp) {
            return new Decision(0, "at the offer's limit: " + in.viaSharerDownKbps() + "/" + pathDown
                    + " kbit/s down, " + in.viaSharerUpKbps() + "/" + pathUp + " kbit/s up through the sharer (what its "
                    + "quota sustains)");
        }
        double down = load(in.ownDownKbps(), in.ownCapacityDownKbps());
        double up = load(in.ownUpKbps(), in.ownCapacityUpKbps());
        if (down * 100 < busyPercent && up * 100 < busyPercent) {
            return new Decision(0, String.format(java.util.Locale.ROOT, "own uplink has room (%.0f %% down, %.0f %% up)",
                    down * 100, up * 100));
        }
        boolean byDown = down >= up;
        long offer = byDown ? in.offerDownKbps() : in.offerUpKbps();
        long path = byDown ? pathDown : pathUp;
        long own = byDown ? in.ownCapacityDownKbps() : in.ownCapacityUpKbps();
        // an own capacity not configured (and not yet learned): no proportion to go by, so half
        int perMille = own <= 0 ? 500 : (int) Math.max(1, Math.min(1000, path * 1000 / (path + own)));
        return new Decision(perMille, String.format(java.util.Locale.ROOT,
                "own uplink busy (%.0f %% %s): %d of 1000 new sessions to the sharer (offer %d, its quota sustains %d, "
                        + "own %d kbit/s)", Math.max(down, up) * 100, byDown ? "down" : "up", perMille, offer, path, own));
    }

    /** Load as a share of capacity; an unknown capacity (0) counts as busy when anything flows. */
    private static double load(long kbps, long capacityKbps) {
        if (capacityKbps <= 0) {
            return kbps > 0 ? 1 : 0;
        }
        return (double) kbps / capacityKbps;
    }
}
