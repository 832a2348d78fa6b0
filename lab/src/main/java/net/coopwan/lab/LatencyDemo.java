package net.coopwan.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The latency part of {@code ./coopwan demo} (issue 17, docs/latency.md section 8): two
 * households in a {@link NeighbourLab} of their own and a concentrator in inet, a bonding through
 * it over its own uplink; b's owner approves only {@code duplication}, so b lends its path for
 * LC copies (one copy on each line). With {@value #LOSS_PERCENT} % random loss on a's own line
 * (nft numgen at inet), a "game" from the LAN host (100-byte datagrams every 20 ms to UDP
 * {@value #GAME_PORT}, in the seed's LC range 5000-5500) and the same flow on UDP
 * {@value #OTHER_PORT} (not an LC port: it leaves once, over a's line; the ad hoc rule may upgrade it,
 * but an ad hoc session is never duplicated via the neighbour) run side by side to an echo server
 * in inet; it prints how many of each reached the server and came back, then {@code coopwan ctl
 * latency} on a, removes its namespaces and exits (about 20 s). The same set-up as the lab tests
 * LatencyPathLabIT and LatencyDuplicationLabIT, which use its offer, approval and scripts (and
 * {@link NeighbourBond}'s configuration pieces).
 *
 * <p>Namespaces {@code cwg<4 hex>-{lan,a,b,inet}}, marked in {@code /run/coopwan-lab/<prefix>.pid}
 * like {@link EmergencyDemo}'s; a SIGINT/SIGTERM removes them too.
 *
 * <pre>java -cp lab/target/classes -Dcoopwan.jar=... -Dcoopwan.launcher=... net.coopwan.lab.LatencyDemo [--dir D]</pre>
 */
public final class LatencyDemo {
    static final String PREFIX_START = "cwg";
    static final int LOSS_PERCENT = 20;
    static final int PACKETS = 500;
    static final int GAME_PORT = 5005;
    static final int OTHER_PORT = 6005;
    /** The LAN host's source ports of the two flows (a's masquerade keeps them: the server tells the flows apart). */
    static final int GAME_SOURCE_PORT = 40005;
    static final int OTHER_SOURCE_PORT = 40006;
    /** The requester's offer: duplication only. */
    static final String DUPLICATION_OFFER = String.join("\n",
            "config offer 'duplication'",
            "\toption type 'duplication'",
            "\toption enabled '1'",
            "\toption bandwidth_kbps_min '100'",
            "\toption bandwidth_kbps_max '5000'");
    static final String DUPLICATION_APPROVED = "duplication:bandwidth_kbps=1000";
    /**
     * Echoes every datagram on SERVER:5005 and :6005 for at most ARGV[2] s; prints "PORT CLIENT_PORT
     * SEQ ARRIVED_NS" per datagram received (ARRIVED_NS: CLOCK_MONOTONIC, which every namespace of
     * one machine shares) and writes its arrival time into the echo (bytes 28-47, 20 digits), so
     * that the game can tell the way up from the way down.
     */
    static final String ECHO = String.join("\n",
            "import socket, select, sys, time",
            "socks = []",
            "for p in (" + GAME_PORT + ", " + OTHER_PORT + "):",
            "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "    s.bind((sys.argv[1], p))",
            "    socks.append(s)",
            "end = time.time() + float(sys.argv[2])",
            "while time.time() < end:",
            "    r, _, _ = select.select(socks, [], [], 0.5)",
            "    for s in r:",
            "        d, a = s.recvfrom(2048)",
            "        now = time.monotonic_ns()",
            "        print(s.getsockname()[1], a[1], d[:8].decode('ascii', 'replace'), now, flush=True)",
            "        if len(d) >= 48:",
            "            d = d[:28] + b'%020d' % now + d[48:]",
            // the line's loss drops some echoes in inet's own postrouting: EPERM, a lost echo
            "        try:",
            "            s.sendto(d, a)",
            "        except OSError:",
            "            pass");
    /**
     * The game: COUNT datagrams of 100 bytes (an 8-digit sequence number, then the send time in ns
     * of CLOCK_MONOTONIC, 20 digits) from SPORT to DST:DPORT, one every GAP s on a fixed grid;
     * counts the echoes, each sequence once, and how many copies of echoes arrived; prints JSON
     * with round-trip times of the first echo of each and, where the echo carries the server's
     * arrival time ({@link #ECHO}), the one-way times up and down (p50, p99, max).
     */
    static final String GAME = String.join("\n",
            "import json, socket, sys, threading, time",
            "dst, dport, sport, count, gap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.bind(('0.0.0.0', sport))",
            "s.settimeout(0.2)",
            "sent_at, rtt, up, down, copies = {}, {}, {}, {}, [0]",
            "def rx():",
            "    end = time.monotonic() + count * gap + 2",
            "    while time.monotonic() < end:",
            "        try:",
            "            d, _ = s.recvfrom(2048)",
            "        except socket.timeout:",
            "            continue",
            "        now = time.monotonic_ns()",
            "        copies[0] += 1",
            "        try:",
            "            q = int(d[:8])",
            "        except ValueError:",
            "            continue",
            "        if q in sent_at and q not in rtt:",
            "            rtt[q] = (now - sent_at[q]) / 1e6",
            "            if d[28:48].isdigit():",
            "                at = int(d[28:48])",
            "                up[q] = (at - sent_at[q]) / 1e6",
            "                down[q] = (now - at) / 1e6",
            "t = threading.Thread(target=rx)",
            "t.start()",
            "start = time.monotonic()",
            "for i in range(count):",
            "    sent_at[i] = time.monotonic_ns()",
            "    s.sendto(b'%08d' % i + b'%020d' % sent_at[i] + b'g' * 72, (dst, dport))",
            "    time.sleep(max(0, start + (i + 1) * gap - time.monotonic()))",
            "t.join()",
            "def pct(v, p):",
            "    r = sorted(v)",
            "    return r[min(len(r) - 1, len(r) * p // 100)] if r else -1",
            "r = sorted(rtt.values())",
            // the worst round trip in each tenth of the run, by sequence: where a tail comes from
            "tenths = [max([v for q, v in rtt.items() if q * 10 // count == k] or [-1]) for k in range(10)]",
            "print(json.dumps({'sent': count, 'echoes': len(rtt), 'echoCopies': copies[0],",
            "    'rttMedianMs': pct(r, 50), 'rttP99Ms': pct(r, 99), 'rttMaxMs': r[-1] if r else -1,",
            "    'upP50Ms': pct(up.values(), 50), 'upP99Ms': pct(up.values(), 99), 'upMaxMs': max(up.values(), default=-1),",
            "    'downP50Ms': pct(down.values(), 50), 'downP99Ms': pct(down.values(), 99),",
            "    'downMaxMs': max(down.values(), default=-1), 'rttMaxByTenthMs': tenths,",
            // each packet: its send time (CLOCK_MONOTONIC ns, the clock of every namespace) and one-way
            // times (-1: lost or not stamped), so that a reader can judge a part of the run
            "    'packets': [[sent_at[q], up.get(q, -1), down.get(q, -1)] for q in range(count)]}))");
    private static final String SAY = "latency demo: ";

    private final Path dir;
    private final String prefix;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private NeighbourLab lab;
    private boolean closed;

    private LatencyDemo(Path dir, String prefix) {
        this.dir = dir;
        this.prefix = prefix;
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length == 2 && args[0].equals("--dir") ? Path.of(args[1]) : Files.createTempDirectory("coopwan-latency-demo");
        Files.createDirectories(dir);
        EmergencyDemo.removeLeftovers(PREFIX_START);
        LatencyDemo demo = new LatencyDemo(dir, EmergencyDemo.claimPrefix(PREFIX_START));
        CountDownLatch stopping = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.countDown();
            demo.close();
        }, "latency-demo-shutdown"));
        int exit = 0;
        long start = System.nanoTime();
        try {
            demo.run();
            demo.close();
            System.out.printf(Locale.ROOT, "%sdone in %d s; namespaces removed%n", SAY,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        } catch (Exception | AssertionError e) {
            if (stopping.getCount() > 0) { // not a failure when we are being stopped
                String why = e.getClass() == IOException.class ? e.getMessage() : e.toString();
                System.out.println(SAY + "failed: " + why + "; logs in " + dir + " (a.log, b.log, conc.log)");
                exit = 1;
            }
        } finally {
            demo.close();
        }
        System.exit(exit);
    }

    private void run() throws Exception {
        synchronized (this) {
            if (closed) {
                return;
            }
            lab = new NeighbourLab(prefix);
        }
        System.out.println(SAY + "namespaces " + prefix + "-{lan,a,b,inet}: two households a and b as above, a bonds through "
                + "a concentrator " + NeighbourLab.CONCENTRATOR + " in inet over its own line; logs in " + dir);
        spawn("inet", "conc", BondLab.launcher(NeighbourBond.concentratorConfig(dir, lab), dir.resolve("conc-state")));
        Path confA = EmergencyDemo.routerConfig(dir, "a", lab.aWan(), lab.aPeer(), 1000, "", DUPLICATION_OFFER,
                String.join("\n", EmergencyDemo.failoverSection(lab), "\toption mode 'concentrator'",
                        NeighbourBond.bondThroughConcentrator("wrr"), "config latency 'latency'",
                        "\toption dup_own_copies '1'", "\toption dup_neighbour_copies '1'"));
        Path confB = EmergencyDemo.routerConfig(dir, "b", lab.bWan(), lab.bPeer(), 20_000, "", "",
                String.join("\n", NeighbourBond.helperListingTheConcentrator(), "config sharing 'sharing'", "\toption window_s '1'"));
        Process a = spawn("a", "a", BondLab.launcher(confA, dir.resolve("a-state")));
        Process b = spawn("b", "b", BondLab.launcher(confB, dir.resolve("b-state")));
        Path sockA = dir.resolve("a.sock");
        Path sockB = dir.resolve("b.sock");
        EmergencyDemo.pairAndAgree(lab, a, sockA, b, sockB, DUPLICATION_APPROVED);
        EmergencyDemo.poll("a", a, sockA, "latency", j -> "true".equals(ControlSocket.text(j, "duplication", "on"))
                && "true".equals(ControlSocket.text(j, "duplication", "neighbourPathInUse")), 40);
        Thread.sleep(1000); // the member's first probe echo makes it usable
        System.out.println(SAY + "paired, b's owner approved " + DUPLICATION_APPROVED + ": a duplicates LC packets over its "
                + "own line and through b (one copy each), the concentrator keeps the first");

        Path echoLog = dir.resolve("echo.log");
        spawn("inet", "echo", "python3", "-c", ECHO, NeighbourLab.SERVER, "60");
        Thread.sleep(500);
        lab.randomLoss(LOSS_PERCENT, 0);
        System.out.println(SAY + LOSS_PERCENT + " % random loss on a's own line (both ways, none on b's); a game on the lan "
                + "host and the same flow on a port that is not LC, " + PACKETS + " datagrams each to " + NeighbourLab.SERVER);
        Process game = game(GAME_PORT, GAME_SOURCE_PORT, dir.resolve("game.json"));
        Process other = game(OTHER_PORT, OTHER_SOURCE_PORT, dir.resolve("other.json"));
        boolean ended = game.waitFor(PACKETS / 50 + 30, TimeUnit.SECONDS) & other.waitFor(30, TimeUnit.SECONDS);
        stopIfClosed(); // a SIGTERM kills the games too: their figures would be the stop's, not the lines'
        lab.randomLoss(0, 0);
        if (!ended) {
            throw new IOException("the game did not end");
        }
        Path gameOut = dir.resolve("game.json");
        Path otherOut = dir.resolve("other.json");
        if (echoes(gameOut) < 0 || echoes(otherOut) < 0) {
            throw new IOException("a game printed no result (game.json, other.json)");
        }
        Thread.sleep(1000); // the echo server's last lines
        stopIfClosed();
        System.out.printf(Locale.ROOT, "%sgame on UDP %d (latency-critical, 100 B every 20 ms): %d of %d reached the server "
                        + "through a's line and b's path, %d of %d echoes came back (round trip median %s ms); the same "
                        + "flow on UDP %d (not an LC port: one copy, a's line only): %d of %d, %d echoes%n",
                SAY, GAME_PORT, received(echoLog, GAME_PORT, GAME_SOURCE_PORT), PACKETS, echoes(gameOut), PACKETS,
                medianRtt(gameOut), OTHER_PORT, received(echoLog, OTHER_PORT, OTHER_SOURCE_PORT), PACKETS, echoes(otherOut));
        Result ctl = lab.exec("a", BondLab.ctl(sockA, "latency"));
        System.out.println(SAY + "coopwan ctl latency on a:\n" + (ctl.stdout() + ctl.stderr()).stripTrailing());
    }

    /** Throws when {@link #close} has begun (a SIGTERM): the story ends without printing more. */
    private synchronized void stopIfClosed() throws IOException {
        if (closed) {
            throw new IOException("stopping");
        }
    }

    private Process game(int dport, int sport, Path out) throws IOException {
        return spawn("lan", null, out, "python3", "-c", GAME, NeighbourLab.SERVER, Integer.toString(dport),
                Integer.toString(sport), Integer.toString(PACKETS), "0.02");
    }

    private Process spawn(String role, String log, String... argv) throws IOException {
        return spawn(role, log, null, argv);
    }

    private synchronized Process spawn(String role, String log, Path out, String... argv) throws IOException {
        if (closed) {
            throw new IOException("stopping");
        }
        Path to = out != null ? out : dir.resolve(log + ".log");
        Process p = new ProcessBuilder(lab.in(role, argv)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(to.toFile())).start();
        processes.add(p);
        return p;
    }

    /** The echoes the game's JSON (its last line) counts, -1 when it printed none. */
    static int echoes(Path out) throws IOException {
        return gameResult(out, "echoes") instanceof Number n ? n.intValue() : -1;
    }

    /** The game's median round trip (ms, one decimal) from its JSON, "-" when it printed none or had no echo. */
    static String medianRtt(Path out) throws IOException {
        return gameResult(out, "rttMedianMs") instanceof Number n && n.doubleValue() >= 0
                ? String.format(Locale.ROOT, "%.1f", n.doubleValue()) : "-";
    }

    /** What {@code key} holds in the game's JSON (its last line), null when the game printed none. */
    static Object gameResult(Path out, String key) throws IOException {
        String last = Files.exists(out) ? Files.readString(out).strip().lines().reduce((x, y) -> y).orElse("") : "";
        return last.startsWith("{") ? ControlSocket.at(ControlSocket.parse(last), key) : null;
    }

    /**
     * Distinct sequence numbers the echo server received on {@code port} from the game's
     * {@code clientPort} (a's masquerade keeps the LAN host's port: one source port per game).
     */
    static int received(Path echoLog, int port, int clientPort) throws IOException {
        Set<String> seqs = new HashSet<>();
        for (String l : Files.readAllLines(echoLog)) {
            String[] p = l.split(" ");
            // "PORT CLIENT_PORT SEQ [ARRIVED_NS]"
            if ((p.length == 3 || p.length == 4) && p[0].equals(Integer.toString(port))
                    && p[1].equals(Integer.toString(clientPort))) {
                seqs.add(p[2]);
            }
        }
        return seqs.size();
    }

    /** Stops the daemons (SIGTERM first: they remove their rules), the tools, then deletes the namespaces. Never throws. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (lab != null) {
            lab.close();
        }
        try {
            Files.deleteIfExists(Lab.marker(prefix));
        } catch (IOException ignored) {
            // a next run finds the owner dead and the namespaces gone
        }
    }
}
