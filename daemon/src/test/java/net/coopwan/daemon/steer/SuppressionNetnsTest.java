package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.suppression.AppType;
import net.coopwan.daemon.coop.suppression.KernelSuppression;
import net.coopwan.daemon.coop.suppression.SuppressionCodec;
import net.coopwan.daemon.coop.suppression.SuppressionDemands;
import net.coopwan.daemon.coop.suppression.SuppressionMessage;
import net.coopwan.daemon.coop.suppression.SuppressionPolicy;
import net.coopwan.daemon.coop.suppression.SuppressionService;

/**
 * The suppression table against a real kernel, with real UDP traffic. lan (100.64.170.2) -- r,
 * the router (uplink {@code hsw0}) -- srv (198.18.170.2). The test's own table in r marks the
 * connections to UDP port {@link #LC_PORT} with {@link SteerMarks#LATENCY_CRITICAL}, standing for
 * the classification (steer's latency rules, not this test's subject). The receiver in srv reports
 * per port the packets it got, how many carried CE and how many DSCP CS1.
 */
class SuppressionNetnsTest {
    static final String PREFIX = "hs";
    static final Duration S10 = Duration.ofSeconds(10);
    static final String SRV = "198.18.170.2";
    static final int OTHER_PORT = 47801;
    static final int LC_PORT = 47802;
    static final int LIGHT_PORT = 47803;
    static final int ECT0 = 0x02;
    static final int EF_ECT0 = 0xb8 | ECT0;

    /** Reads "PORT COUNT SIZE TOS" lines, sends COUNT datagrams of SIZE bytes with that TOS, prints "sent". */
    static final String SENDER = String.join("\n",
            "import socket, sys",
            "dst = sys.argv[1]; socks = {}",
            "for line in sys.stdin:",
            "    port, count, size, tos = map(int, line.split())",
            "    s = socks.get((port, tos))",
            "    if s is None:",
            "        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "        s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, tos); s.connect((dst, port)); socks[(port, tos)] = s",
            "    data = b'x' * size; n = 0",
            "    for _ in range(count):",
            "        try:",
            "            s.send(data); n += 1",
            "        except OSError:",
            "            pass",
            "    print('sent', n, flush=True)");
    /** Counts per port: packets, CE, DSCP CS1, other TOS; "report" prints "PORT total ce cs1 tos-set". */
    static final String RECEIVER = String.join("\n",
            "import socket, sys, threading",
            "counts = {}; lock = threading.Lock()",
            "def serve(port):",
            "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            // SO_RCVBUFFORCE (33; root): past rmem_max, so a burst is never lost in the receiver's buffer
            "    s.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)",
            "    s.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1); s.bind(('0.0.0.0', port))",
            "    c = counts[port]",
            "    while True:",
            "        _, anc, _, _ = s.recvmsg(2048, 64)",
            "        tos = anc[0][2][0] if anc else 0",
            "        with lock:",
            "            c[0] += 1; c[1] += (tos & 3) == 3; c[2] += (tos >> 2) == 8; c[3].add(tos)",
            "for p in map(int, sys.argv[1:]):",
            "    counts[p] = [0, 0, 0, set()]",
            "    threading.Thread(target=serve, args=(p,), daemon=True).start()",
            "print('ready', flush=True)",
            "for line in sys.stdin:",
            "    with lock:",
            "        for p, c in sorted(counts.items()):",
            "            print(p, c[0], c[1], c[2], ','.join(map(str, sorted(c[3]))), flush=True)",
            "    print('end', flush=True)");

    @BeforeAll
    static void clean() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        Netns.removeLeftovers(PREFIX);
    }

    /** What the receiver got on one port. */
    record Got(long total, long ce, long cs1, String tos) {
    }

    private record Lab(Netns lan, Netns r, Netns srv, NetnsProcess receiver, NetnsProcess sender) implements AutoCloseable {
        static Lab create() {
            List<AutoCloseable> made = new ArrayList<>();
            try {
                Netns lan = add(made, Netns.create(PREFIX));
                Netns r = add(made, Netns.create(PREFIX));
                Netns srv = add(made, Netns.create(PREFIX));
                lan.veth("hsl0", r, "hsr0");
                r.veth("hsw0", srv, "hss0");
                lan.sh("ip", "addr", "add", "100.64.170.2/24", "dev", "hsl0");
                lan.sh("ip", "route", "add", "default", "via", "100.64.170.1");
                r.sh("ip", "addr", "add", "100.64.170.1/24", "dev", "hsr0");
                r.sh("ip", "addr", "add", "198.18.170.1/24", "dev", "hsw0");
                r.sh("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
                srv.sh("ip", "addr", "add", SRV + "/24", "dev", "hss0");
                srv.sh("ip", "route", "add", "default", "via", "198.18.170.1");
                // the classification's stand-in: LC_PORT connections carry the LC bit in conntrack
                r.runner.check(List.of("nft", "-f", "-"), String.join("\n",
                        "table inet hs_classify {",
                        "\tchain pre {",
                        "\t\ttype filter hook prerouting priority mangle; policy accept;",
                        "\t\tudp dport " + LC_PORT + " ct mark set ct mark or " + SteerMarks.hex(SteerMarks.LATENCY_CRITICAL),
                        "\t}",
                        "}", ""), S10);
                NetnsProcess receiver = add(made, new NetnsProcess(srv, "python3", "-c", RECEIVER,
                        String.valueOf(OTHER_PORT), String.valueOf(LC_PORT), String.valueOf(LIGHT_PORT)));
                assertEquals("ready", receiver.line(S10));
                NetnsProcess sender = add(made, new NetnsProcess(lan, "python3", "-c", SENDER, SRV));
                return new Lab(lan, r, srv, receiver, sender);
            } catch (RuntimeException | Error e) {
                for (int i = made.size() - 1; i >= 0; i--) {
                    try {
                        made.get(i).close();
                    } catch (Exception ignored) {
                        // best effort: the namespaces go below
                    }
                }
                throw e;
            }
        }

        private static <T extends AutoCloseable> T add(List<AutoCloseable> made, T t) {
            made.add(t);
            return t;
        }

        long send(int port, int count, int size, int tos) {
            return send(sender, port, count, size, tos);
        }

        static long send(NetnsProcess sender, int port, int count, int size, int tos) {
            sender.send(port + " " + count + " " + size + " " + tos);
            String l = sender.line(S10);
            assertTrue(l.startsWith("sent "), l);
            return Long.parseLong(l.substring(5));
        }

        /** The receiver's counts, once they stopped changing (bounded: 20 polls, 50 ms apart). */
        Map<Integer, Got> got() {
            return got(receiver);
        }

        static Map<Integer, Got> got(NetnsProcess receiver) {
            Map<Integer, Got> last = null;
            for (int i = 0; i < 20; i++) {
                receiver.send("report");
                Map<Integer, Got> now = new HashMap<>();
                for (String l; !(l = receiver.line(S10)).equals("end"); ) {
                    String[] f = l.split(" ", -1);
                    now.put(Integer.parseInt(f[0]), new Got(Long.parseLong(f[1]), Long.parseLong(f[2]),
                            Long.parseLong(f[3]), f[4]));
                }
                if (now.equals(last)) {
                    return now;
                }
                last = now;
                sleep(50);
            }
            return last;
        }

        boolean tablePresent() {
            return r.tryRun(S10, "nft", "list", "table", "inet", SuppressionRules.TABLE).succeeded();
        }

        @Override
        public void close() {
            sender.close();
            receiver.close();
            lan.close();
            r.close();
            srv.close();
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A cap of 125 kB/s per connection against bursts of 3000 x 1000 bytes as fast as python sends: heavy overload. */
    static SuppressionPlan capped(int percent) {
        return new SuppressionPlan(List.of("hsw0"), percent, 125_000, 0, 0, true);
    }

    /** The notes' TEST: with a 20 % cap under heavy overload, no window drops more than 20 % of other traffic. */
    @Test
    void underHeavyOverloadNoWindowDropsMoreThanTheCap() {
        try (Lab lab = Lab.create()) {
            SuppressionRules rules = new SuppressionRules(lab.r.runner);
            rules.apply(capped(20));
            SuppressionRules.Counters before = rules.counters();
            List<String> windows = new ArrayList<>();
            long droppedAll = 0;
            for (int w = 0; w < 5; w++) {
                lab.send(OTHER_PORT, 3000, 1000, 0);
                SuppressionRules.Counters after = rules.counters();
                long other = after.otherUp() - before.otherUp();
                long dropped = after.droppedUp() - before.droppedUp();
                windows.add(dropped + "/" + other);
                assertTrue(other >= 2900, "the window's packets reached the router: " + windows);
                assertTrue(dropped * 100 <= 20L * other + 100, "window " + w + " dropped more than 20 % (+1): " + windows);
                droppedAll += dropped;
                before = after;
            }
            assertTrue(droppedAll * 100 >= 15L * 5 * 2900, "the overload was suppressed at all: " + windows);
            Got got = lab.got().get(OTHER_PORT);
            assertTrue(got.total() <= 15_000 - droppedAll, "received " + got + " of 15000, dropped " + droppedAll);
            assertEquals(got.total(), got.cs1(), "all other traffic left as CS1: " + got);
            System.out.println("SuppressionNetnsTest windows (dropped/other): " + windows + ", received " + got.total());
        }
    }

    /** The notes' TEST: an ECT(0) packet over the limit leaves with CE set; ECT traffic loses nothing. LC is untouched. */
    @Test
    void ectOverTheLimitLeavesWithCeAndLcIsNeverDroppedOrMarked() {
        try (Lab lab = Lab.create()) {
            SuppressionRules rules = new SuppressionRules(lab.r.runner);
            rules.apply(capped(20));
            long sentEct = lab.send(OTHER_PORT, 3000, 1000, ECT0);
            long sentLc = lab.send(LC_PORT, 3000, 1000, EF_ECT0);
            SuppressionRules.Counters c = rules.counters();
            Map<Integer, Got> got = lab.got();
            Got ect = got.get(OTHER_PORT);
            Got lc = got.get(LC_PORT);
            System.out.println("SuppressionNetnsTest ect " + ect + " lc " + lc + " counters " + c);
            assertEquals(0, c.droppedUp(), "ECT packets are marked, never dropped: " + c);
            assertTrue(c.ecnUp() > 0 && ect.ce() > 0, "over the limit, ECT(0) left with CE: " + ect + " " + c);
            assertTrue(ect.ce() <= c.ecnUp(), "CE only where the table marked: " + ect + " " + c);
            assertEquals(sentLc, c.lcSpared(), "every LC packet met the LC rule");
            assertEquals(sentLc, lc.total(), "no LC packet dropped");
            assertEquals(0, lc.ce(), "no LC packet marked");
            assertEquals(String.valueOf(EF_ECT0), lc.tos(), "LC keeps its DSCP EF and ECT(0)");
            assertTrue(sentEct > 0);
        }
    }

    /**
     * The notes' TEST through the neighbour's service: SUPPRESSION_REQUEST makes the real table
     * appear and count; after STOP_SUPPRESSION the table is gone, drop and ECN counters can no
     * longer grow, and traffic passes whole.
     */
    @Test
    void afterStopSuppressionTheCountersStopAndTrafficPassesWhole() {
        try (Lab lab = Lab.create()) {
            SuppressionRules rules = new SuppressionRules(lab.r.runner);
            SuppressionService neighbour = new SuppressionService(new SuppressionPolicy(1_000_000_000L, List.of()),
                    new SuppressionDemands(new KernelSuppression(rules, List.of("hsw0"), 125_000, 0, 0, true, SuppressionShaper.NONE)),
                    new SuppressionService.Agreements() {
                        @Override
                        public int grantedTo(String peerId) {
                            return 10;
                        }

                        @Override
                        public Set<String> requestable() {
                            return Set.of();
                        }
                    }, new SuppressionService.Ask(true, true, AppType.VOIP, 20, 3000), 1, l -> { });
            List<SuppressionMessage> answers = new ArrayList<>();
            SuppressionService.Sender back = (peer, b) -> {
                try {
                    answers.add(SuppressionCodec.parse(b));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return true;
            };
            neighbour.onMessage("req", SuppressionCodec.encode(new SuppressionMessage.Request(5, AppType.VOIP, 20, 3000)), 0, back);
            assertEquals(new SuppressionMessage.Answer(5, 10, null), answers.get(0));
            assertTrue(lab.tablePresent(), "SUPPRESSION_REQUEST made the table");
            lab.send(OTHER_PORT, 3000, 1000, 0);
            lab.send(OTHER_PORT, 3000, 1000, ECT0);
            SuppressionRules.Counters during = rules.counters();
            assertTrue(during.droppedUp() > 0 && during.ecnUp() > 0, "enforcing: " + during);
            assertTrue(during.droppedUp() * 100 <= 10L * during.otherUp() + 100, "the agreement's 10 %: " + during);
            Got beforeStop = lab.got().get(OTHER_PORT);

            neighbour.onMessage("req", SuppressionCodec.encode(new SuppressionMessage.Stop(5)), 1, back);
            assertEquals(new SuppressionMessage.Answer(5, -1, null), answers.get(1));
            assertFalse(lab.tablePresent(), "STOP_SUPPRESSION removed the table");
            assertNull(rules.counters(), "no counters left to grow");
            long sent = lab.send(OTHER_PORT, 3000, 1000, 0) + lab.send(OTHER_PORT, 3000, 1000, ECT0);
            Got after = lab.got().get(OTHER_PORT);
            assertEquals(beforeStop.ce(), after.ce(), "no CE after the stop");
            assertEquals(beforeStop.cs1(), after.cs1(), "no CS1 after the stop");
            assertEquals(sent, after.total() - beforeStop.total(), "nothing dropped after the stop");
            assertNull(rules.counters());
        }
    }

    /** Idempotent apply; stop and removeAll after a "kill -9" (the table left behind) leave nothing. */
    @Test
    void applyIsIdempotentAndRemoveAllAfterAKillLeavesNothing() {
        try (Lab lab = Lab.create()) {
            SuppressionRules crashed = new SuppressionRules(lab.r.runner);
            crashed.apply(capped(20));
            String once = lab.r.sh("nft", "list", "table", "inet", SuppressionRules.TABLE);
            crashed.apply(capped(20));
            assertEquals(once, lab.r.sh("nft", "list", "table", "inet", SuppressionRules.TABLE));
            assertEquals(1, lab.r.sh("nft", "list", "tables").lines().filter(l -> l.contains(SuppressionRules.TABLE)).count());
            lab.send(OTHER_PORT, 1000, 1000, 0);
            assertNotNull(crashed.counters());
            // the daemon died with the table in place; the next one's start removes it
            SuppressionRules restarted = new SuppressionRules(lab.r.runner);
            restarted.removeAll();
            assertFalse(lab.tablePresent());
            assertTrue(lab.r.sh("nft", "list", "tables").contains("hs_classify"), "another table is untouched");
            restarted.removeAll();
            restarted.stop();
            assertFalse(lab.tablePresent());
        }
    }

    /** Heaviest first: a connection under the per-connection cap loses nothing while a heavy one is suppressed. */
    @Test
    void aLightConnectionBesideAHeavyOneLosesNothing() {
        try (Lab lab = Lab.create()) {
            SuppressionRules rules = new SuppressionRules(lab.r.runner);
            rules.apply(capped(20));
            long light = 0;
            long heavy = 0;
            for (int i = 0; i < 5; i++) {
                heavy += lab.send(OTHER_PORT, 2000, 1000, 0);
                light += lab.send(LIGHT_PORT, 10, 100, 0); // 1 kB a round: far under 125 kB/s and its burst
            }
            SuppressionRules.Counters c = rules.counters();
            Map<Integer, Got> got = lab.got();
            System.out.println("SuppressionNetnsTest heavy " + got.get(OTHER_PORT) + " of " + heavy + ", light "
                    + got.get(LIGHT_PORT) + " of " + light + ", counters " + c);
            assertTrue(c.droppedUp() > 0, "the heavy connection was suppressed: " + c);
            assertTrue(got.get(OTHER_PORT).total() < heavy, "the heavy one lost packets");
            assertEquals(light, got.get(LIGHT_PORT).total(), "the light one lost nothing");
        }
    }

    /** The incoming direction (into the uplink, to the LAN): the same ceiling and CE marking, counted as down. */
    @Test
    void theIncomingDirectionIsSuppressedTheSameWay() {
        try (Lab lab = Lab.create();
                NetnsProcess lanReceiver = new NetnsProcess(lab.lan, "python3", "-c", RECEIVER, String.valueOf(OTHER_PORT));
                NetnsProcess srvSender = new NetnsProcess(lab.srv, "python3", "-c", SENDER, "100.64.170.2")) {
            assertEquals("ready", lanReceiver.line(S10));
            SuppressionRules rules = new SuppressionRules(lab.r.runner);
            rules.apply(capped(10));
            long sent = Lab.send(srvSender, OTHER_PORT, 3000, 1000, 0) + Lab.send(srvSender, OTHER_PORT, 3000, 1000, ECT0);
            SuppressionRules.Counters c = rules.counters();
            Got got = Lab.got(lanReceiver).get(OTHER_PORT);
            System.out.println("SuppressionNetnsTest down " + got + " of " + sent + ", counters " + c);
            assertEquals(0, c.otherUp() + c.droppedUp() + c.ecnUp(), "nothing counted as up: " + c);
            assertTrue(c.droppedDown() > 0 && c.droppedDown() * 100 <= 10L * c.otherDown() + 100, "the 10 % ceiling: " + c);
            assertTrue(c.ecnDown() > 0 && got.ce() == c.ecnDown(), "CE on the ECT(0) half: " + got + " " + c);
            assertEquals(sent - c.droppedDown(), got.total(), "only the table dropped: " + got);
        }
    }
}
