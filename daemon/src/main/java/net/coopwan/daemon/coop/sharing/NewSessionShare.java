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
 * <li>Nothing new once what went through the sharer over the last window reaches the offer
 *     (its quota: offer x T in any window of T) in either direction; sessions already there keep
 *     their path.</li>
 * <li>Otherwise the learned split, in the direction where the own line is busier (downloads,
 *     usually). It starts in proportion to the capacities, as the seed's splitter does ([0094]):
 *     {@code path / (path + own capacity)}, half while the own capacity is unknown, where the path
 *     is what the sharer's quota sustains ({@link LendingSession#sustainedKbps}), not the offer.
 *     Then it follows what the two paths really carry over the last few seconds, because a
 *     session's rate is not a path's capacity share: sessions through the neighbour cross one more
 *     hop and a dropping quota, a LAN's pool of connections stays longer on the slower path, and a
 *     line's own losses and delay make its sessions slower than its rate (the sharing benchmark
 *     measured half the gain the quota sustains with the split fixed at the capacities' ratio, on
 *     an impaired line). It learns only from decisions that could show anything: at least one
 *     eligible new session since the last. Signals, over the recent span: how full each path is
 *     (the own line of its capacity, the path through the sharer of what its quota sustains; full
 *     from {@value #FULL_PERCENT} %), and what one active session gets on each
 *     ({@link SessionGoodput}). An eighth more of the new sessions go to the sharer, or a quarter
 *     fewer (at least {@value #STEP_PER_MILLE} per mille;
 *     growing costs more when wrong: a session moved too many holds its connection on a slow path
 *     for its life):
 *     <ul>
 *     <li>the own line full, the path with room: more (a new session on a full line only takes
 *         from the others there; through the sharer it adds), never under the capacities' ratio
 *         (the point of equal rates when every session gets its fair share of its path); unless a
 *         session gets under half as much through the sharer as at home: it holds (each one moved
 *         adds little, and a session on a slow path holds its connection from the own line for
 *         longer, so one too many empties it);</li>
 *     <li>the path full, the own line not: fewer (unless a session gets 10 % more through the
 *         sharer and the own line is over {@value #ROOM_PERCENT} %: it holds); if the last growth
 *         emptied a full own line, that split becomes a ceiling;</li>
 *     <li>both full: a new session takes from the others wherever it goes, and the LAN gets all it
 *         can: fewer only while a session gets under half through the sharer; never more (a full
 *         path's sessions may live on a burst of its quota and get less once it is spent);</li>
 *     <li>neither full: fewer right after the split grew and left a line that was full over the
 *         window under {@value #ROOM_PERCENT} % (it moved too many: the split it had becomes a
 *         ceiling); else the sessions are limited by something else than the lines (each is slow:
 *         delay, loss), so a new one gets what those of its path get: more while a session gets
 *         10 % more through the sharer, fewer while 10 % less; else it holds (a light load, or
 *         nothing to compare: a path's room says nothing of what one more session would get there,
 *         it may have room because its sessions are slow).</li>
 *     </ul>
 *     A home session's rate counts only when it is at least 2 % of the own line (a call or a stream
 *     at its own rate asks for little, and a line of them only seems slow; the benchmark's trickles
 *     at 80 kbit/s made a 10 Mbit/s line look slower than the sharer's); with the path full and the
 *     own line under {@value #ROOM_PERCENT} %, fewer whatever the sessions get.
 *     The ceiling is TCP's slow-start threshold for the same reason: a split that emptied the own
 *     line (too few sessions left at home to fill it, when each session through the sharer is
 *     slow) would be reached again and again, each time costing the own line a second or two.
 *     Growth stops {@value #STEP_PER_MILLE} per mille under it, and it rises by
 *     {@value #CEILING_RISE_PER_MILLE} per mille a second, so a load that changed is found
 *     again. Never under {@value #MIN_PER_MILLE} per mille, so the path keeps carrying a few
 *     sessions whose rate shows whether it has room. What was learned holds for the path it was
 *     learned on: an offer whose sustained rate grew or fell by more than a third starts again
 *     from the capacities' ratio (a sharer's offer rises in steps after an agreement).</li>
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
     * What the split has learned: the per mille (-1: nothing yet), the ceiling (the split whose
     * growth last left the own line room; 1000: none), and whether the last decision grew it.
     */
    public record Learned(int perMille, int ceiling, boolean rose, long pathKbps) {
        public static final Learned NONE = new Learned(-1, 1000, false, 0);

        /** For no particular path (0: any). */
        public Learned(int perMille, int ceiling, boolean rose) {
            this(perMille, ceiling, rose, 0);
        }
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
     * @param learned     the split learned so far (the last decision's)
     * @param newSessions eligible new sessions the kernel saw since the last decision (moved or not), -1 unknown
     */
    public record Inputs(Direction down, Direction up, long offerWindowMs, Learned learned, long newSessions) {

        /** New sessions unknown: the split learns at every decision. */
        public Inputs(Direction down, Direction up, long offerWindowMs, Learned learned) {
            this(down, up, offerWindowMs, learned, -1);
        }
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
        // both directions are offered here (above): either reaching the offer itself over the window
        // (the sharer's quota: offer x T in any window of T) stops the moves. Not what the quota
        // sustains: the kernel's bucket lends a second of rate, so a window of T = 1 s passes up
        // to twice the sustained rate, and a stop there flapped once a second in the benchmark
        if (dn.viaSharerKbps() >= dn.offerKbps() || up.viaSharerKbps() >= up.offerKbps()) {
            return new Decision(0, was, "at the offer's limit: " + dn.viaSharerKbps() + "/" + dn.offerKbps()
                    + " kbit/s down, " + up.viaSharerKbps() + "/" + up.offerKbps() + " kbit/s up through the sharer over "
                    + "its window");
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
        if (learned >= 0 && was.pathKbps() > 0 && (path * 4 < was.pathKbps() * 3 || path * 3 > was.pathKbps() * 4)) {
            // what was learned was for another path: the sharer's offer grew or fell by more than a
            // third (its offer rises in steps after an agreement: a split learned from the first
            // step's 1.6 Mbit/s kept 7 % of the sessions on the whole 5 Mbit/s in the benchmark)
            was = Learned.NONE;
            learned = -1;
        }
        if (learned < 0) {
            // an own capacity not configured (and not yet learned): no proportion to go by, so half
            int start = start(d, path);
            return new Decision(start, new Learned(start, was.ceiling(), false, path), head + String.format(Locale.ROOT,
                    "%d of 1000 new sessions to the sharer, from the capacities (offer %d, its quota sustains %d, own %d "
                            + "kbit/s)", start, d.offerKbps(), path, d.ownCapacityKbps()));
        }
        if (d.ownCapacityKbps() <= 0 || d.ownRecentKbps() < 0) {
            return new Decision(learned, was, head + learned + " of 1000 new sessions to the sharer (own capacity "
                    + "or recent rate unknown: the split holds)");
        }
        long ownPct = d.ownRecentKbps() * 100 / d.ownCapacityKbps();
        long pathPct = path <= 0 ? 100 : d.viaSharerRecentKbps() * 100 / path;
        String state = String.format(Locale.ROOT, "recently own %d %% of %d, through the sharer %d %% of the %d kbit/s "
                + "its quota sustains", ownPct, d.ownCapacityKbps(), pathPct, path);
        if (in.newSessions() == 0) {
            // the split acts on new sessions only: without any, nothing it could have changed shows
            // (a line full of sessions that may not move taught a split to grow to 98 % in the
            // benchmark, which the next load then met)
            return new Decision(learned, new Learned(learned, was.ceiling(), false, was.pathKbps()), head + learned
                    + " of 1000 new sessions to the sharer (no new session to learn from; " + state + ")");
        }
        boolean homeFull = ownPct >= FULL_PERCENT;
        boolean pathFull = pathPct >= FULL_PERCENT;
        // a home session's rate tells what the own line gives only when it is more than a sliver
        // of that line: a call or a stream at its own rate (the benchmark's trickles at 80 kbit/s)
        // asks for little, and a line of them only seems slow. Not so for the moved sessions:
        // they are the ones whose rate must brake the growth when it is small
        long v = d.sessionViaSharerKbps();
        long w = informative(d.sessionHomeKbps(), d.ownCapacityKbps());
        boolean compared = v >= 0 && w >= 0;
        // 10 % either way is the same: two readings a second apart are not more exact than that
        boolean faster = compared && v * 10 > w * 11;
        boolean slower = compared && v * 10 < w * 9;
        boolean underHalf = compared && v * 2 < w;
        int step = Math.max(STEP_PER_MILLE, learned / 4);
        int ceiling = Math.min(1000, was.ceiling() + CEILING_RISE_PER_MILLE);
        // growing costs more when wrong than shrinking: a session moved too many holds its
        // connection on a slow path for its life, so an eighth up, a quarter down
        int grown = Math.max(learned, Math.min(Math.min(1000, learned + Math.max(STEP_PER_MILLE, learned / 8)),
                ceiling - STEP_PER_MILLE));
        int shrunk = Math.max(MIN_PER_MILLE, learned - step);
        int next;
        String how;
        if (homeFull && !pathFull) {
            // a new session on a full own line only takes from the others there (its marginal
            // worth at home is nothing); through the sharer it adds what one gets there. Unless
            // that is under half of what one gets at home: each one moved adds little, and in a
            // LAN's pool of connections a session on a slow path holds its connection from the
            // own line for longer, so one too many empties it
            boolean muchSlower = compared && v * 2 < w;
            if (muchSlower) {
                next = learned;
                how = "own line full, the sharer's path has room, but a session gets under half there";
            } else {
                // never under the capacities' ratio while the own line is full: the point of equal
                // rates when every session gets its fair share of its path
                next = Math.max(grown, Math.min(start(d, path), ceiling - STEP_PER_MILLE));
                how = "own line full, the sharer's path has room" + (next > learned ? ""
                        : ", under the split that emptied the own line last");
            }
        } else if (pathFull && !homeFull && (ownPct < ROOM_PERCENT || !faster)) {
            if (emptied(was, ownPct, d)) {
                ceiling = learned;
            }
            next = shrunk;
            how = "the sharer's path full, the own line " + (ownPct < ROOM_PERCENT ? "with room" : "not");
        } else if (homeFull) {
            // both full: each new session takes from the others wherever it goes. Fewer while a
            // session gets less through the sharer; never more: a full path's sessions may be
            // living on its quota's bucket (a second of rate), and once it is spent each gets
            // less (the benchmark grew the split to 980 on sessions at 2 Mbit/s through a path at
            // 113 % of what its quota sustains, then they fell to 0.6 and the own line emptied)
            // and fewer only while a session gets under half through the sharer: with both lines full
            // the LAN gets all it can, and a path that queues (the sharer's tunnel queues at its
            // quota's rate) gives its sessions less without being worse (shrinking at 10 % less
            // emptied the path in the benchmark: 1.7 of 4.5 Mbit/s through it)
            next = underHalf ? shrunk : learned;
            how = "both full, a session gets " + (underHalf ? "under half as much through the sharer" : slower
                    ? "less through the sharer, not under half" : faster ? "more through the sharer, whose path is full"
                    : "about as much either way");
        } else if (emptied(was, ownPct, d)) {
            ceiling = learned; // this split's growth emptied the own line: not again soon
            next = shrunk;
            how = "own line has room since the split grew";
        } else if (!homeFull && !pathFull && (faster || slower)) {
            // neither full: the sessions are limited by something else than the lines (each one
            // is slow: delay, loss; the benchmark's impaired own line carried sessions at 0.6
            // Mbit/s beside 3.4 through the sharer), so a new one gets what the sessions of its
            // path get
            next = faster ? grown : shrunk;
            how = "neither full, a session gets more " + (faster ? "through the sharer" : "at home");
        } else {
            // a light load, or no session to compare: a path's room says nothing of what one more
            // session would get there (it may have room because its sessions are slow)
            next = learned;
            how = homeFull ? "both full, a session gets about as much either way" : pathFull
                    ? "the sharer's path full, a session gets more there than at home" : "neither full";
        }
        String sessions = compared ? String.format(Locale.ROOT, "; a session %d kbit/s through the sharer, %d at home", v, w)
                : "";
        return new Decision(next, new Learned(next, ceiling, next > learned, path), head + String.format(Locale.ROOT,
                "%d of 1000 new sessions to the sharer (was %d: %s; %s%s)", next, learned, how, state, sessions));
    }

    /**
     * The split's last growth left an own line that was full over the window under
     * {@value #ROOM_PERCENT} % now: it moved too many (the split becomes a ceiling).
     */
    private static boolean emptied(Learned was, long ownPct, Direction d) {
        return was.rose() && ownPct < ROOM_PERCENT && d.ownKbps() * 100 >= d.ownCapacityKbps() * FULL_PERCENT;
    }

    /** A session's rate, or -1 when unknown or under 2 % of its line's {@code capacityKbps}. */
    private static long informative(long kbps, long capacityKbps) {
        return kbps >= 0 && kbps * 50 >= capacityKbps ? kbps : -1;
    }

    /** The split to start from: {@code path / (path + own capacity)}, half while the own capacity is unknown. */
    private static int start(Direction d, long path) {
        long own = d.ownCapacityKbps();
        return own <= 0 ? 500 : (int) Math.max(MIN_PER_MILLE, Math.min(1000, path * 1000 / (path + own)));
    }

    /** Load as a share of capacity; an unknown capacity (0) counts as busy when anything flows. */
    private static double load(long kbps, long capacityKbps) {
        if (capacityKbps <= 0) {
            return kbps > 0 ? 1 : 0;
        }
        return (double) kbps / capacityKbps;
    }
}
