package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The download direction held back on the forward hook (docs/PROTOCOL.md 3.14, "Why no tc shaper
 * (and no ifb)"), against real kernels and real TCP: lan (100.64.171.2) -- r, the router (uplink
 * {@code sfw0}) -- srv (198.18.171.2), where srv's egress towards r is the access line: tbf at
 * {@link #LINE_RATE} with a 200 ms queue (the ISP's download buffer, where bufferbloat builds; no
 * netem on this kernel). A bulk TCP download srv -> lan fills it; a game flow lan -> srv (UDP
 * {@link #LC_PORT}, 50 pps of 100 bytes, echoed by srv) measures its RTT. The test's own table in
 * r marks the LC port's connections with {@link SteerMarks#LATENCY_CRITICAL}, standing for the
 * classification. Suppression is the table the daemon applies with the default config (20 %,
 * 1000 kbit/s per connection, DSCP CS1). It drops after the bottleneck, on r's forward path:
 * the sender's congestion control answers the loss by sending less, so the queue before the
 * bottleneck drains, which is what an ifb shaper in r would have to achieve.
 *
 * <p>Prefix {@code sf}. Every loop of the python helpers is bounded in time.
 */
class SuppressionDownloadNetnsTest {
    static final String PREFIX = "sf";
    static final Duration T = Duration.ofSeconds(30);
    static final String SRV = "198.18.171.2";
    static final int BULK_PORT = 47760;
    static final int LC_PORT = 47761;
    static final String LINE_RATE = System.getProperty("sf.line", "8mbit");
    static final int SECONDS = 6;
    /** The sender's congestion control: cubic (Linux's default, most servers) unless -Dsf.cc says otherwise. */
    static final String CC = System.getProperty("sf.cc", "cubic");

    /** TCP source with congestion control argv[2]: sends as fast as the connection takes; exits after 180 s. */
    static final String BULK_SERVER = String.join("\n",
            "import socket, threading, sys, time",
            "end = time.time() + 180",
            "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('0.0.0.0', int(sys.argv[1]))); s.listen(8); s.settimeout(1)",
            "def serve(c):",
            "    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, sys.argv[2].encode())",
            "    data = b'x' * 65536",
            "    try:",
            "        while time.time() < end:",
            "            c.sendall(data)",
            "    except OSError:",
            "        pass",
            "    c.close()",
            "print('ready', flush=True)",
            "while time.time() < end:",
            "    try:",
            "        c, _ = s.accept()",
            "    except socket.timeout:",
            "        continue",
            "    threading.Thread(target=serve, args=(c,), daemon=True).start()");
    /** UDP echo; exits after 180 s. */
    static final String ECHO = String.join("\n",
            "import socket, sys, time",
            "end = time.time() + 180",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', int(sys.argv[1]))); s.settimeout(1)",
            "print('ready', flush=True)",
            "while time.time() < end:",
            "    try:",
            "        d, a = s.recvfrom(2048); s.sendto(d, a)",
            "    except socket.timeout:",
            "        pass");
    /** Downloads for argv[3] s after 2 s of warm-up; prints "rate BYTES_PER_SECOND". */
    static final String BULK_CLIENT = String.join("\n",
            "import socket, sys, time",
            "c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)",
            "warm = time.time() + 2; end = warm + float(sys.argv[3]); n = 0",
            "while True:",
            "    now = time.time()",
            "    if now >= end:",
            "        break",
            "    b = len(c.recv(1 << 20))",
            "    if now >= warm:",
            "        n += b",
            "print('rate', int(n / float(sys.argv[3])), flush=True)");
    /**
     * A game: 50 pps of 100 bytes for argv[3] s after 2 s (the download's warm-up), each with its
     * sequence and send time; prints "game sent received p50_us p99_us" (a reply after 1 s is lost).
     */
    static final String GAME = String.join("\n",
            "import socket, sys, time, struct, threading",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect((sys.argv[1], int(sys.argv[2])))",
            "s.settimeout(0.2); rtts = {}; sent = {}",
            "def rx():",
            "    stop = time.time() + 2 + float(sys.argv[3]) + 1.5",
            "    while time.time() < stop:",
            "        try:",
            "            d = s.recv(2048)",
            "        except (socket.timeout, OSError):",
            "            continue",
            "        seq, t = struct.unpack('!Qd', d[:16]); now = time.time()",
            "        if seq not in rtts and now - t <= 1.0:",
            "            rtts[seq] = now - t",
            "th = threading.Thread(target=rx, daemon=True); th.start()",
            "time.sleep(2)",
            "start = time.time(); i = 0",
            "while i < int(50 * float(sys.argv[3])):",
            "    due = start + i * 0.02",
            "    w = due - time.time()",
            "    if w > 0:",
            "        time.sleep(w)",
            "    s.send(struct.pack('!Qd', i, time.time()) + b'g' * 84); i += 1",
            "th.join()",
            "r = sorted(rtts.values())",
            "p = lambda q: int(r[min(len(r) - 1, int(q * len(r)))] * 1e6) if r else -1",
            "print('game', i, len(r), p(0.5), p(0.99), flush=True)");

    @BeforeAll
    static void clean() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        Netns.removeLeftovers(PREFIX);
    }

    record Game(long sent, long received, long p50Micros, long p99Micros) {
        long lost() {
            return sent - received;
        }
    }

    record Run(long downloadBytesPerSecond, Game game) {
    }

    private record Lab(Netns lan, Netns r, Netns srv, NetnsProcess bulk, NetnsProcess echo, boolean upload)
            implements AutoCloseable {
        static Lab create() {
            return create(false);
        }

        /**
         * upload false: the bulk sender in srv, the line (tbf) on srv's egress towards r (the ISP's
         * download queue); true: the bulk sender in lan, the line on r's uplink egress (the home
         * router's own upload queue, after the forward hook).
         */
        static Lab create(boolean upload) {
            List<AutoCloseable> made = new ArrayList<>();
            try {
                Netns lan = add(made, Netns.create(PREFIX));
                Netns r = add(made, Netns.create(PREFIX));
                Netns srv = add(made, Netns.create(PREFIX));
                lan.veth("sfl0", r, "sfr0");
                r.veth("sfw0", srv, "sfs0");
                lan.sh("ip", "addr", "add", "100.64.171.2/24", "dev", "sfl0");
                lan.sh("ip", "route", "add", "default", "via", "100.64.171.1");
                r.sh("ip", "addr", "add", "100.64.171.1/24", "dev", "sfr0");
                r.sh("ip", "addr", "add", "198.18.171.1/24", "dev", "sfw0");
                r.sh("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
                srv.sh("ip", "addr", "add", SRV + "/24", "dev", "sfs0");
                srv.sh("ip", "route", "add", "default", "via", "198.18.171.1");
                // the access line's download direction: its rate and a 200 ms buffer
                (upload ? r : srv).sh("tc", "qdisc", "add", "dev", upload ? "sfw0" : "sfs0", "root", "tbf", "rate",
                        LINE_RATE, "burst", "32kb", "latency", "200ms");
                r.runner.check(List.of("nft", "-f", "-"), String.join("\n",
                        "table inet sf_classify {",
                        "\tchain pre {",
                        "\t\ttype filter hook prerouting priority mangle; policy accept;",
                        "\t\tudp dport " + LC_PORT + " ct mark set ct mark or " + SteerMarks.hex(SteerMarks.LATENCY_CRITICAL),
                        "\t}",
                        "}", ""), T);
                NetnsProcess bulk = add(made, new NetnsProcess(upload ? lan : srv, "python3", "-c", BULK_SERVER,
                        String.valueOf(BULK_PORT), CC));
                assertEquals("ready", bulk.line(T));
                NetnsProcess echo = add(made, new NetnsProcess(srv, "python3", "-c", ECHO, String.valueOf(LC_PORT)));
                assertEquals("ready", echo.line(T));
                return new Lab(lan, r, srv, bulk, echo, upload);
            } catch (RuntimeException | Error e) {
                for (int i = made.size() - 1; i >= 0; i--) {
                    try {
                        made.get(i).close();
                    } catch (Exception ignored) {
                        // best effort
                    }
                }
                throw e;
            }
        }

        private static <T extends AutoCloseable> T add(List<AutoCloseable> made, T t) {
            made.add(t);
            return t;
        }

        /** A game flow alone (download false) or beside a bulk download, at the same time. */
        Run run(boolean download) {
            NetnsProcess dl = download
                    ? new NetnsProcess(upload ? srv : lan, "python3", "-c", BULK_CLIENT, upload ? "100.64.171.2" : SRV,
                            String.valueOf(BULK_PORT), String.valueOf(SECONDS))
                    : null;
            try (NetnsProcess game = new NetnsProcess(lan, "python3", "-c", GAME, SRV, String.valueOf(LC_PORT),
                    String.valueOf(SECONDS))) {
                String g = game.line(T);
                String[] f = g.split(" ");
                assertEquals("game", f[0], g);
                long rate = -1;
                if (dl != null) {
                    String d = dl.line(T);
                    assertTrue(d.startsWith("rate "), d);
                    rate = Long.parseLong(d.substring(5));
                }
                return new Run(rate, new Game(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                        Long.parseLong(f[4])));
            } finally {
                if (dl != null) {
                    dl.close();
                }
            }
        }

        boolean tablePresent() {
            return r.tryRun(T, "nft", "list", "table", "inet", SuppressionRules.TABLE).succeeded();
        }

        @Override
        public void close() {
            echo.close();
            bulk.close();
            lan.close();
            r.close();
            srv.close();
        }
    }

    /** What KernelSuppression applies with the default config (20 %, 1000 kbit/s per connection, no totals, CS1). */
    static SuppressionPlan defaults() {
        return new SuppressionPlan(List.of("sfw0"), 20, 125_000, 0, 0, true);
    }

    /**
     * Item 2's test and item 3's lab check at once: a download and a game, suppression off, then
     * on, side by side. On: the download's rate falls, the game loses nothing and its RTT p99
     * falls; the table is gone after stop, and after a "kill -9" (the rules object abandoned with
     * the table in place) the next start's removeAll takes it away.
     */
    @Test
    void aDownloadIsHeldBackOnTheForwardPathAndTheGameKeepsItsLatency() {
        try (Lab lab = Lab.create()) {
            Run idle = lab.run(false);
            Run off = lab.run(true);
            SuppressionRules rules = new SuppressionRules(lab.r.runner);
            rules.apply(defaults());
            Run on = lab.run(true);
            SuppressionRules.Counters c = rules.counters();
            rules.stop();
            boolean goneAfterStop = !lab.tablePresent();
            Run after = lab.run(true);
            System.out.printf("SuppressionDownloadNetnsTest line %s/200 ms, " + CC + ": idle game %s; off: download %d B/s, game %s;"
                    + " on: download %d B/s, game %s, counters %s; after stop: download %d B/s, game %s%n",
                    LINE_RATE, idle.game(), off.downloadBytesPerSecond(), off.game(), on.downloadBytesPerSecond(),
                    on.game(), c, after.downloadBytesPerSecond(), after.game());
            assertNotNull(c);
            assertTrue(goneAfterStop, "the table is gone after stop");
            assertTrue(c.lcSpared() >= 2 * on.game().received(), "LC passed untouched both ways: " + c);
            assertTrue(c.droppedDown() > 0, "download packets dropped: " + c);
            assertTrue(c.droppedDown() * 100 <= 20 * c.otherDown() + 100, "within the 20 % ceiling: " + c);
            // the sender backs off until the line's queue drains: the rate falls a little, the queue a lot
            assertTrue(on.downloadBytesPerSecond() * 100 < off.downloadBytesPerSecond() * 95,
                    "the download is held back: " + on.downloadBytesPerSecond() + " vs " + off.downloadBytesPerSecond());
            assertEquals(0, on.game().lost(), "the game loses nothing: " + on.game());
            assertTrue(on.game().p99Micros() * 2 < off.game().p99Micros(), "p99 on " + on.game() + " vs off " + off.game());
            assertTrue(after.downloadBytesPerSecond() > on.downloadBytesPerSecond(),
                    "after stop the download runs again: " + after.downloadBytesPerSecond());

            // kill -9: the table stays in the kernel; the next start removes it before anything else
            rules.apply(defaults());
            assertTrue(lab.tablePresent());
            new SuppressionRules(lab.r.runner).removeAll();
            assertFalse(lab.tablePresent(), "gone after kill -9 + restart");
            assertTrue(lab.r.sh("nft", "list", "tables").contains("sf_classify"), "another table is untouched");
        }
    }

    /**
     * The upload direction, the queue in the router itself (its uplink's qdisc, after the forward
     * hook): a bulk upload lan -> srv and the game, suppression off and on.
     */
    @Test
    void anUploadIsHeldBackBeforeTheRoutersOwnQueue() {
        try (Lab lab = Lab.create(true)) {
            Run off = lab.run(true);
            SuppressionRules rules = new SuppressionRules(lab.r.runner);
            rules.apply(defaults());
            Run on = lab.run(true);
            SuppressionRules.Counters c = rules.counters();
            rules.stop();
            System.out.printf("SuppressionDownloadNetnsTest upload line %s/200 ms, " + CC + ": off: upload %d B/s, game %s;"
                    + " on: upload %d B/s, game %s, counters %s%n", LINE_RATE, off.downloadBytesPerSecond(), off.game(),
                    on.downloadBytesPerSecond(), on.game(), c);
            assertNotNull(c);
            assertFalse(lab.tablePresent(), "the table is gone after stop");
            assertTrue(c.droppedUp() > 0 && c.droppedUp() * 100 <= 20 * c.otherUp() + 100, "up, within 20 %: " + c);
            // measured: the queue empties while the upload keeps the line's rate (the drops come
            // before the router's own queue, so the sender's window shrinks to what the line carries)
            assertTrue(on.downloadBytesPerSecond() * 100 > off.downloadBytesPerSecond() * 80,
                    "the upload is not starved: " + on.downloadBytesPerSecond() + " vs " + off.downloadBytesPerSecond());
            assertEquals(0, on.game().lost(), "the game loses nothing: " + on.game());
            assertTrue(on.game().p99Micros() * 2 < off.game().p99Micros(), "p99 on " + on.game() + " vs off " + off.game());
        }
    }
}
