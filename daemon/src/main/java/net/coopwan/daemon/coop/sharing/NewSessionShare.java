package net.coopwan.daemon.coop.sharing;

import java.util.Locale;

/**
 * The borrower's decision of how many of its eligible new sessions go to the sharer (seed 001
 * [0145]: "some or all new sessions", and no new one once "the limit is reached"), as per mille of
 * the new sessions the kernel picks at random. Pure: the split it has learned comes in with the
 * inputs and goes out with the decision; recomputed at each sample (about every second).
 *
 * <ul>
 * <li>Nothing while the offer is none or expired, or nothing in either direction: every TCP
 *     session uses both (an upload's acknowledgements come down), so a sharer whose own users
 *     need its download gets no new session because its upload is idle. A later offer starts
 *     learning again.</li>
 * <li>Nothing while the own uplink has room: under
 *     {@code busyPercent} of its capacity in both directions a neighbour's line adds nothing a
 *     user would notice and costs its owner's quota.</li>
 * <li>Nothing new once what went through the sharer over the last window reaches what the
 *     sharer's quota for the offer sustains in either direction; sessions already there keep their
 *     path.</li>
 * <li>Otherwise the learned split, in the direction where the own line is busier (downloads,
 *     usually). It starts in proportion to the capacities, as the seed's splitter does ([0094]):
 *     {@code path / (path + own capacity)}, half while the own capacity is unknown, where the path
 *     is what the sharer's quota sustains ({@link LendingSession#sustainedKbps}), not the offer.
 *     Then it follows what the two paths really carry over the last few seconds, because a
 *     session's rate is not a path's capacity share: sessions through the neighbour cross one more
 *     hop and a dropping quota, a LAN's pool of connections stays longer on the slower path, and a
 *     line's own losses and delay make its sessions slower than its rate (the sharing benchmark
 *     measured half the gain the quota sustains with the split fixed at the capacities' ratio, on
 *     an impaired line). Two signals, over the recent span: how full each path is (the own line
 *     of its capacity, the path through the sharer of what its quota sustains; full from
 *     {@value #FULL_PERCENT} %), and what one active session gets on each (the moved ones, and the
 *     ones that could have moved but stayed home; {@link SessionGoodput}). A session moved off a
 *     full own line costs it nothing (the others take up what it left), so:
 *     <ul>
 *     <li>the path through the sharer with room, and the own line full (unless a session gets
 *         under half as much through the sharer as at home: each one moved would add little, and
 *         one too many would empty the own line) or a session getting more than 10 % more through
 *         the sharer: a quarter more of the new sessions go there (at least
 *         {@value #STEP_PER_MILLE} per mille);</li>
 *     <li>the path through the sharer full, the own line not, and a session not getting more
 *         through the sharer: a quarter fewer;</li>
 *     <li>the own line with room (recently under {@value #ROOM_PERCENT} %, and not full over the
 *         window: a second's dip of a line that is full is how a few sessions come and go, not
 *         room) and a session not getting more through the sharer: a quarter fewer, a session at
 *         home costs the neighbour nothing; and the split it had becomes a ceiling;</li>
 *     <li>otherwise (both full, or no signal either way) it holds.</li>
 *     </ul>
 *     The ceiling is TCP's slow-start threshold for the same reason: a split that emptied the own
 *     line (too few sessions left at home to fill it, when each session through the sharer is
 *     slow) would be reached again and again, each time costing the own line a second or two.
 *     Growth stops {@value #STEP_PER_MILLE} per mille under it, and it rises by
 *     {@value #CEILING_RISE_PER_MILLE} per mille a second, so a load that changed is found
 *     again. Never under {@value #MIN_PER_MILLE} per mille, so the path keeps carrying a few
 *     sessions whose rate shows whether it has room.</li>
 * </ul>
 */
public final class NewSessionShare {

    /** At or above this share of its capacity (own line) or of the quota's rate (the path), a path is full. */
    static final int FULL_PERCENT = 85;
    /** Under this share of its capacity the own line has room. */
    static final int ROOM_PERCENT = 70;
    /** The least step of the learned split, per mille. */
    static final int STEP_PER_MILLE = 20;
    /** The least learned split, per mille. */
    static final int MIN_PER_MILLE = 10;
    /** How fast the ceiling rises again, per mille a second (a decision). */
    static final int CEILING_RISE_PER_MILLE = 5;

    /**
     * What the split has learned: the per mille (-1: nothing yet) and the ceiling, the split at
     * which the own line last had room (1000: none).
     */
    public record Learned(int perMille, int ceiling) {
        public static final Learned NONE = new Learned(-1, 1000);
    }

    /**
     * One direction, rates in kbit/s: averages over the sharer's window (the quota's) and over its
     * recent part (the estimate's short span, at least a second), and what one session got there
     * recently.
     *
     * @param offerKbps            the sharer's offer
     * @param ownCapacityKbps      the own line's capacity, 0 when unknown
     * @param ownKbps              the own line's rate over the window
     * @param ownRecentKbps        the own line's rate recently, -1 when unknown
     * @param viaSharerKbps        through the sharer over the window
     * @param viaSharerRecentKbps  through the sharer recently
     * @param sessionViaSharerKbps what one active moved session got recently (their mean), -1 when unknown
     * @param sessionHomeKbps      what one active session that could have moved but stayed home got, -1 when unknown
     */
    public record Direction(long offerKbps, long ownCapacityKbps, long ownKbps, long ownRecentKbps, long viaSharerKbps,
                            long viaSharerRecentKbps, long sessionViaSharerKbps, long sessionHomeKbps) {

        /** Without what sessions got (unknown). */
        public Direction(long offerKbps, long ownCapacityKbps, long ownKbps, long ownRecentKbps, long viaSharerKbps,
                         long viaSharerRecentKbps) {
            this(offerKbps, ownCapacityKbps, ownKbps, ownRecentKbps, viaSharerKbps, viaSharerRecentKbps, -1, -1);
        }
    }

    /**
     * What the decision is based on.
     *
     * @param learned the split learned so far (the last decision's)
     */
    public record Inputs(Direction down, Direction up, long offerWindowMs, Learned learned) {
    }

    /**
     * Per mille of eligible new sessions to move now, the split learned (kept while moves stop at a
     * limit; NONE once the offer is gone), and why (one line for the log).
     */
    public record Decision(int perMille, Learned learned, String why) {
        public int learnedPerMille() {
            return learned.perMille();
        }
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
        Direction dn = in.down();
        Direction up = in.up();
        if (dn.offerKbps() == 0 && up.offerKbps() == 0) {
            return new Decision(0, Learned.NONE, "no offer");
        }
        if (dn.offerKbps() == 0 || up.offerKbps() == 0) {
            return new Decision(0, Learned.NONE, "nothing offered " + (dn.offerKbps() == 0 ? "down" : "up")
                    + ": a session needs both directions");
        }
        Learned was = in.learned();
        int learned = was.perMille();
        long pathDown = LendingSession.sustainedKbps(dn.offerKbps(), in.offerWindowMs());
        long pathUp = LendingSession.sustainedKbps(up.offerKbps(), in.offerWindowMs());
        // both directions are offered here (above): either reaching what its quota sustains stops the moves
        if (dn.viaSharerKbps() >= pathDown || up.viaSharerKbps() >= pathUp) {
            return new Decision(0, was, "at the offer's limit: " + dn.viaSharerKbps() + "/" + pathDown
                    + " kbit/s down, " + up.viaSharerKbps() + "/" + pathUp + " kbit/s up through the sharer (what its "
                    + "quota sustains)");
        }
        double loadDown = load(dn.ownKbps(), dn.ownCapacityKbps());
        double loadUp = load(up.ownKbps(), up.ownCapacityKbps());
        if (loadDown * 100 < busyPercent && loadUp * 100 < busyPercent) {
            return new Decision(0, was, String.format(Locale.ROOT, "own uplink has room (%.0f %% down, %.0f %% up)",
                    loadDown * 100, loadUp * 100));
        }
        boolean byDown = loadDown >= loadUp;
        Direction d = byDown ? dn : up;
        long path = byDown ? pathDown : pathUp;
        String head = String.format(Locale.ROOT, "own uplink busy (%.0f %% %s): ", Math.max(loadDown, loadUp) * 100,
                byDown ? "down" : "up");
        if (learned < 0) {
            long own = d.ownCapacityKbps();
            // an own capacity not configured (and not yet learned): no proportion to go by, so half
            int start = own <= 0 ? 500 : (int) Math.max(MIN_PER_MILLE, Math.min(1000, path * 1000 / (path + own)));
            return new Decision(start, new Learned(start, was.ceiling()), head + String.format(Locale.ROOT,
                    "%d of 1000 new sessions to the sharer, from the capacities (offer %d, its quota sustains %d, own %d "
                            + "kbit/s)", start, d.offerKbps(), path, own));
        }
        if (d.ownCapacityKbps() <= 0 || d.ownRecentKbps() < 0) {
            return new Decision(learned, was, head + learned + " of 1000 new sessions to the sharer (own capacity "
                    + "or recent rate unknown: the split holds)");
        }
        long ownPct = d.ownRecentKbps() * 100 / d.ownCapacityKbps();
        long pathPct = path <= 0 ? 100 : d.viaSharerRecentKbps() * 100 / path;
        boolean ownFull = ownPct >= FULL_PERCENT;
        boolean pathFull = pathPct >= FULL_PERCENT;
        long v = d.sessionViaSharerKbps();
        long w = d.sessionHomeKbps();
        boolean compared = v >= 0 && w >= 0;
        // 10 % either way is the same: two readings a second apart are not more exact than that
        boolean faster = compared && v * 10 > w * 11;
        // a session through the sharer at under half of one at home: each one moved off a full own
        // line adds little, and one too many empties it (too few left at home to fill it)
        boolean muchSlower = compared && v * 2 < w;
        int step = Math.max(STEP_PER_MILLE, learned / 4);
        int next = learned;
        int ceiling = Math.min(1000, was.ceiling() + CEILING_RISE_PER_MILLE);
        String how;
        if (!pathFull && (ownFull && !muchSlower || faster)) {
            next = Math.max(learned, Math.min(Math.min(1000, learned + step), ceiling - STEP_PER_MILLE));
            how = (ownFull ? "own line full" : "a session gets more through the sharer") + ", the sharer's path has room"
                    + (next > learned ? "" : ", under the split that left the own line room last");
        } else if (pathFull && !ownFull && !faster) {
            next = Math.max(MIN_PER_MILLE, learned - step);
            how = "the sharer's path full, the own line not";
        } else if (ownPct < ROOM_PERCENT && d.ownKbps() * 100 < d.ownCapacityKbps() * FULL_PERCENT && !faster) {
            ceiling = learned;
            next = Math.max(MIN_PER_MILLE, learned - step);
            how = "own line has room";
        } else {
            how = ownFull && pathFull ? "both full" : faster ? "a session gets more through the sharer, its path full"
                    : "neither full, a session gets about as much either way";
        }
        String sessions = compared ? String.format(Locale.ROOT, "; a session %d kbit/s through the sharer, %d at home", v, w)
                : "";
        return new Decision(next, new Learned(next, ceiling), head + String.format(Locale.ROOT,
                "%d of 1000 new sessions to the sharer (was %d: %s; recently own %d %% of %d, through the sharer %d %% of"
                        + " the %d kbit/s its quota sustains%s)", next, learned, how, ownPct, d.ownCapacityKbps(), pathPct,
                path, sessions));
    }

    /** Load as a share of capacity; an unknown capacity (0) counts as busy when anything flows. */
    private static double load(long kbps, long capacityKbps) {
        if (capacityKbps <= 0) {
            return kbps > 0 ? 1 : 0;
        }
        return (double) kbps / capacityKbps;
    }
}
