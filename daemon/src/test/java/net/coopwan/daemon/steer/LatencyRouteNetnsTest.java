package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import net.coopwan.config.Latency;
import net.coopwan.daemon.coop.latency.LatencyPolicy;

/**
 * {@link LatencyRouteRules} with {@link LatencyRules} against a real kernel: lan (100.64.72.2) --
 * r -- srv (198.18.73.2) over r's uplink {@code lwu0}, and r's stand-in for the bond's TUN,
 * {@code lwb0} (a veth to srv: what leaves through it is counted, srv drops it). Where each
 * datagram leaves r is counted by r's own forward counters per device and port. Own prefix
 * {@code lw}; namespaces removed on close, also on failure.
 */
class LatencyRouteNetnsTest {
    static final String PREFIX = "lw";
    private static final String SRV = "198.18.73.2";
    private static final int[] PORTS = {5000, 6000, 7777};
    /** Sends COUNT datagrams from SPORT to SRV:DPORT; a new socket each run, the same 5-tuple. */
    private static final String SEND = String.join("\n",
            "import socket, sys",
            "dst, sport, dport, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.bind(('0.0.0.0', sport))",
            "for i in range(count):",
            "    s.sendto(b'x' * 92, (dst, dport))");
    private static final Pattern COUNTER = Pattern.compile("oifname \"(lw[ub]0)\" udp dport ([0-9]+) counter packets ([0-9]+)");

    @BeforeAll
    static void needsRoot() {
        assumeTrue(Netns.available(), "needs root and ip netns");
    }

    private record Lab(Netns lan, Netns r, Netns srv) implements AutoCloseable {
        static Lab create() {
            List<Netns> made = new ArrayList<>();
            try {
                Netns lan = add(made);
                Netns r = add(made);
                Netns srv = add(made);
                lan.veth("lw0", r, "lwl0");
                r.veth("lwu0", srv, "lwu1");
                r.veth("lwb0", srv, "lwb1");
                lan.sh("ip", "addr", "add", "100.64.72.2/24", "dev", "lw0");
                lan.sh("ip", "route", "add", "default", "via", "100.64.72.1");
                r.sh("ip", "addr", "add", "100.64.72.1/24", "dev", "lwl0");
                r.sh("ip", "addr", "add", "198.18.73.1/24", "dev", "lwu0");
                r.sh("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
                srv.sh("ip", "addr", "add", SRV + "/24", "dev", "lwu1");
                srv.runner.check(List.of("nft", "-f", "-"), "add table inet lwsrv\nadd chain inet lwsrv in { type filter hook"
                        + " input priority 0; }\nadd rule inet lwsrv in meta l4proto udp drop\n", Duration.ofSeconds(10));
                StringBuilder count = new StringBuilder("add table inet lwcount\nadd chain inet lwcount fw { type filter hook"
                        + " forward priority 0; }\n");
                for (String dev : List.of("lwu0", "lwb0")) {
                    for (int port : PORTS) {
                        count.append("add rule inet lwcount fw oifname \"").append(dev).append("\" udp dport ").append(port)
                                .append(" counter\n");
                    }
                }
                r.runner.check(List.of("nft", "-f", "-"), count.toString(), Duration.ofSeconds(10));
                return new Lab(lan, r, srv);
            } catch (RuntimeException e) {
                made.forEach(Netns::close);
                throw e;
            }
        }

        private static Netns add(List<Netns> made) {
            Netns n = Netns.create(PREFIX);
            made.add(n);
            return n;
        }

        void send(int sport, int dport, int count) {
            lan.sh("python3", "-c", SEND, SRV, Integer.toString(sport), Integer.toString(dport), Integer.toString(count));
        }

        /** Datagrams to {@code port} that left r through {@code dev}. */
        long out(String dev, int port) {
            Matcher m = COUNTER.matcher(r.sh("nft", "list", "chain", "inet", "lwcount", "fw"));
            while (m.find()) {
                if (m.group(1).equals(dev) && Integer.parseInt(m.group(2)) == port) {
                    return Long.parseLong(m.group(3));
                }
            }
            throw new AssertionError("no counter for " + dev + " " + port);
        }

        @Override
        public void close() {
            srv.close();
            r.close();
            lan.close();
        }
    }

    @Test
    void lcConnectionsFromTheirFirstPacketGoIntoTheBondTheRestKeepsItsPathAndRemoveAllLeavesNothing() {
        try (Lab lab = Lab.create()) {
            LatencyRules lc = new LatencyRules(lab.r().runner);
            lc.apply(new LatencyPolicy(Latency.defaults(), Clock.systemUTC()).plan(List.of("lwl0")));
            LatencyRouteRules route = new LatencyRouteRules(lab.r().runner, SteerRanges.DEFAULTS);
            lab.r().sh("ip", "route", "add", "default", "via", "198.18.73.2", "dev", "lwu0");
            route.open(List.of("lwl0"), "lwb0");
            route.open(List.of("lwl0"), "lwb0"); // idempotent
            assertEquals(1, lab.r().sh("ip", "-4", "rule", "show").lines().filter(l -> l.startsWith("31084:")).count());

            lab.send(42000, 5000, 3); // the game's port: LC at its first packet
            lab.send(42001, 6000, 3); // not LC
            lab.send(42002, 7777, 1); // not LC yet ...
            lc.learn(Map.of(SRV + " . 7777", Duration.ofSeconds(60))); // ... then its pair is learned
            lab.send(42002, 7777, 2); // the same connection, now marked, mid-session
            assertEquals(3, lab.out("lwb0", 5000), "every packet of the LC connection into the bond");
            assertEquals(0, lab.out("lwu0", 5000));
            assertEquals(3, lab.out("lwu0", 6000), "other traffic keeps its path");
            assertEquals(0, lab.out("lwb0", 6000));
            assertEquals(3, lab.out("lwu0", 7777), "marked mid-session: keeps the uplink (its NAT binding)");
            assertEquals(0, lab.out("lwb0", 7777));
            assertEquals(1, route.routedConnections());
            lab.send(42003, 7777, 2); // the next connection to the learned pair is LC at its first packet
            assertEquals(2, lab.out("lwb0", 7777));
            assertEquals(2, route.routedConnections());

            route.removeAll();
            route.removeAll(); // absent is fine
            assertFalse(lab.r().sh("nft", "list", "tables").contains(LatencyRouteRules.TABLE));
            assertTrue(lab.r().sh("ip", "-4", "rule", "show").lines().noneMatch(l -> l.startsWith("31084:")));
            assertEquals("", lab.r().sh("ip", "-4", "route", "show", "table", "3184").strip());
            lab.send(42004, 5000, 2); // a new LC connection: the kernel's path again
            assertEquals(2, lab.out("lwu0", 5000));
            assertEquals(-1, route.routedConnections());
        }
    }
}
