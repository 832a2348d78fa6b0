package net.coopwan.daemon.coop.commonisp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Notes section 8's TEST and RESOLVE lines, literally, then the unknown hops and a property test. */
class RouteComparisonTest {

    // the notes' hop names as addresses: a1, a2, b1, b2 the households' first hops; x, y, z shared
    static final String A1 = "198.18.1.1", A2 = "198.18.1.2", B1 = "198.18.2.1", B2 = "198.18.2.2";
    static final String X = "198.18.9.1", Y = "198.18.9.2", Z = "198.18.9.3";

    @Test
    void routesDifferingOnlyInTheirFirstTwoHopsAreTheSameIsp() {
        // TEST: hops A=[a1,a2,x,y,z] and B=[b1,b2,x,y,z] -> SAME
        RouteComparison c = RouteComparison.compare(Route.of(A1, A2, X, Y, Z), Route.of(B1, B2, X, Y, Z));
        assertEquals(IspVerdict.SAME, c.verdict());
        assertEquals(3, c.commonSuffix());
        assertEquals(3.0 / 5, c.ratio(), 1e-12);
        // the gating that follows from SAME: no copies via the neighbour, suppression requests still go
        assertFalse(c.verdict().allowsDuplication());
        assertTrue(c.verdict().allowsSuppressionRequests());
    }

    @Test
    void pathsDisjointBeforeTheDestinationAreDifferentIsps() {
        // TEST: paths disjoint before the destination -> DIFFERENT
        RouteComparison c = RouteComparison.compare(Route.of(A1, A2, X, Y, Z), Route.of(B1, B2, "198.18.3.1", "198.18.3.2", Z));
        assertEquals(IspVerdict.DIFFERENT, c.verdict());
        assertEquals(1, c.commonSuffix());
        assertEquals(1.0 / 5, c.ratio(), 1e-12);
        // duplication runs and suppression requests are not sent
        assertTrue(c.verdict().allowsDuplication());
        assertFalse(c.verdict().allowsSuppressionRequests());
    }

    @Test
    void threeDifferingHopsAreDifferentOnBothPaths() {
        // AMBIG resolved: SAME iff commonSuffix >= len - 2 on both paths
        assertEquals(IspVerdict.DIFFERENT, RouteComparison.compare(Route.of(A1, A2, "198.18.1.3", Y, Z),
                Route.of(B1, B2, "198.18.2.3", Y, Z)).verdict());
        // a short route that would pass on its own side does not make SAME: the longer one must pass too
        RouteComparison c = RouteComparison.compare(Route.of(B1, Y, Z), Route.of(A1, A2, "198.18.1.3", "198.18.1.4", Y, Z));
        assertEquals(2, c.commonSuffix());
        assertEquals(IspVerdict.DIFFERENT, c.verdict());
        // one differing hop, different lengths: SAME
        assertEquals(IspVerdict.SAME, RouteComparison.compare(Route.of(A1, A2, X, Y, Z), Route.of(B1, X, Y, Z)).verdict());
    }

    @Test
    void anUnknownHopBetweenSharedOnesDoesNotBreakTheSuffixButCannotEndIt() {
        RouteComparison c = RouteComparison.compare(Route.of(A1, A2, X, "*", Z), Route.of(B1, B2, X, Y, Z));
        assertEquals(3, c.commonSuffix());
        assertEquals(IspVerdict.SAME, c.verdict());
        // a * next to the households' own hops proves nothing: the suffix stops at the last shared address
        RouteComparison d = RouteComparison.compare(Route.of(A1, "*", "*", Y, Z), Route.of(B1, B2, X, Y, Z));
        assertEquals(2, d.commonSuffix());
        assertEquals(IspVerdict.DIFFERENT, d.verdict());
    }

    @Test
    void unknownWithoutTwoComparableRoutes() {
        Route a = Route.of(A1, A2, X, Y, Z);
        assertEquals(IspVerdict.UNKNOWN, RouteComparison.compare(a, Route.NONE).verdict());
        Route unfinished = new Route(List.of(Hop.parse(B1), Hop.parse(B2), Hop.parse(X), Hop.UNKNOWN), false);
        assertEquals(IspVerdict.UNKNOWN, RouteComparison.compare(a, unfinished).verdict());
        // both reached, but not the same target
        assertEquals(IspVerdict.UNKNOWN, RouteComparison.compare(a, Route.of(B1, B2, X, Y, "198.18.9.4")).verdict());
        // UNKNOWN gates nothing
        assertTrue(IspVerdict.UNKNOWN.allowsDuplication());
        assertTrue(IspVerdict.UNKNOWN.allowsSuppressionRequests());
    }

    /** Random routes: symmetric, bounded, blind to the households' first hops, and SAME exactly as the rule says. */
    @Test
    void propertiesOverRandomRoutes() {
        Random r = new Random(17);
        for (int run = 0; run < 20_000; run++) {
            Route a = random(r);
            Route b = r.nextInt(4) == 0 ? random(r) : sharingTail(r, a);
            RouteComparison ab = RouteComparison.compare(a, b);
            RouteComparison ba = RouteComparison.compare(b, a);
            assertEquals(ab.verdict(), ba.verdict(), a + " " + b);
            assertEquals(ab.commonSuffix(), ba.commonSuffix());
            assertEquals(ab.ratio(), ba.ratio(), 0);
            assertTrue(ab.commonSuffix() <= Math.min(a.length(), b.length()));
            assertTrue(ab.ratio() >= 0 && ab.ratio() <= 1);
            if (ab.verdict() == IspVerdict.SAME) {
                assertTrue(ab.commonSuffix() >= a.length() - 2 && ab.commonSuffix() >= b.length() - 2);
            }
            if (ab.verdict() == IspVerdict.DIFFERENT) {
                assertTrue(ab.commonSuffix() >= 1
                        && (ab.commonSuffix() < a.length() - 2 || ab.commonSuffix() < b.length() - 2));
            }
            // the hops before the common part never matter
            if (ab.verdict() != IspVerdict.UNKNOWN && a.length() > ab.commonSuffix()) {
                List<Hop> h = new ArrayList<>(a.hops());
                h.set(0, Hop.of(0x0a000000 | r.nextInt(1 << 20)));
                assertEquals(ab, RouteComparison.compare(new Route(h, true), b));
            }
            // a route compared with itself shares every hop from its first answered one on
            if (a.reached()) {
                int firstKnown = 0;
                while (!a.hops().get(firstKnown).known()) {
                    firstKnown++;
                }
                RouteComparison self = RouteComparison.compare(a, a);
                assertEquals(a.length() - firstKnown, self.commonSuffix());
                assertEquals(firstKnown <= 2 ? IspVerdict.SAME : IspVerdict.DIFFERENT, self.verdict());
            }
        }
    }

    static Route random(Random r) {
        int n = 1 + r.nextInt(Route.MAX_HOPS);
        List<Hop> h = new ArrayList<>();
        for (int i = 0; i < n - 1; i++) {
            h.add(r.nextInt(6) == 0 ? Hop.UNKNOWN : Hop.of(0xc6120000 | r.nextInt(64)));
        }
        h.add(Hop.of(0xc6130001));
        return new Route(h, r.nextInt(10) != 0);
    }

    static Route sharingTail(Random r, Route a) {
        int keep = r.nextInt(a.length() + 1);
        List<Hop> h = new ArrayList<>();
        int own = r.nextInt(4);
        for (int i = 0; i < own && h.size() + keep < Route.MAX_HOPS; i++) {
            h.add(r.nextInt(6) == 0 ? Hop.UNKNOWN : Hop.of(0xc6120000 | 64 | r.nextInt(64)));
        }
        h.addAll(a.hops().subList(a.length() - keep, a.length()));
        if (h.isEmpty() || !h.get(h.size() - 1).known()) {
            h.add(Hop.of(0xc6130001));
        }
        return new Route(h, true);
    }
}
