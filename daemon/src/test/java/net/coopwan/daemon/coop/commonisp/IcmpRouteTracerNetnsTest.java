package net.coopwan.daemon.coop.commonisp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real trace in namespaces made here, addresses of 198.18.0.0/15 only. Three households
 * trace the same target (198.19.0.1 on t):
 *
 * <pre>
 *   a --ciup-- a1 -- a2 --\
 *   |(neighbour link,      x -- t (target 198.19.0.1)
 *   |  a's main default)  /     |
 *   b --ciup-- b1 -- b2 --      |
 *   c --ciup-- c1 -- c2 --------/
 * </pre>
 *
 * a's and b's routes join at x after two hops of their own (SAME); c's meets them only at the
 * target (DIFFERENT). x answers from one address whichever side a probe came from (its routes back
 * carry {@code src 198.18.250.1}), as a router whose ICMP source is its loopback does; with the
 * incoming interface's address the two households would see two different addresses for it. a's
 * main default route goes to its neighbour b: the trace, bound to a's uplink and its address
 * (source rule to its own table, as steer does), must still leave through a1.
 */
class IcmpRouteTracerNetnsTest {

    static final String TARGET = "198.19.0.1";
    static final String X = "198.18.250.1";
    private CiLab lab;
    private String a;
    private String b;
    private String c;
    private String a2;

    @BeforeEach
    void build() {
        assumeTrue(CiLab.available(), "needs root, ip netns and libc through jnr");
        lab = new CiLab();
        a = lab.router();
        String a1 = lab.router();
        a2 = lab.router();
        String x = lab.router();
        String t = lab.router();
        b = lab.router();
        String b1 = lab.router();
        String b2 = lab.router();
        c = lab.router();
        String c1 = lab.router();
        String c2 = lab.router();

        lab.link(a, "ciup", "198.18.1.2", a1, "cidown", "198.18.1.1");
        lab.link(a1, "ciup", "198.18.2.1", a2, "cidown", "198.18.2.2");
        lab.link(a2, "ciup", "198.18.3.1", x, "cia", "198.18.3.2");
        lab.link(b, "ciup", "198.18.11.2", b1, "cidown", "198.18.11.1");
        lab.link(b1, "ciup", "198.18.12.1", b2, "cidown", "198.18.12.2");
        lab.link(b2, "ciup", "198.18.13.1", x, "cib", "198.18.13.2");
        lab.link(x, "ciup", "198.18.20.1", t, "cix", "198.18.20.2");
        lab.link(c, "ciup", "198.18.31.2", c1, "cidown", "198.18.31.1");
        lab.link(c1, "ciup", "198.18.32.1", c2, "cidown", "198.18.32.2");
        lab.link(c2, "ciup", "198.18.33.1", t, "cic", "198.18.33.2");
        lab.link(a, "cinb", "198.18.40.1", b, "cinb", "198.18.40.2");

        // a: main default through the neighbour; its uplink's own table by source, as steer's source rule
        lab.sh(a, "ip", "route", "add", "default", "via", "198.18.40.2");
        lab.sh(a, "ip", "route", "add", "default", "via", "198.18.1.1", "dev", "ciup", "table", "100");
        lab.sh(a, "ip", "rule", "add", "from", "198.18.1.2", "table", "100");
        lab.sh(a1, "ip", "route", "add", "default", "via", "198.18.2.2");
        lab.sh(a2, "ip", "route", "add", "default", "via", "198.18.3.2");
        lab.sh(a2, "ip", "route", "add", "198.18.1.0/24", "via", "198.18.2.1");
        lab.sh(b, "ip", "route", "add", "default", "via", "198.18.11.1");
        lab.sh(b1, "ip", "route", "add", "default", "via", "198.18.12.2");
        lab.sh(b2, "ip", "route", "add", "default", "via", "198.18.13.2");
        lab.sh(b2, "ip", "route", "add", "198.18.11.0/24", "via", "198.18.12.1");
        lab.sh(x, "ip", "addr", "add", X + "/32", "dev", "lo");
        lab.sh(x, "ip", "route", "add", "default", "via", "198.18.20.2");
        for (String net : new String[] {"198.18.1.0/24", "198.18.2.0/24"}) {
            lab.sh(x, "ip", "route", "add", net, "via", "198.18.3.1", "src", X);
        }
        for (String net : new String[] {"198.18.11.0/24", "198.18.12.0/24"}) {
            lab.sh(x, "ip", "route", "add", net, "via", "198.18.13.1", "src", X);
        }
        lab.sh(t, "ip", "addr", "add", TARGET + "/32", "dev", "lo");
        lab.sh(t, "ip", "route", "add", "198.18.0.0/16", "via", "198.18.20.1");
        lab.sh(t, "ip", "route", "add", "198.18.31.0/24", "via", "198.18.33.1");
        lab.sh(t, "ip", "route", "add", "198.18.32.0/24", "via", "198.18.33.1");
        lab.sh(c, "ip", "route", "add", "default", "via", "198.18.31.1");
        lab.sh(c1, "ip", "route", "add", "default", "via", "198.18.32.2");
        lab.sh(c2, "ip", "route", "add", "default", "via", "198.18.33.2");
        lab.sh(c2, "ip", "route", "add", "198.18.31.0/24", "via", "198.18.32.1");
    }

    @AfterEach
    void removeAll() {
        if (lab != null) {
            lab.close();
        }
    }

    private Route trace(String ns, String source) throws Exception {
        Inet4Address src = (Inet4Address) InetAddress.getByName(source);
        Inet4Address target = (Inet4Address) InetAddress.getByName(TARGET);
        IcmpRouteTracer tracer = new IcmpRouteTracer("ciup", src, new IcmpRouteTracer.Limits(8, 2, 500), Clock.systemUTC());
        return lab.call(ns, () -> tracer.trace(target));
    }

    @Test
    void householdsJoiningAfterTwoHopsAreTheSameIspAndADisjointOneIsNot() throws Exception {
        long t0 = System.nanoTime();
        Route ra = trace(a, "198.18.1.2");
        long traceMs = (System.nanoTime() - t0) / 1_000_000;
        Route rb = trace(b, "198.18.11.2");
        Route rc = trace(c, "198.18.31.2");
        System.out.println("a " + ra + " (" + traceMs + " ms), b " + rb + ", c " + rc);

        assertEquals(Route.of("198.18.1.1", "198.18.2.2", X, TARGET), ra, "out of a's uplink, not via the neighbour b");
        assertEquals(Route.of("198.18.11.1", "198.18.12.2", X, TARGET), rb);
        assertEquals(Route.of("198.18.31.1", "198.18.32.2", TARGET), rc);

        RouteComparison ab = RouteComparison.compare(ra, rb);
        assertEquals(IspVerdict.SAME, ab.verdict());
        assertEquals(2, ab.commonSuffix());
        assertEquals(IspVerdict.SAME, RouteComparison.compare(rb, ra).verdict());
        RouteComparison ac = RouteComparison.compare(ra, rc);
        assertEquals(IspVerdict.DIFFERENT, ac.verdict());
        assertEquals(1, ac.commonSuffix());
        // every hop answered at once: one round, far below the 2 x 500 ms bound
        assertTrue(traceMs < 1000, traceMs + " ms");
    }

    /** A service whose traces and RTT probes run on threads inside {@code ns}, tracing out of ciup. */
    private CommonIspService service(String ns, String source, String peer, java.util.List<String> log) throws Exception {
        IcmpRouteTracer tracer = new IcmpRouteTracer("ciup", (Inet4Address) InetAddress.getByName(source),
                new IcmpRouteTracer.Limits(8, 2, 500), Clock.systemUTC());
        java.util.concurrent.Executor inNs = r -> net.coopwan.daemon.testing.InNetns.start(ns, "ci-trace", r);
        return new CommonIspService(new CommonIspService.Settings(true, Hop.parse(TARGET).address(), 1_800_000), tracer,
                tracer, inNs, Clock.systemUTC(), () -> java.util.Set.of(peer), 1, log::add);
    }

    /** Two services over an in-memory channel until both have a verdict (bounded: 5 s). */
    private static void exchange(CommonIspService x, String xId, CommonIspService y, String yId) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        net.coopwan.daemon.coop.channel.SealedMessages.Sender[] toY = new net.coopwan.daemon.coop.channel.SealedMessages.Sender[1];
        net.coopwan.daemon.coop.channel.SealedMessages.Sender[] toX = new net.coopwan.daemon.coop.channel.SealedMessages.Sender[1];
        toY[0] = (p, b) -> {
            y.onMessage(xId, b, 0, toX[0]);
            return true;
        };
        toX[0] = (p, b) -> {
            x.onMessage(yId, b, 0, toY[0]);
            return true;
        };
        while (System.nanoTime() < end && (x.status().isEmpty() || x.status().get(0).verdict() == IspVerdict.UNKNOWN
                || y.status().isEmpty() || y.status().get(0).verdict() == IspVerdict.UNKNOWN)) {
            x.tick(0, toY[0]);
            y.tick(0, toX[0]);
            Thread.sleep(20);
        }
    }

    @Test
    void theServicesOfTwoHouseholdsReachTheSameVerdictFromRealTraces() throws Exception {
        java.util.List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        CommonIspService sa = service(a, "198.18.1.2", "b", log);
        CommonIspService sb = service(b, "198.18.11.2", "a", log);
        long t0 = System.nanoTime();
        exchange(sa, "a", sb, "b");
        long sameMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(IspVerdict.SAME, sa.verdict("b"));
        assertEquals(IspVerdict.SAME, sb.verdict("a"));
        assertEquals(sa.status().get(0).commonSuffix(), sb.status().get(0).commonSuffix());
        assertEquals(sa.status().get(0).ratio(), sb.status().get(0).ratio(), 0);

        CommonIspService sa2 = service(a, "198.18.1.2", "c", log);
        CommonIspService sc = service(c, "198.18.31.2", "a", log);
        exchange(sa2, "a", sc, "c");
        assertEquals(IspVerdict.DIFFERENT, sa2.verdict("c"));
        assertEquals(IspVerdict.DIFFERENT, sc.verdict("a"));
        System.out.println("services: a-b SAME after " + sameMs + " ms; " + log);
    }

    @Test
    void rttSampleOfTheTargetAndNoneOfAnAddressNobodyHas() throws Exception {
        IcmpRouteTracer tracer = new IcmpRouteTracer("ciup", (Inet4Address) InetAddress.getByName("198.18.1.2"),
                new IcmpRouteTracer.Limits(8, 2, 500), Clock.systemUTC());
        int rtt = lab.call(a, () -> tracer.rttMs((Inet4Address) InetAddress.getByName(TARGET)));
        // t answers: a figure, and on veth far below the 500 ms wait
        assertTrue(rtt >= 0 && rtt < 500, rtt + " ms");
        long t0 = System.nanoTime();
        // t has no route to 198.19.0.77 and answers "unreachable", which is no echo reply
        int none = lab.call(a, () -> tracer.rttMs((Inet4Address) InetAddress.getByName("198.19.0.77")));
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("rtt to the target " + rtt + " ms; to an address nobody has " + none + " after " + waitedMs + " ms");
        assertEquals(-1, none);
        assertTrue(waitedMs >= 500 && waitedMs < 1500, waitedMs + " ms");
    }

    @Test
    void aSilentHopIsAStarAndTheTraceStillEndsWithinItsBound() throws Exception {
        // a2 answers nothing: its own ICMP time exceeded is dropped on the way out
        lab.sh(a2, "nft", "add table ip cisilent; add chain ip cisilent out { type filter hook output priority 0; };"
                + " add rule ip cisilent out icmp type time-exceeded drop");
        long t0 = System.nanoTime();
        Route ra = trace(a, "198.18.1.2");
        long traceMs = (System.nanoTime() - t0) / 1_000_000;
        Route rb = trace(b, "198.18.11.2");
        System.out.println("a with a silent a2 " + ra + " (" + traceMs + " ms), b " + rb);

        assertEquals(new Route(java.util.List.of(Hop.parse("198.18.1.1"), Hop.UNKNOWN, Hop.parse(X), Hop.parse(TARGET)), true), ra);
        // the unanswered TTL was asked in both rounds, each waiting its 500 ms: bounded, never more
        assertTrue(traceMs >= 1000 && traceMs < 2000, traceMs + " ms");
        // the star does not break the common part x, target
        assertEquals(IspVerdict.SAME, RouteComparison.compare(ra, rb).verdict());
    }
}
