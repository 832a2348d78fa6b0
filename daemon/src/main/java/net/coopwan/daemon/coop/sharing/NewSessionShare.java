package net.coopwan.daemon.coop.sharing;

import java.util.Locale;

/**
 * The borrower's decision of how many of its eligible new sessions go to the sharer (seed 001
 * [0145]: "some or all new sessions", and no new one once "the limit is reached"), as per mille of
 * the new sessions the kernel picks at random. Pure: what it learned comes in with the inputs and
 * goes out with the decision; recomputed at each sample (every 0.1-0.25 s). docs/PROTOCOL.md
 * 3.13, "Which new sessions move".
 *
 * <ul>
 * <li>Nothing while the offer is none or expired, or nothing in either direction: every TCP
 *     session uses both (an upload's acknowledgements come down), so a sharer whose own users
 *     need its download gets no new session because its upload is idle.</li>
 * <li>Nothing while the own uplink has room: under {@code busyPercent} of its capacity in both
 *     directions a neighbour's line adds nothing a user would notice and costs its owner's quota.</li>
 * <li>Nothing new once what went through the sharer over the last window reaches the offer (its
 *     quota: offer x T in any window of T) in either direction; sessions already there keep their
 *     path.</li>
 * <li>Otherwise, in the direction where the own line is busier: at first in proportion to the
 *     capacities, as the seed's splitter does ([0094]), {@code path / (path + own capacity)}, half
 *     while the own capacity is unknown, where the path is what the sharer's quota sustains
 *     ({@link LendingSession#sustainedKbps}), not the offer. Then from the sessions on each path
 *     ({@link SessionGoodput}): how many each holds in effect (those just placed included), what
 *     one gets there, and what one can get there at most ({@link #limit}). The pool (as many
 *     sessions as both hold) is placed one session after the other where it adds the most to what
 *     the paths carry (nothing on a full path), and where both add the same, where its fair share
 *     is larger; new sessions go in the proportion the paths then carry, and the next second's
 *     make up half the difference between what a path holds and what belongs there. A LAN's pool
 *     of connections is a closed loop: a session on the slower path holds its connection there for
 *     longer, so a split that follows the rates (as the one before this did) sends sessions until
 *     their rate falls, by then too many are there and the own line idles; counting the sessions
 *     placed stops the moves in the same second a pile forms. Never under {@value #MIN_PER_MILLE}
 *     per mille, so the path keeps carrying a few sessions that show what it gives. What was
 *     decided holds for the path it was decided for: an offer whose sustained rate grew or fell by
 *     more than a third starts again from the capacities' ratio (a sharer's offer rises in steps
 *     after an agreement).</li>
 * </ul>
 */
public final class NewSessionShare {

    /** The least split, per mille: a few sessions keep showing what the path gives. */
    static final int MIN_PER_MILLE = 10;
    /** Under this many sessions on both paths together, the split is the capacities' ratio. */
    static final int MIN_POOL = 4;
    /** At or above this share of its capacity a path is full: its sessions get their share, not their limit. */
    static final int FULL_PERCENT = 75;
    /** How fast a limit seen on a path is forgotten without a session there to show it, per cent a sample (0.1-0.25 s). */
    static final int LIMIT_AGEING_PERCENT = 10;

    /**
     * The split in force (-1: none yet), the path it was decided for (what the sharer's quota
     * sustains, kbit/s), what one session can get at most through the sharer and at home, as last
     * seen ({@link #limit}; {@link Long#MAX_VALUE}: no limit seen), and the eligible new sessions a
     * second lately (-1: none counted yet). The limits are kept while
     * a path has no active session: a path that emptied because its sessions are slow must not look
     * fast again for that (found by {@code ClosedLoopShareTest}: the split swung back to the slow
     * path every ten seconds).
     */
    public record Learned(int perMille, long pathKbps, long viaLimitKbps, long homeLimitKbps, double arrivals) {
        public static final Learned NONE = new Learned(-1, 0);

        Learned(int perMille, long pathKbps) {
            this(perMille, pathKbps, Long.MAX_VALUE, Long.MAX_VALUE, -1);
        }
    }

    /**
     * One direction, rates in kbit/s: averages over the sharer's window (the quota's) and over its
     * recent part (the estimate's short span, at least a second), and the sessions that could move
     * on each path recently ({@link SessionGoodput}).
     *
     * @param offerKbps            the sharer's offer
     * @param ownCapacityKbps      the own line's capacity, 0 when unknown
     * @param ownKbps              the own line's rate over the window
     * @param ownRecentKbps        the own line's rate recently, -1 when unknown
     * @param viaSharerKbps        through the sharer over the window
     * @param viaSharerRecentKbps  through the sharer recently
     * @param sessionViaSharerKbps what one active moved session got recently (byte-weighted mean), -1 when unknown
     * @param sessionHomeKbps      what one active session that could have moved but stayed home got, -1 when unknown
     * @param sessionsViaSharer    the moved transfers the path holds in effect ({@link SessionGoodput.PerSession#sessions}), -1 unknown
     * @param sessionsHome         the same of those that stayed home, -1 unknown
     * @param viaSessionsKbps      what the moved transfers carried in all (the rest of the path is lighter sessions)
     * @param homeSessionsKbps     what the transfers that stayed home carried in all (the rest of the own line may
     *                             not move, or is lighter sessions)
     */
    public record Direction(long offerKbps, long ownCapacityKbps, long ownKbps, long ownRecentKbps, long viaSharerKbps,
                            long viaSharerRecentKbps, long sessionViaSharerKbps, long sessionHomeKbps,
                            double sessionsViaSharer, double sessionsHome, long viaSessionsKbps, long homeSessionsKbps) {

        /** Without the sessions (unknown). */
        public Direction(long offerKbps, long ownCapacityKbps, long ownKbps, long ownRecentKbps, long viaSharerKbps,
                         long viaSharerRecentKbps) {
            this(offerKbps, ownCapacityKbps, ownKbps, ownRecentKbps, viaSharerKbps, viaSharerRecentKbps, -1, -1, -1, -1, 0,
                    0);
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
            return new Decision(start, new Learned(start, path), head + String.format(Locale.ROOT,
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
        if (d.sessionsViaSharer() < 0 || d.sessionsHome() < 0) {
            return new Decision(learned, was, head + learned + " of 1000 new sessions to the sharer (the sessions "
                    + "unknown: the split holds; " + state + ")");
        }
        // each path as the next sessions would find it: what it has for the sessions that may
        // move (the own line less what may not move), how many it holds, and what a session can get
        // there at most when the path is not full (delay, loss; unknown while full or empty)
        long viaLimit = limit(was.viaLimitKbps(), d.sessionViaSharerKbps(), d.viaSharerRecentKbps(), path);
        long homeLimit = limit(was.homeLimitKbps(), d.sessionHomeKbps(), d.ownRecentKbps(), d.ownCapacityKbps());
        Path via = new Path(room(path, d.viaSharerRecentKbps() - d.viaSessionsKbps()), d.sessionsViaSharer(), viaLimit);
        // at home, what the transfers do not carry (a download that may not move, calls, trickles)
        // is one more flow that a new session shares the line with, when it is more than a sliver:
        // one download's TCP yields to new sessions as they do to it (taken as a rate that stays,
        // the benchmark's load on a port that may not move made the own line look full, and the
        // next load's first sixteen sessions all went to the sharer's 4.5 Mbit/s); a stream that
        // does not yield is then seen as leaving more room than it does, which keeps sessions home
        long others = Math.max(0, d.ownRecentKbps() - d.homeSessionsKbps());
        boolean otherFlow = others >= transferKbps(d.ownCapacityKbps());
        Path home = new Path(otherFlow ? d.ownCapacityKbps() : room(d.ownCapacityKbps(), others),
                d.sessionsHome() + (otherFlow ? 1 : 0), homeLimit);
        // where the sessions should be: the pool (as many as both paths hold now), one after the
        // other where each adds the most (Path.better: a slow path gets the sessions it adds with,
        // and where both are full they spread as the capacities are)
        long pool = Math.round(via.sessions() + home.sessions());
        if (pool < MIN_POOL) {
            // next to nothing to place: the next sessions are a burst of unknown size (a page, a
            // download manager's connections opened together), and a split placed for one session
            // sends the whole burst home (an idle LAN made it 10 per mille in the benchmark, and the
            // eight long sessions of the next load all stayed home for their lives): the
            // capacities' ratio, as at the start
            int start = start(d, path);
            return new Decision(start, new Learned(start, path, viaLimit, homeLimit, was.arrivals()), head
                    + String.format(Locale.ROOT, "%d of 1000 new sessions to the sharer, from the capacities (%.1f "
                            + "sessions through the sharer, %.1f at home; %s)", start, via.sessions(), home.sessions(),
                            state));
        }
        int viaTarget = 0;
        for (long k = 0; k < pool; k++) {
            if (via.better(viaTarget, home, k - viaTarget)) {
                viaTarget++;
            }
        }
        // in steady state a path gets the share of the new sessions that it carries of the bytes
        // (sessions of one size end as fast as their path serves them); off it, the next second's
        // new sessions (as many as the last one's) make up half the difference: the sessions
        // placed count at once, before their rate shows (a split that follows the rates sends
        // sessions to a path until its rate falls, and by then too many are there: the LAN's
        // connections pile up on it and the other path idles)
        double viaRate = (double) viaTarget * via.rate(viaTarget);
        double homeRate = (double) (pool - viaTarget) * home.rate(pool - viaTarget);
        double steady = viaRate + homeRate <= 0 ? 0 : viaRate / (viaRate + homeRate);
        // (recomputed even when none came in the last second: one that comes now must not get a
        // split decided before a pile formed; the benchmark's pool, stuck on the sharer's slow
        // path, started no session for seconds, and the next ones got the stale 833 per mille)
        // (as many as came per sample lately: half the last sample's, half the earlier average; one
        // sample alone swings between none and a burst)
        double arrivals = was.arrivals() < 0 ? Math.max(0, in.newSessions())
                : (was.arrivals() + Math.max(0, in.newSessions())) / 2;
        // (and at least a quarter of the pool: a burst of that size may come next, and a correction
        // for one session too many, applied to the next one alone, sent the next burst home: the
        // split swung between 473 and 10 per mille as the count flickered between 4 and 5 on an
        // idle LAN, and the benchmark's next load of 24 sessions met 10. The closed-loop model's
        // figures are the same with it; a half of the pool made them worse)
        double coming = Math.max(Math.max(1, arrivals), pool / 4.0);
        double makeUp = (viaTarget - via.sessions()) / 2 / coming;
        // at most half way from the steady share to all: new sessions come in bursts (a page's
        // connections), and a burst at 1000 per mille piled twelve sessions on the sharer's path
        // within a quarter of a second in the benchmark; fewer is never capped (a pile stops at once)
        double ceiling = steady + (1 - steady) / 2;
        int next = (int) Math.max(MIN_PER_MILLE, Math.round(Math.min(ceiling, steady + makeUp) * 1000));
        return new Decision(next, new Learned(next, path, viaLimit, homeLimit, arrivals), head + String.format(Locale.ROOT,
                "%d of 1000 new sessions to the sharer (was %d: of %d sessions %d belong there, it holds %.1f; "
                        + "a next one would get %d kbit/s there, %d at home (%.1f); %s)",
                next, learned, pool, viaTarget, via.sessions(), via.next(via.sessions()), home.next(home.sessions()),
                home.sessions(), state));
    }

    /**
     * A path for the sessions that may move: its capacity for them, the sessions it holds in effect,
     * and what one can get there at most ({@link Long#MAX_VALUE}: as much as its share).
     */
    record Path(long capacityKbps, double sessions, long limitKbps) {
        /** What one more session would get with {@code n} there: its fair share, at most the limit. */
        long next(double n) {
            return rate(Math.max(0, n) + 1);
        }

        /**
         * Whether one more session adds more here (with {@code n} here) than on {@code other}
         * (with {@code m} there): what it adds to what the path carries first (a session on a
         * full path only takes from the others there), then, where it adds the same (both full),
         * what it gets (its fair share: the sessions spread as the capacities are).
         */
        boolean better(long n, Path other, long m) {
            long adds = carries(n + 1) - carries(n);
            long addsThere = other.carries(m + 1) - other.carries(m);
            return adds != addsThere ? adds > addsThere : next(n) > other.next(m);
        }

        /** What {@code n} sessions carry there together. */
        long carries(long n) {
            return n <= 0 ? 0 : limitKbps == Long.MAX_VALUE ? capacityKbps : Math.min(capacityKbps, n * limitKbps);
        }

        /** What each of {@code n} sessions gets there. */
        long rate(double n) {
            return n <= 0 ? 0 : Math.min(limitKbps, Math.round(capacityKbps / n));
        }
    }

    /**
     * What one session can get on a path at most, from what was known and what its active sessions
     * got now ({@code perSessionKbps}, their byte-weighted mean). While the path is not full they
     * are limited by something else (delay, loss, a slow start on a long path): half way from what
     * was known to that rate (one second's sessions are few, and one that ends within it shows a
     * fraction of its rate). While it is full (they get their share: the limit, if any, does not
     * show), without an active session, or when they get under 2 % of the path (calls, streams and
     * trickles at their own rates ask for little, which says nothing of what a transfer would get:
     * the benchmark's home trickles at 80 kbit/s made a 10 Mbit/s line look slow), what was known
     * grows by {@value #LIMIT_AGEING_PERCENT} % a sample (at least to what they get), and is
     * forgotten past the path's capacity: a limit seen once must not keep a path empty for good
     * once its sessions are gone, nor keep a full line looking unsaturated (a limit learned at what
     * was then the sessions' share did that in {@code ClosedLoopShareTest}: the sharer's path idled).
     */
    static long limit(long knownKbps, long perSessionKbps, long loadKbps, long capacityKbps) {
        boolean known = knownKbps != Long.MAX_VALUE;
        boolean tells = informative(perSessionKbps, capacityKbps) >= 0;
        if (tells && loadKbps * 100 < capacityKbps * FULL_PERCENT) {
            return known ? (knownKbps + perSessionKbps + 1) / 2 : perSessionKbps;
        }
        if (!known) {
            return knownKbps;
        }
        long aged = Math.max(tells ? perSessionKbps : 0, knownKbps + Math.max(1, knownKbps * LIMIT_AGEING_PERCENT / 100));
        return aged > capacityKbps ? Long.MAX_VALUE : aged;
    }

    /** What a path has for the transfers: its capacity less what other traffic takes, at least a fiftieth of it. */
    private static long room(long capacityKbps, long othersKbps) {
        return Math.max(capacityKbps / 50, capacityKbps - Math.max(0, othersKbps));
    }

    /** A session's rate, or -1 when unknown or under a transfer's on its line ({@link #transferKbps}). */
    private static long informative(long kbps, long capacityKbps) {
        return kbps >= 0 && kbps >= transferKbps(capacityKbps) ? kbps : -1;
    }

    /**
     * The least a transfer carries on a path of {@code capacityKbps}: 2 % of it. Lighter sessions
     * (calls, streams, trickles) ask for their own rate, not for a share of the path; the readings
     * count only transfers as a path's sessions ({@link SessionGoodput}), and only a transfer's
     * rate says what a path gives one ({@link #limit}).
     */
    static long transferKbps(long capacityKbps) {
        return (Math.max(0, capacityKbps) + 49) / 50;
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
