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

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import net.coopwan.config.Latency;
import net.coopwan.daemon.coop.latency.AdHocWatch;
import net.coopwan.daemon.coop.latency.Dscp;
import net.coopwan.daemon.coop.latency.Flow;
import net.coopwan.daemon.coop.latency.LatencyPolicy;

/**
 * {@link LatencyRules} against a real kernel: lan (100.64.70.2) -- r (the router: {@code hll0},
 * {@code hlw0}) -- srv (198.18.71.2). Each flow is one UDP socket of lan's; the mark is read from
 * r's conntrack after exactly one packet, so "at its first packet" is what is checked. Own prefix
 * {@code hl}; namespaces removed on close, also on failure.
 */
class LatencyRulesNetnsTest {
    static final String PREFIX = "hl";
    private static final String SRV = "198.18.71.2";
    /** Sends COUNT datagrams (with TOS) from SPORT to SRV:DPORT, INTERVAL s apart; prints 'sent N'. */
    private static final String SEND = String.join("\n",
            "import socket, sys, time",
            "dst, sport, dport, tos, count, interval = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4], 0),"
                    + " int(sys.argv[5]), float(sys.argv[6])",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos)",
            "s.bind(('0.0.0.0', sport))",
            "for i in range(count):",
            "    s.sendto(b'x' * 92, (dst, dport))",
            "    time.sleep(interval)",
            "print('sent', count, flush=True)");

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
                lan.veth("hl0", r, "hll0");
                r.veth("hlw0", srv, "hls0");
                lan.sh("ip", "addr", "add", "100.64.70.2/24", "dev", "hl0");
                lan.sh("ip", "route", "add", "default", "via", "100.64.70.1");
                r.sh("ip", "addr", "add", "100.64.70.1/24", "dev", "hll0");
                r.sh("ip", "addr", "add", "198.18.71.1/24", "dev", "hlw0");
                r.sh("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
                srv.sh("ip", "addr", "add", SRV + "/24", "dev", "hls0");
                srv.sh("ip", "route", "add", "default", "via", "198.18.71.1");
                // srv swallows the datagrams: no ICMP port unreachable back, so r's counters see
                // only what lan sent (lc_packets counts both directions)
                srv.runner.check(List.of("nft", "-f", "-"), "add table inet hlsrv\nadd chain inet hlsrv in { type filter hook"
                        + " input priority 0; }\nadd rule inet hlsrv in meta l4proto udp drop\n", Duration.ofSeconds(10));
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

        /** One datagram from lan's SPORT to SRV:DPORT with this TOS. */
        void send(int sport, int dport, int tos) {
            send(sport, dport, tos, 1, 0);
        }

        void send(int sport, int dport, int tos, int count, double interval) {
            lan.sh("python3", "-c", SEND, SRV, Integer.toString(sport), Integer.toString(dport), "0x"
                    + Integer.toHexString(tos), Integer.toString(count), Double.toString(interval));
        }

        /** r's conntrack entry of lan's flow from SPORT, or null. */
        ConntrackUdpFlow flow(int sport) {
            for (ConntrackUdpFlow f : ConntrackUdpFlow.parse(r.sh("cat", "/proc/net/nf_conntrack"), null)) {
                if (f.sourcePort() == sport) {
                    return f;
                }
            }
            return null;
        }

        boolean lc(int sport) {
            ConntrackUdpFlow f = flow(sport);
            assertTrue(f != null, "conntrack has the flow from " + sport);
            return (f.mark() & SteerMarks.LATENCY_CRITICAL) != 0;
        }

        boolean tablePresent() {
            return r.sh("nft", "list", "tables").contains(LatencyRules.TABLE);
        }

        @Override
        public void close() {
            srv.close();
            r.close();
            lan.close();
        }
    }

    private static LatencyPlan plan(Latency.DscpRule rule) {
        Latency d = Latency.defaults();
        Latency l = new Latency(true, d.apps(), rule, d.currentMs(), d.adHoc(), true, d.learnLifetimeS());
        return new LatencyPolicy(l, Clock.systemUTC()).plan(List.of("hll0"));
    }

    @Test
    void portRangeAndDscpMarkAConnectionAtItsFirstPacket() {
        try (Lab lab = Lab.create()) {
            LatencyRules rules = new LatencyRules(lab.r().runner);
            rules.apply(plan(Latency.DscpRule.B));
            rules.apply(plan(Latency.DscpRule.B)); // idempotent: replaced whole
            lab.send(41000, 5000, 0);
            lab.send(41001, 5500, 0);
            lab.send(41002, 4999, 0);
            lab.send(41003, 5501, 0);
            lab.send(41004, 443, 0xb8);   // EF
            lab.send(41005, 444, 0x88);   // AF41
            assertTrue(lab.lc(41000), "5000");
            assertTrue(lab.lc(41001), "5500");
            assertFalse(lab.lc(41002), "4999");
            assertFalse(lab.lc(41003), "5501");
            assertTrue(lab.lc(41004), "EF under rule b");
            assertFalse(lab.lc(41005), "AF41 under rule b");
            LatencyRules.Counters c = rules.counters();
            assertEquals(Map.of("lol", 2L), c.byApp(), "one count per connection");
            assertEquals(1, c.byDscp());

            // a packet of a marked connection keeps the mark and counts no more
            lab.send(41000, 5000, 0, 3, 0.01);
            assertEquals(2L, rules.counters().byApp().get("lol"));
            assertEquals(3, rules.counters().lcPackets(), "the later packets of LC connections");

            rules.apply(plan(Latency.DscpRule.A));
            lab.send(41006, 445, 0x88);  // AF41, a new connection
            lab.send(41007, 446, 0x20);  // CS1
            assertTrue(lab.lc(41006), "AF41 under rule a");
            assertFalse(lab.lc(41007), "CS1 under rule a");
            assertEquals(Dscp.AF41, Dscp.ofTos(0x88));

            rules.removeAll();
            rules.removeAll(); // absent is fine
            assertFalse(lab.tablePresent());
            assertEquals(null, rules.counters());
        }
    }

    @Test
    void aLearnedDestinationMakesANewConnectionLcFromItsFirstPacket() {
        try (Lab lab = Lab.create()) {
            LatencyRules rules = new LatencyRules(lab.r().runner);
            rules.apply(plan(Latency.DscpRule.B));
            lab.send(42000, 7777, 0);
            assertFalse(lab.lc(42000), "not learned yet");
            rules.learn(Map.of(SRV + " . 7777", Duration.ofSeconds(600)));
            rules.learn(Map.of(SRV + " . 7777", Duration.ofSeconds(600))); // refreshed, not refused
            lab.send(42001, 7777, 0);
            lab.send(42002, 7778, 0);
            assertTrue(lab.lc(42001), "learned (address, port)");
            assertFalse(lab.lc(42002), "another port of the same address");
            assertEquals(1, rules.counters().byLearned());
            rules.removeAll();
            assertFalse(lab.tablePresent());
        }
    }

    /**
     * The ad hoc rule end to end: a small, steady flow of an unknown application is upgraded
     * from conntrack's counters within a few readings, its next packet gets the mark, and the
     * next connection to the same (address, port) is LC from its first packet.
     */
    @Test
    void anAdHocFlowIsUpgradedAndItsDestinationLearned() throws Exception {
        try (Lab lab = Lab.create()) {
            LatencyRules rules = new LatencyRules(lab.r().runner);
            Latency config = Latency.defaults();
            LatencyPolicy policy = new LatencyPolicy(config, Clock.systemUTC());
            rules.apply(policy.plan(List.of("hll0")));
            rules.account();
            List<String> log = new ArrayList<>();
            AdHocWatch watch = new AdHocWatch(policy, rules, rules.networks(List.of("hll0")), Clock.systemUTC(), log::add);
            int seconds = config.adHoc().confirmS() + 4;
            // 50 packets a second of 120 IP bytes for SECONDS s: a game's pattern on an unknown port
            long started = System.nanoTime();
            try (NetnsProcess game = new NetnsProcess(lab.lan(), "python3", "-c", SEND, SRV, "43000", "9999", "0",
                    Integer.toString(50 * seconds), "0.02")) {
                List<Flow> upgraded = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
                for (int i = 0; i < seconds && upgraded.isEmpty() && System.nanoTime() < deadline; i++) {
                    Thread.sleep(1000);
                    upgraded.addAll(watch.tick());
                }
                assertEquals(1, upgraded.size(), "upgraded within the run; log " + log);
                long upgradedMs = (System.nanoTime() - started) / 1_000_000;
                assertEquals(43000, upgraded.get(0).sourcePort());
                // its next packets carry the mark
                long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (!lab.lc(43000) && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                assertTrue(lab.lc(43000), "the upgraded flow is marked");
                System.out.println("figure: ad hoc flow upgraded " + upgradedMs + " ms after it started, marked "
                        + (System.nanoTime() - started) / 1_000_000 + " ms after (readings 1 s apart, confirm "
                        + config.adHoc().confirmS() + ")");
                assertEquals(1, rules.counters().byAdHoc());
                game.rest(Duration.ofSeconds(seconds + 5));
            }
            assertTrue(policy.learned().contains(new Flow.Destination(
                    Ipv4Cidr.toInt(Ipv4Cidr.parseAddress(SRV)), 9999)));
            lab.send(43001, 9999, 0);
            assertTrue(lab.lc(43001), "the next session to the learned pair is LC from its first packet");
            assertEquals(1, rules.counters().byLearned());
            assertEquals(1, log.size(), log.toString());
            assertTrue(log.get(0).contains("UPGRADED") && log.get(0).contains("learned 198.18.71.2:9999"), log.get(0));
            rules.removeAll();
            assertFalse(lab.tablePresent());
        }
    }
}
