package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The borrower's sharing rules against a real kernel. lan -- a (the borrower) -- srv over a's own
 * uplink {@code aw0}, and a -- shr over {@code cwshare0}, a veth standing for the tunnel to the
 * sharer. The server 198.18.90.2 exists on srv and on shr, each answering every line with its own
 * name, so a connection tells which path it took.
 */
class SharingBorrowerNetnsTest {
    private static final Duration S10 = Duration.ofSeconds(10);
    private static final String SRV = "198.18.90.2";
    static final String SERVER = String.join("\n",
            "import socket, sys, threading",
            "name, port = sys.argv[1], int(sys.argv[2])",
            "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('0.0.0.0', port)); s.listen(64); print('ready', flush=True)",
            "def serve(c):",
            "    with c:",
            "        f = c.makefile('rw')",
            "        for line in f:",
            "            f.write(name + '\\n'); f.flush()",
            "while True:",
            "    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()");
    /** One connection kept open; each stdin line sends one line and prints the answer or the error. */
    private static final String CLIENT = String.join("\n",
            "import socket, sys",
            "s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 3); f = s.makefile('rw')",
            "print('open', flush=True)",
            "for _ in sys.stdin:",
            "    try:",
            "        f.write('x\\n'); f.flush(); r = f.readline().strip(); print(r or 'closed', flush=True)",
            "    except Exception as e:",
            "        print('error ' + type(e).__name__, flush=True)");

    @BeforeAll
    static void clean() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        Netns.removeLeftovers(EmergencyHelperNetnsTest.PREFIX);
    }

    private record Lab(Netns lan, Netns a, Netns srv, Netns shr, List<NetnsProcess> servers) implements AutoCloseable {
        static Lab create() {
            Netns lan = Netns.create(EmergencyHelperNetnsTest.PREFIX);
            Netns a = null;
            Netns srv = null;
            Netns shr = null;
            List<NetnsProcess> servers = new java.util.ArrayList<>();
            try {
                a = Netns.create(EmergencyHelperNetnsTest.PREFIX);
                srv = Netns.create(EmergencyHelperNetnsTest.PREFIX);
                shr = Netns.create(EmergencyHelperNetnsTest.PREFIX);
                lan.veth("l0", a, "al0");
                a.veth("aw0", srv, "sw0");
                a.veth("cwshare0", shr, "ht0");
                lan.sh("ip", "addr", "add", "100.64.80.2/24", "dev", "l0");
                lan.sh("ip", "route", "add", "default", "via", "100.64.80.1");
                a.sh("ip", "addr", "add", "100.64.80.1/24", "dev", "al0");
                a.sh("ip", "addr", "add", "198.18.81.1/24", "dev", "aw0");
                a.sh("ip", "addr", "add", "100.127.254.2/30", "dev", "cwshare0");
                a.sh("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
                a.sh("ip", "route", "add", "default", "via", "198.18.81.2");
                srv.sh("ip", "addr", "add", "198.18.81.2/24", "dev", "sw0");
                srv.sh("ip", "addr", "add", SRV + "/32", "dev", "lo");
                shr.sh("ip", "addr", "add", "100.127.254.1/30", "dev", "ht0");
                shr.sh("ip", "addr", "add", SRV + "/32", "dev", "lo");
                new NatRules(a.runner).apply(new NatPlan(List.of(new Masquerade("aw0", "100.64.80.0/24")), List.of()));
                for (Netns far : new Netns[] {srv, shr}) {
                    for (String port : List.of("80", "22")) {
                        NetnsProcess p = new NetnsProcess(far, "python3", "-c", SERVER, far == srv ? "own" : "sharer", port);
                        servers.add(p);
                        assertEquals("ready", p.line(S10));
                    }
                }
                return new Lab(lan, a, srv, shr, servers);
            } catch (RuntimeException | AssertionError e) {
                servers.forEach(NetnsProcess::close);
                for (Netns n : new Netns[] {shr, srv, a, lan}) {
                    if (n != null) {
                        n.close();
                    }
                }
                throw e;
            }
        }

        /** A short connection from the LAN host: the name of the end that answered. */
        String connect(int port) {
            return lan.sh("python3", "-c", "import socket; s = socket.create_connection(('" + SRV + "', " + port
                    + "), 3); s.sendall(b'x\\n'); print(s.makefile().readline().strip())").strip();
        }

        NetnsProcess longLived(int port) {
            NetnsProcess c = new NetnsProcess(lan, "python3", "-c", CLIENT, SRV, String.valueOf(port));
            assertEquals("open", c.line(S10));
            return c;
        }

        @Override
        public void close() {
            servers.forEach(NetnsProcess::close);
            shr.close();
            srv.close();
            a.close();
            lan.close();
        }
    }

    static String ask(NetnsProcess c) {
        c.send("go");
        return c.line(S10);
    }

    @Test
    void onlyNewSessionsOfTheChosenPortsMoveAndEveryOneKeepsItsPath() {
        try (Lab lab = Lab.create()) {
            SharingBorrowerRules rules = new SharingBorrowerRules(lab.a().runner, SteerRanges.DEFAULTS,
                    SharingBorrowerRules.DEFAULT_TABLE, SharingBorrowerRules.DEFAULT_PRIORITY);
            rules.removeAll();
            rules.open(new SharingBorrowerPlan(List.of("al0"), "cwshare0", Set.of(80, 443)));
            assertEquals("own", lab.connect(80), "share 0: nothing moves");
            try (NetnsProcess before = lab.longLived(80)) {
                assertEquals("own", ask(before));
                rules.share(1000);
                for (int i = 0; i < 5; i++) {
                    assertEquals("sharer", lab.connect(80), "every new session to port 80 moves");
                }
                assertEquals("own", lab.connect(22), "port 22 is not a candidate");
                assertEquals("own", ask(before), "the session from before the offer keeps its path");
                try (NetnsProcess moved = lab.longLived(80)) {
                    assertEquals("sharer", ask(moved));
                    assertTrue(rules.sessions() >= 1, "the moved session is in conntrack with its mark");
                    rules.share(0);
                    assertEquals("own", lab.connect(80), "share 0 again: new sessions stay home");
                    assertEquals("sharer", ask(moved), "the moved one keeps its path for its whole life");
                    SharingBorrowerRules.Counters c = rules.counters();
                    assertTrue(c.sessionsMoved() >= 6 && c.bytesUp() > 0 && c.bytesDown() > 0, c.toString());

                    rules.resetMoved(true);
                    assertTrue(ask(moved).startsWith("error ConnectionReset"), "forced termination resets it");
                    assertEquals("own", ask(before), "the session at home is untouched");
                }
            }
            rules.removeAll();
            assertFalse(lab.a().sh("nft", "list", "tables").contains("coopwan_share"));
            assertFalse(lab.a().sh("ip", "-4", "rule", "show").contains("lookup " + SharingBorrowerRules.DEFAULT_TABLE));
            assertEquals("", lab.a().sh("ip", "-4", "route", "show", "table",
                    String.valueOf(SharingBorrowerRules.DEFAULT_TABLE)).strip());
            assertEquals("own", lab.connect(80));
            rules.removeAll(); // absent is fine
        }
    }

    @Test
    void onlyTheChosenMovedSessionsAreReset() {
        try (Lab lab = Lab.create()) {
            SharingBorrowerRules rules = new SharingBorrowerRules(lab.a().runner, SteerRanges.DEFAULTS,
                    SharingBorrowerRules.DEFAULT_TABLE, SharingBorrowerRules.DEFAULT_PRIORITY);
            rules.open(new SharingBorrowerPlan(List.of("al0"), "cwshare0", Set.of(80)));
            rules.account();
            rules.share(1000);
            try (NetnsProcess older = lab.longLived(80)) {
                assertEquals("sharer", ask(older));
                sleep(1100); // conntrack's ages are whole seconds
                try (NetnsProcess newer = lab.longLived(80)) {
                    assertEquals("sharer", ask(newer));
                    List<ConntrackFlow> flows = rules.movedFlows();
                    assertEquals(2, flows.size(), flows.toString());
                    ConntrackFlow newest = flows.stream().min(java.util.Comparator.comparingLong(ConntrackFlow::ageSeconds))
                            .orElseThrow();
                    ConntrackFlow oldest = flows.stream().max(java.util.Comparator.comparingLong(ConntrackFlow::ageSeconds))
                            .orElseThrow();
                    assertTrue(newest.ageSeconds() >= 0 && oldest.ageSeconds() > newest.ageSeconds(), flows.toString());
                    assertTrue(newest.bytesOriginal() > 0 && newest.bytesReply() > 0, "accounting is on: " + newest);
                    rules.resetFlows(List.of(newest));
                    assertTrue(ask(newer).startsWith("error ConnectionReset"), "the chosen session is reset");
                    assertEquals("sharer", ask(older), "the other moved session goes on");
                    assertEquals(1, rules.movedFlows().stream().filter(f -> f.equals(oldest) || f.nftElement()
                            .equals(oldest.nftElement())).count());
                }
            }
            rules.removeAll();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aShareOfAQuarterMovesAboutAQuarter() {
        try (Lab lab = Lab.create()) {
            SharingBorrowerRules rules = new SharingBorrowerRules(lab.a().runner, SteerRanges.DEFAULTS,
                    SharingBorrowerRules.DEFAULT_TABLE, SharingBorrowerRules.DEFAULT_PRIORITY);
            rules.open(new SharingBorrowerPlan(List.of("al0"), "cwshare0", Set.of(80)));
            rules.share(250);
            int moved = 0;
            int n = 80;
            for (int i = 0; i < n; i++) {
                if (lab.connect(80).equals("sharer")) {
                    moved++;
                }
            }
            // binomial(80, 0.25): mean 20, sd 3.9; 8..34 is beyond 3 sd both ways
            assertTrue(moved >= 8 && moved <= 34, moved + " of " + n + " moved");
            rules.removeAll();
        }
    }

    @Test
    void theRenderedTransactionsAreExact() {
        assertEquals("flush map inet coopwan_share share\nadd element inet coopwan_share share { 0-237 : jump move }\n",
                SharingBorrowerRules.renderShare(238));
        assertEquals("flush map inet coopwan_share share\n", SharingBorrowerRules.renderShare(0));
        assertEquals(3, SharingBorrowerRules.countShared(String.join("\n",
                "ipv4 2 tcp 6 431999 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 mark=2097152 zone=0 use=2",
                "ipv4 2 tcp 6 431999 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 mark=6291456 zone=0 use=2",
                "ipv4 2 tcp 6 431999 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 mark=2097153 zone=0 use=2",
                "ipv4 2 tcp 6 431999 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 mark=4194304 zone=0 use=2",
                "ipv4 2 udp 17 29 src=100.64.80.2 dst=198.18.90.2 mark=0 use=1")));
        List<ConntrackFlow> flows = ConntrackFlow.parse(String.join("\n",
                "ipv4     2 tcp      6 431999 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 sport=40001 dport=80 packets=5 "
                        + "bytes=300 src=198.18.90.2 dst=100.127.254.2 sport=80 dport=40001 packets=4 bytes=9000 [ASSURED] "
                        + "mark=2097152 zone=0 delta-time=7 use=1",
                "ipv4     2 tcp      6 431999 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 sport=40002 dport=80 "
                        + "src=198.18.90.2 dst=100.64.80.2 sport=80 dport=40002 mark=0 zone=0 use=1",
                "ipv4     2 tcp      6 431999 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 sport=40003 dport=80 "
                        + "src=198.18.90.2 dst=100.127.254.2 sport=80 dport=40003 mark=2097152 zone=0 use=1",
                "ipv4 2 tcp 6 1 ESTABLISHED src=1.2.3 dst=198.18.90.2 sport=1 dport=80 mark=2097152 use=1",
                "ipv6 10 tcp 6 1 ESTABLISHED src=::1 dst=::1 sport=1 dport=80 mark=2097152 use=1",
                "garbage"), SteerMarks.SHARED);
        assertEquals(List.of(new ConntrackFlow("100.64.80.2", 40001, "198.18.90.2", 80, 300, 9000, 7, 2097152),
                new ConntrackFlow("100.64.80.2", 40003, "198.18.90.2", 80, 0, 0, -1, 2097152)), flows);
        // the split's sample: connections to the moving ports, moved or home, from one reading
        List<ConntrackFlow> all = ConntrackFlow.parse(String.join("\n",
                "ipv4 2 tcp 6 9 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 sport=40001 dport=80 mark=2097152 use=1",
                "ipv4 2 tcp 6 9 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 sport=40002 dport=443 mark=1048576 use=1",
                "ipv4 2 tcp 6 9 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 sport=40003 dport=8080 mark=0 use=1",
                "ipv4 2 tcp 6 9 ESTABLISHED src=100.64.80.2 dst=198.18.90.2 sport=40004 dport=8080 mark=2097152 use=1"), 0);
        SharingBorrowerRules.Eligible eligible = SharingBorrowerRules.Eligible.of(all, java.util.Set.of(80, 443));
        assertEquals(List.of(40001), eligible.moved().stream().map(ConntrackFlow::sourcePort).toList());
        assertEquals(List.of(40002), eligible.home().stream().map(ConntrackFlow::sourcePort).toList(),
                "another bit of the mark (LC) is home; other ports are neither");
        assertEquals("add element inet coopwan_share doomed { 100.64.80.2 . 40001 . 198.18.90.2 . 80 timeout 30s, "
                + "100.64.80.2 . 40003 . 198.18.90.2 . 80 timeout 30s }\n", SharingBorrowerRules.renderDoomed(flows));
    }
}
