package net.coopwan.daemon.coop.commonisp;

import java.util.List;

/**
 * The comparison of two routes to the same target ([0179]; notes section 8, method 1), pure and
 * symmetric, so both routers, each comparing its own route with the other's, find the same
 * figures (the owners see one metric).
 *
 * <p><b>Common suffix.</b> The hops shared from the target backwards. Position {@code i} from the
 * end matches when both hops answered with the same address; a {@code *} (no answer) on either
 * side does not break the suffix but cannot extend it: the suffix ends at the last position,
 * counted from the target, where both routes named the same address and no position before it had
 * two different addresses. Why: routers that do not answer ICMP are common in an ISP's core, and a
 * silent router between two shared ones is as shared as they are; yet a {@code *} alone proves
 * nothing, so a suffix never ends on one.
 *
 * <p><b>Verdict</b> (the notes' RESOLVE): SAME iff {@code commonSuffix >= length - 2} on both
 * routes and at least the target is shared; DIFFERENT otherwise; UNKNOWN when either route is
 * empty or did not reach the target, or the two ends are different addresses (the routers traced
 * different targets). <b>Ratio</b>: {@code commonSuffix / max(length)}, 1 for identical routes,
 * the continuous metric the notes ask to export (the seed's "length of the common part").
 *
 * @param verdict      SAME, DIFFERENT or UNKNOWN
 * @param commonSuffix hops shared from the target backwards (0 when UNKNOWN)
 * @param ratio        commonSuffix / the longer route's length, 0..1 (0 when UNKNOWN)
 * @param ownLength    hops of the first route
 * @param peerLength   hops of the second route
 */
public record RouteComparison(IspVerdict verdict, int commonSuffix, double ratio, int ownLength, int peerLength) {

    /** Routes may differ in this many first hops and still be one ISP ([0179]: "one or two hops"). */
    public static final int DIFFERING_HOPS = 2;

    public static final RouteComparison NONE = new RouteComparison(IspVerdict.UNKNOWN, 0, 0, 0, 0);

    public static RouteComparison compare(Route own, Route peer) {
        int a = own.length();
        int b = peer.length();
        if (!own.reached() || !peer.reached() || a == 0 || b == 0) {
            return new RouteComparison(IspVerdict.UNKNOWN, 0, 0, a, b);
        }
        int suffix = commonSuffix(own.hops(), peer.hops());
        if (suffix == 0) {
            // both reached their target, and the targets differ
            return new RouteComparison(IspVerdict.UNKNOWN, 0, 0, a, b);
        }
        boolean same = suffix >= a - DIFFERING_HOPS && suffix >= b - DIFFERING_HOPS;
        return new RouteComparison(same ? IspVerdict.SAME : IspVerdict.DIFFERENT, suffix, (double) suffix / Math.max(a, b), a, b);
    }

    /** The common suffix as the class comment defines it. */
    static int commonSuffix(List<Hop> x, List<Hop> y) {
        int n = Math.min(x.size(), y.size());
        int suffix = 0;
        for (int i = 1; i <= n; i++) {
            Hop p = x.get(x.size() - i);
            Hop q = y.get(y.size() - i);
            if (p.known() && q.known()) {
                if (p.address() != q.address()) {
                    break;
                }
                suffix = i;
            }
        }
        return suffix;
    }
}
