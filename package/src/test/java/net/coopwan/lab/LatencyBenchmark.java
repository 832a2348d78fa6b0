package net.coopwan.lab;

import static net.coopwan.lab.BenchSupport.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.daemon.coop.latency.BondLcClassifier;
import net.coopwan.lab.ChannelLabIT.Router;

/**
 * Latency-critical traffic benchmark of issue 17 (docs/benchmarks/latency/README.md): a game flow
 * (UDP 5005, LC by the seed's port range; 50 packets/s of 100 bytes, each stamped with its send
 * time and echoed by the server with its arrival time) from a's LAN while a bulk iperf3 download
 * and upload fill a's line, for four set-ups of router a side by side in one run:
 * <ol>
 *   <li>no coopwan: a's daemon stopped (the kernel's path over a's line, the lab's masquerade);</li>
 *   <li>duplication only: one copy over a's line and one through b (a duplication-only agreement),
 *       suppression disabled;</li>
 *   <li>suppression only: the game over a's line alone ({@code dup_neighbour_copies 0}),
 *       suppression on its defaults;</li>
 *   <li>both: the product's defaults, with one copy per line.</li>
 * </ol>
 * and per set-up the conditions: idle; saturated (a's line); saturated with 2 % and 5 % random loss
 * on each line; saturated with bursty loss on each line ({@link LineConditions}); saturated on both
 * lines (b's own users download and upload too). Per cell: the game's one-way times up and down and
 * its round trip (p50, p99, max), its loss up and down, the bulk goodput, each line's measured
 * loss, the bytes b's uplink carried. Not run by CI: its name ends in neither Test nor IT.
 */
final class LatencyBenchmark {
    static final String PREFIX = "lp";
    static final int PEER_PORT = 47960;
    /** iperf3 servers: a's download, a's upload, b's download, b's upload. */
    static final int IPERF_PORT = 47961;
    static final int LC_PORT = LatencyDuplicationLabIT.GAME_PORT;
    static final String APPROVED = "duplication:bandwidth_kbps=1000";
    /** The inner IP packet of one game datagram: 100 bytes of payload, UDP and IPv4 headers. */
    static final int GAME_IP_BYTES = 128;
    /** The issue's floors. */
    static final double P99_OVER_IDLE_MS = 10;
    /** Packets the game must have sent while suppression was on for its p99 to count: three quarters of the game. */
    static final double MIN_SHARE_WHILE_ON = 0.75;
    static final double MAX_BULK_LOSS = 0.20;
    static final double NEIGHBOUR_BYTES_TOLERANCE = 0.05;

    /** What router a runs. */
    enum Setup {
        NONE("no coopwan", false, false),
        DUPLICATION("duplication only", true, false),
        SUPPRESSION("suppression only", false, true),
        BOTH("both", true, true);

        final String text;
        final boolean duplicates;
        final boolean suppresses;

        Setup(String text, boolean duplicates, boolean suppresses) {
            this.text = text;
            this.duplicates = duplicates;
            this.suppresses = suppresses;
        }
    }

    /** A phase's line conditions: bulk on a's line (and b's), random loss per mille on each line, bursts. */
    record Condition(String name, boolean bulk, boolean bulkB, int lossPerMille, boolean bursty) {
        String text() {
            String load = !bulk ? "idle" : bulkB ? "a's and b's lines saturated" : "a's line saturated";
            String loss = bursty ? ", bursty loss on each line" : lossPerMille > 0
                    ? String.format(Locale.ROOT, ", %.0f %% random loss on each line", lossPerMille / 10.0) : "";
            return load + loss;
        }
    }

    static final List<Condition> CONDITIONS = List.of(
            new Condition("idle", false, false, 0, false),
            new Condition("saturated", true, false, 0, false),
            new Condition("loss 2 %", true, false, 20, false),
            new Condition("loss 5 %", true, false, 50, false),
            new Condition("bursty", true, false, 0, true),
            new Condition("both saturated", true, true, 0, false));

    /** One game: sent, distinct packets the server got, echoes; one-way and round-trip times (ms). */
    record Game(int sent, int up, int echoes, double upP50, double upP99, double upMax, double downP50, double downP99,
                double downMax, double rttP50, double rttP99, double rttMax) {
        int lostUp() {
            return sent - up;
        }

        /** Echoes lost on the way down (of the packets the server got). */
        int lostDown() {
            return Math.max(0, up - echoes);
        }
    }

    /**
     * One cell: the game, the bulk goodput down and up (Mbit/s, -1 unknown), each line's loss over
     * the game (up and down; random: counted, bursty: the share of time in bursts), what b's line
     * carried up and down meanwhile (IP bytes), and what a's suppression did.
     */
    /**
     * The game while a's suppression was on: from the first status poll (every 100 ms) that showed
     * it enforcing, the packets sent from then on and their one-way p99 each way; {@code onsetMs}
     * from the game's first packet to that poll (-1: never on, and no packets).
     */
    record WhileOn(double onsetMs, int packets, double upP99, double downP99) {
        static final WhileOn NEVER = new WhileOn(-1, 0, -1, -1);

        /** From the game's JSON file's {@code packets} (send ns, up ms, down ms) and the first enforcing poll's nanoTime. */
        static WhileOn of(JsonNode packets, long onNanos) {
            if (onNanos == Long.MIN_VALUE || !packets.isArray() || packets.isEmpty()) {
                return NEVER;
            }
            List<Double> up = new ArrayList<>();
            List<Double> down = new ArrayList<>();
            int n = 0;
            for (JsonNode p : packets) {
                if (p.path(0).asLong() - onNanos < 0) {
                    continue;
                }
                n++;
                if (p.path(1).asDouble(-1) >= 0) {
                    up.add(p.path(1).asDouble());
                }
                if (p.path(2).asDouble(-1) >= 0) {
                    down.add(p.path(2).asDouble());
                }
            }
            return new WhileOn((onNanos - packets.path(0).path(0).asLong()) / 1e6, n, p99(up), p99(down));
        }

        /** The game's own rule: the value at index n * 99 / 100 of the sorted values; -1 for none. */
        static double p99(List<Double> v) {
            if (v.isEmpty()) {
                return -1;
            }
            List<Double> r = new ArrayList<>(v);
            java.util.Collections.sort(r);
            return r.get(Math.min(r.size() - 1, r.size() * 99 / 100));
        }
    }

    record Cell(Setup setup, Condition condition, Game game, double bulkDown, double bulkUp, double lossA, double lossB,
                long bUpBytes, long bDownBytes, long windowNanos, String suppression, WhileOn whileOn) {
        double bulk() {
            return bulkDown < 0 || bulkUp < 0 ? -1 : bulkDown + bulkUp;
        }
    }

    final boolean quick;
    final long rateAKbps;
    final String uplinkSpec;
    final Path work;
    final int packets;
    /** The set-ups this run measures (all unless --setups names some: a diagnosis of one). */
    List<Setup> setups = List.of(Setup.values());
    final List<Cell> cells = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    String load = "";

    LatencyBenchmark(boolean quick, long rateAKbps, String uplinkSpec, Path work) {
        this.quick = quick;
        this.rateAKbps = rateAKbps;
        this.uplinkSpec = uplinkSpec;
        this.work = work;
        this.packets = quick ? 500 : 1500;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        long rateA = 10;
        String uplink = null;
        Path work = null;
        Path out = null;
        Path resultsMd = null;
        String command = "docs/benchmarks/latency/run.sh";
        List<Setup> setups = List.of(Setup.values());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--rate-a" -> rateA = Long.parseLong(args[++i]);
                case "--uplink" -> uplink = args[++i];
                case "--work" -> work = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--results-md" -> resultsMd = Path.of(args[++i]);
                case "--command" -> command = args[++i];
                case "--setups" -> setups = java.util.Arrays.stream(args[++i].split(","))
                        .map(n -> Setup.valueOf(n.trim().toUpperCase(Locale.ROOT))).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (rateA < 1 || rateA > 1000) {
            throw new IllegalArgumentException("--rate-a 1-1000 Mbit/s");
        }
        if (uplink != null) {
            ImpairedUplink.apply(uplink, new LinkImpairment(1, 0), new LinkImpairment(2, 0));
        }
        if (work == null) {
            work = Files.createTempDirectory("coopwan-latencybench");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(BenchSupport::closeAll, "close-labs"));
        NeighbourLab.removeLeftovers(PREFIX);
        LatencyBenchmark b = new LatencyBenchmark(quick, rateA * 1000, uplink, work);
        b.setups = setups;
        try {
            b.run();
        } catch (Exception e) {
            b.notes.add("the run stopped early: " + e);
            e.printStackTrace(System.out);
        } finally {
            closeAll();
        }
        publish(b.report(), b.header(command), out, "Latency-critical traffic benchmark results, " + b.stamp(), resultsMd,
                "Latency-critical traffic (issue 17)" + (uplink != null ? " on an impaired line" : "")
                        + (quick ? ", quick run" : ""));
        System.exit(0);
    }

    String stamp() {
        return started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }

    String header(String command) {
        return "Command: `" + command + "` (as root), " + stamp() + ". Machine: " + machine() + "; load average " + load
                + ". a's ISP line " + rateAKbps / 1000 + " Mbit/s (tbf both ways at the ISP's end, queue up to " + TBF_LATENCY_MS
                + " ms, burst " + lineBurst(rateAKbps) + "), b's 20 Mbit/s; a duplication-only agreement (`" + APPROVED + "`), a with one copy per line"
                + " (`dup_own_copies 1`, `dup_neighbour_copies 1`) so a packet is lost only when both lines lose it; "
                + packets + " game packets per cell" + (quick ? " (--quick)" : "") + " (50 a second), after a warm-up"
                + " game that is not reported. Bursty loss: bursts of " + LineConditions.BURST_MS + " ms on average"
                + " (exponential, 10-200 ms) every " + LineConditions.BURST_GAP_MS + " ms on average, each line on its own."
                + (uplinkSpec == null ? "" : " a's ISP line also: `" + uplinkSpec + "` each way (ImpairedUplink).") + "\n";
    }

    // ------------------------------------------------------------------ the run

    NeighbourLab lab;
    Path dir;
    Path echoLog;
    Router a;
    Router b;
    LineConditions lines;
    final List<Process> tools = new ArrayList<>();
    int sport = 41000;

    void run() throws Exception {
        String prefix = PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        dir = Files.createDirectories(work.resolve(prefix));
        lab = new NeighbourLab(prefix);
        OPEN.add(lab);
        OPEN.add(() -> tools.forEach(Process::destroyForcibly));
        if (uplinkSpec != null) {
            OPEN.add(new ImpairedUplink(lab, uplinkSpec, ThreadLocalRandom.current().nextLong()));
        }
        lines = new LineConditions(lab);
        OPEN.add(lines);
        StringBuilder why = new StringBuilder();
        // each line's both ways at the ISP's end (inet): the routers' own devices keep the kernel's
        // qdisc, where a's suppression puts its upload shaper while it enforces
        // and a burst of 4 ms of the rate (at least 3000 B), as a line's own shaper has: the other
        // benchmarks' 32 KB (26 ms at 10 Mbit/s) let a download and an upload fill the line's queues
        // past the router's shapers (a lab of its own, 2026-12-07: a ping's p99 73.6 ms with 32 KB,
        // 12.5 ms with 4000 B, shapers at 90 % both ways)
        String burstA = lineBurst(rateAKbps);
        String burstB = lineBurst(20_000);
        if (!(shape(lab, "inet", lab.inetToA(), rateAKbps, burstA, why)
                & shapeArrivals(lab, "inet", lab.inetToA(), rateAKbps, burstA, why)
                & shape(lab, "inet", lab.inetToB(), 20_000, burstB, why)
                & shapeArrivals(lab, "inet", lab.inetToB(), 20_000, burstB, why))) {
            throw new IllegalStateException("tbf refused: " + why);
        }
        a = new Router(dir, lab.ns(""), "a", lab.aPeer(), PEER_PORT);
        b = new Router(dir, lab.ns(""), "b", lab.bPeer(), PEER_PORT);
        OPEN.add(() -> a.stop());
        OPEN.add(b::stop);
        a.uplinkDevice = lab.aWan();
        b.uplinkDevice = lab.bWan();
        a.downKbps = rateAKbps;
        a.upKbps = rateAKbps;
        b.downKbps = 20_000;
        b.upKbps = 20_000;
        a.offers = LatencyPathLabIT.OFFERS;
        b.offers = "";
        a.extra = config(Setup.BOTH);
        b.extra = String.join("\n", EmergencyLabIT.helperListingTheConcentrator(), "config sharing 'sharing'",
                "\toption window_s '10'");
        Path concConf = EmergencyLabIT.concentratorConfig(dir, lab);
        tools.add(background(lab.in("inet", BondLab.launcher(concConf, dir.resolve("conc-state"))), dir.resolve("conc.log")));
        echoLog = dir.resolve("echo.log");
        tools.add(background(lab.in("inet", "python3", "-c", LatencyDuplicationLabIT.ECHO, NeighbourLab.SERVER, "7200"),
                echoLog));
        for (int port = IPERF_PORT; port < IPERF_PORT + 4; port++) {
            tools.add(background(lab.in("inet", "iperf3", "-s", "-p", String.valueOf(port), "-B", NeighbourLab.SERVER),
                    dir.resolve("iperf3-server-" + port + ".log")));
        }
        a.start();
        b.start();
        pairAndAgree(a, b, APPROVED);
        load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        for (Setup s : setups) {
            configure(s);
            for (Condition c : CONDITIONS) {
                cells.add(cell(s, c));
            }
        }
        load = load + " at the start, " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + " at the end";
    }

    /** A line's tbf burst: 4 ms of its rate, at least 3000 B. */
    static String lineBurst(long kbps) {
        return Math.max(3000, kbps * 1000 / 8 * 4 / 1000) + "b";
    }

    /** a's sections for {@code s} (beyond the uplink, peer and offers): the bond, latency and suppression. */
    String config(Setup s) {
        return String.join("\n", EmergencyLabIT.emergencySection(lab), "\toption mode 'concentrator'",
                EmergencyLabIT.bondThroughConcentrator("wrr"), "config latency 'latency'", "\toption adhoc '0'",
                "\toption dup_own_copies '1'", "\toption dup_neighbour_copies '" + (s.duplicates ? 1 : 0) + "'",
                "config suppression 'suppress'", "\toption enabled '" + (s.suppresses ? 1 : 0) + "'");
    }

    /** a restarted for {@code s} (stopped for NONE), ready: its game path up and a warm-up game sent. */
    void configure(Setup s) throws Exception {
        a.stop();
        log("set-up: " + s.text);
        if (s == Setup.NONE) {
            Thread.sleep(1000);
            return;
        }
        a.extra = config(s);
        a.start();
        long restarted = System.nanoTime();
        awaitListening(a);
        // the channel to b again: b learns that a restarted only when its own session with a times
        // out or a's handshake reaches it (the time is reported: a router's restart costs its owner that)
        poll(a, "peers", j -> "ESTABLISHED".equals(j.path("channel").path("peers").path(0).path("state").asText()), 120);
        notes.add(String.format(Locale.ROOT, "%s: a's channel to b established %.1f s after a's restart", s.text,
                (System.nanoTime() - restarted) / 1e9));
        // the bond up (its member through b as well when duplicating): the game's path
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode d = null;
        while (System.nanoTime() < until) {
            d = rpc(a, "latency", null).path("duplication");
            if (s.duplicates ? d.path("on").asBoolean() && d.path("neighbourPathInUse").asBoolean()
                    : bondUp(rpc(a, "bonds", null))) {
                break;
            }
            Thread.sleep(250);
        }
        log("  a ready: duplication " + d);
        Thread.sleep(1500);
        // a warm-up game, not reported: the first LC session after a start pays the JIT of the copy
        // path and the pacer thread's start (a first run's idle p99 was 15.8 ms against 4.1 ms
        // saturated a phase later)
        Path warm = dir.resolve("warm-up-" + s.name().toLowerCase(Locale.ROOT) + ".json");
        int port = sport++;
        game(LatencyPathLabIT.game(lab, LC_PORT, port, 150, warm), warm, port);
    }

    /** Whether the first bond of {@code bonds} has its tunnel established ({@code BondDataPath.describe}). */
    static boolean bondUp(JsonNode bonds) {
        JsonNode first = bonds.isArray() ? bonds.path(0) : bonds.path("bonds").path(0);
        return first.path("tunnel").asText("").startsWith("established");
    }

    Cell cell(Setup s, Condition c) throws Exception {
        String name = s.name().toLowerCase(Locale.ROOT) + "-" + c.name().replace(' ', '-').replace("%", "pct");
        log("cell " + s.text + " / " + c.text());
        lines.set(c.lossPerMille(), c.bursty());
        int seconds = packets / 50 + 5;
        List<Process> bulk = new ArrayList<>();
        Map<String, Path> results = new LinkedHashMap<>();
        if (c.bulk()) {
            bulk.add(iperf("lan", IPERF_PORT, true, seconds, name + "-down", results));
            bulk.add(iperf("lan", IPERF_PORT + 1, false, seconds, name + "-up", results));
            if (c.bulkB()) {
                bulk.add(iperf("b", IPERF_PORT + 2, true, seconds, name + "-b-down", results));
                bulk.add(iperf("b", IPERF_PORT + 3, false, seconds, name + "-b-up", results));
            }
            Thread.sleep(3000); // the line and its queues fill
        }
        SuppressionWatch watch = s == Setup.NONE ? null : new SuppressionWatch(a);
        Map<String, long[]> before = lines.counters();
        long from = System.nanoTime();
        Path out = dir.resolve(name + ".json");
        int port = sport++;
        Game g = game(LatencyPathLabIT.game(lab, LC_PORT, port, packets, out), out, port);
        long to = System.nanoTime();
        Map<String, long[]> after = lines.counters();
        String suppression = watch == null ? "a's daemon stopped" : watch.stop();
        WhileOn on = watch == null ? WhileOn.NEVER
                : WhileOn.of(JSON.readTree(Files.readString(out).strip().lines().reduce((x, y) -> y).orElse("{}"))
                        .path("packets"), watch.firstEnforcingNanos());
        for (Process p : bulk) {
            if (!p.waitFor(seconds + 20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        double down = goodput(results.get(name + "-down"));
        double up = goodput(results.get(name + "-up"));
        double lossA = c.bursty() ? lines.burstShare(lab.inetToA(), from, to) : lost(before, after, "a");
        double lossB = c.bursty() ? lines.burstShare(lab.inetToB(), from, to) : lost(before, after, "b");
        long bUp = delta(before, after, "seen_up_b", 1);
        long bDown = delta(before, after, "seen_down_b", 1);
        lines.set(0, false);
        Cell cell = new Cell(s, c, g, down, up, lossA, lossB, bUp, bDown, to - from, suppression, on);
        log(String.format(Locale.ROOT, "  %s; bulk %.2f down %.2f up Mbit/s; lines lost %.2f %% / %.2f %%; b's line %d B up,"
                + " %d B down; %s", g, down, up, 100 * lossA, 100 * lossB, bUp, bDown, suppression));
        return cell;
    }

    /** An iperf3 client in {@code role}'s namespace ({@code download}: -R), JSON into a file named {@code name}. */
    Process iperf(String role, int port, boolean download, int seconds, String name, Map<String, Path> results)
            throws Exception {
        Path f = dir.resolve(name + ".iperf3.json");
        results.put(name, f);
        List<String> cmd = new ArrayList<>(List.of("iperf3", "-c", NeighbourLab.SERVER, "-p", String.valueOf(port), "-J",
                "-t", String.valueOf(seconds)));
        if (download) {
            cmd.add("-R");
        }
        Process p = background(lab.in(role, cmd.toArray(String[]::new)), f);
        tools.add(p);
        return p;
    }

    /** The receiver's goodput of an iperf3 -J file, Mbit/s; -1 when it has none. */
    static double goodput(Path f) {
        try {
            JsonNode j = JSON.readTree(Files.readString(f));
            double bps = j.path("end").path("sum_received").path("bits_per_second").asDouble(-1);
            return bps < 0 ? -1 : bps / 1e6;
        } catch (Exception e) {
            return -1;
        }
    }

    /** A line's loss both ways between two readings: lost / seen. */
    static double lost(Map<String, long[]> before, Map<String, long[]> after, String line) {
        long seen = delta(before, after, "seen_up_" + line, 0) + delta(before, after, "seen_down_" + line, 0);
        long lost = delta(before, after, "lost_up_" + line, 0) + delta(before, after, "lost_down_" + line, 0);
        return seen == 0 ? 0 : (double) lost / seen;
    }

    /** A counter's growth: {@code field} 0 packets, 1 bytes. */
    static long delta(Map<String, long[]> before, Map<String, long[]> after, String name, int field) {
        long[] x = before.get(name);
        long[] y = after.get(name);
        return y == null ? 0 : y[field] - (x == null ? 0 : x[field]);
    }

    /**
     * a's suppression while a cell runs, from its status every 500 ms (bounded: at most 10 minutes
     * of polls): how often it enforced and at what ceiling, and what its kernel dropped and marked.
     */
    static final class SuppressionWatch {
        private final Thread thread;
        private volatile boolean running = true;
        private int polls;
        private int enforcing;
        private int ceiling = -1;
        private long dropped;
        private long marked;
        private String reason = "";
        /** System.nanoTime() when a poll first answered ENFORCING (its answer's arrival), or MIN_VALUE. */
        private long firstEnforcing = Long.MIN_VALUE;

        SuppressionWatch(Router a) {
            thread = new Thread(() -> {
                for (int i = 0; i < 6000 && running; i++) {
                    try {
                        JsonNode s = rpc(a, "latency", null).path("suppression");
                        synchronized (this) {
                            polls++;
                            if ("ENFORCING".equals(s.path("state").asText())) {
                                if (enforcing == 0) {
                                    firstEnforcing = System.nanoTime();
                                }
                                enforcing++;
                                ceiling = Math.max(ceiling, s.path("enforcedPercent").asInt(-1));
                                reason = s.path("reason").asText();
                            }
                            dropped = Math.max(dropped, s.path("dropped").asLong());
                            marked = Math.max(marked, s.path("ecnMarked").asLong());
                        }
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // a poll that failed: the next one
                    }
                }
            }, "suppression-watch");
            thread.setDaemon(true);
            thread.start();
        }

        synchronized long firstEnforcingNanos() {
            return firstEnforcing;
        }

        String stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(5000);
            synchronized (this) {
                return String.format(Locale.ROOT, "suppression enforcing in %d of %d polls%s, dropped up to %d, marked %d",
                        enforcing, polls, enforcing > 0 ? " (ceiling " + ceiling + " %, " + reason + ")" : "", dropped,
                        marked);
            }
        }
    }

    Game game(Process p, Path out, int sport) throws Exception {
        if (!p.waitFor(packets / 50 + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the game did not end: " + out);
        }
        Thread.sleep(500);
        String last = Files.readString(out).strip().lines().reduce((x, y) -> y).orElse("");
        JsonNode j = JSON.readTree(last);
        return new Game(j.path("sent").asInt(), LatencyDuplicationLabIT.received(echoLog, LC_PORT, sport),
                j.path("echoes").asInt(), j.path("upP50Ms").asDouble(), j.path("upP99Ms").asDouble(),
                j.path("upMaxMs").asDouble(), j.path("downP50Ms").asDouble(), j.path("downP99Ms").asDouble(),
                j.path("downMaxMs").asDouble(), j.path("rttMedianMs").asDouble(), j.path("rttP99Ms").asDouble(),
                j.path("rttMaxMs").asDouble());
    }

    // ------------------------------------------------------------------ report

    static String f(double v) {
        return v < 0 ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    Cell find(Setup s, Condition c) {
        return cells.stream().filter(x -> x.setup() == s && x.condition().equals(c)).findFirst().orElse(null);
    }

    /**
     * Whether {@code lost} of {@code n} is consistent with a loss rate of at most {@code p}: the
     * chance of {@code lost} or more at rate {@code p} (binomial) is at least 1 %. With a handful of
     * expected losses a count a little over the bound is chance, not a failed mechanism.
     */
    static boolean atMost(int lost, int n, double p) {
        if (lost == 0) {
            return true;
        }
        // P(X >= lost) = 1 - P(X <= lost - 1)
        double term = Math.pow(1 - p, n);
        double cdf = term;
        for (int k = 1; k < lost; k++) {
            term *= (double) (n - k + 1) / k * p / (1 - p);
            cdf += term;
        }
        return p >= 1 || 1 - cdf >= 0.01;
    }

    String report() {
        StringBuilder sb = new StringBuilder();
        sb.append("### The game in each cell (ms; loss in packets of ").append(packets).append(")\n\n```text\n");
        sb.append(String.format(Locale.ROOT, "%-17s %-15s %17s %17s %17s %9s %9s %12s %15s%n", "set-up", "condition",
                "up p50/p99/max", "down p50/p99/max", "rtt p50/p99/max", "lost up", "lost down", "bulk dn+up",
                "lines lost a/b"));
        for (Cell c : cells) {
            Game g = c.game();
            sb.append(String.format(Locale.ROOT, "%-17s %-15s %17s %17s %17s %9d %9d %12s %15s%n", c.setup().text,
                    c.condition().name(), f(g.upP50()) + "/" + f(g.upP99()) + "/" + f(g.upMax()),
                    f(g.downP50()) + "/" + f(g.downP99()) + "/" + f(g.downMax()),
                    f(g.rttP50()) + "/" + f(g.rttP99()) + "/" + f(g.rttMax()), g.lostUp(), g.lostDown(),
                    c.bulk() < 0 ? "-" : f(c.bulkDown()) + "+" + f(c.bulkUp()),
                    String.format(Locale.ROOT, "%.2f/%.2f %%", 100 * c.lossA(), 100 * c.lossB())));
        }
        sb.append("```\n\n");
        sb.append("### The game while a's suppression was on\n\n");
        sb.append("From the first status poll (every 100 ms) that showed a's suppression enforcing: how long after the game's"
                + " first packet that was (onset), the packets sent from then on and their one-way p99 each way (ms). The"
                + " floor's p99 is this one (\"with suppression on\"); the table above holds the whole game, onset included.\n\n```text\n");
        sb.append(String.format(Locale.ROOT, "%-17s %-15s %9s %8s %8s %8s%n", "set-up", "condition", "onset ms", "packets",
                "up p99", "down p99"));
        for (Cell c : cells) {
            if (c.setup().suppresses && c.condition().bulk()) {
                WhileOn w = c.whileOn();
                sb.append(String.format(Locale.ROOT, "%-17s %-15s %9s %8d %8s %8s%n", c.setup().text, c.condition().name(),
                        w.onsetMs() < 0 ? "never" : String.format(Locale.ROOT, "%.0f", w.onsetMs()), w.packets(),
                        f(w.upP99()), f(w.downP99())));
            }
        }
        sb.append("```\n\n");
        sb.append("What a's suppression did in each cell (its status polled every 100 ms):\n\n");
        for (Cell c : cells) {
            if (c.setup() != Setup.NONE) {
                sb.append("- ").append(c.setup().text).append(", ").append(c.condition().name()).append(": ")
                        .append(c.suppression()).append('\n');
            }
        }
        sb.append('\n').append(verdicts());
        if (!notes.isEmpty()) {
            sb.append("\n### Notes of this run\n\n");
            notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        }
        return sb.toString();
    }

    String verdicts() {
        StringBuilder sb = new StringBuilder("### Verdicts (the issue's floors)\n\n```text\n");
        // 1. loss with duplication: at most 2 x the product of both lines' losses, each way
        for (Setup s : List.of(Setup.DUPLICATION, Setup.BOTH)) {
            for (Condition c : CONDITIONS) {
                Cell x = find(s, c);
                if (x == null || (c.lossPerMille() == 0 && !c.bursty())) {
                    continue;
                }
                double bound = 2 * x.lossA() * x.lossB();
                Game g = x.game();
                boolean upOk = atMost(g.lostUp(), g.sent(), bound);
                boolean downOk = atMost(g.lostDown(), g.up(), bound);
                sb.append(String.format(Locale.ROOT, "%-70s %s%n", s.text + ", " + c.name() + ": lost up " + g.lostUp()
                        + ", down " + g.lostDown() + " of " + g.sent() + "; 2 x product " + String.format(Locale.ROOT,
                        "%.3f %%", 100 * bound) + " (" + String.format(Locale.ROOT, "%.1f", bound * g.sent()) + ")",
                        upOk && downOk ? "PASS" : "FAIL"));
            }
        }
        // 2. p99 within 10 ms of idle with suppression on while bulk traffic saturates the line
        for (Setup s : List.of(Setup.SUPPRESSION, Setup.BOTH)) {
            Cell idle = find(s, CONDITIONS.get(0));
            for (Condition c : CONDITIONS) {
                Cell x = find(s, c);
                if (idle == null || x == null || !c.bulk()) {
                    continue;
                }
                WhileOn w = x.whileOn();
                double up = w.upP99() - idle.game().upP99();
                double dn = w.downP99() - idle.game().downP99();
                boolean measured = w.packets() >= MIN_SHARE_WHILE_ON * x.game().sent() && w.upP99() >= 0 && w.downP99() >= 0;
                sb.append(String.format(Locale.ROOT, "%-70s %s%n", s.text + ", " + c.name() + ": while on, p99 up "
                        + String.format(Locale.ROOT, "%+.1f", up) + " ms, down " + String.format(Locale.ROOT, "%+.1f", dn)
                        + " ms over idle (" + w.packets() + " packets; onset " + String.format(Locale.ROOT, "%.0f", w.onsetMs())
                        + " ms)", measured && up <= P99_OVER_IDLE_MS && dn <= P99_OVER_IDLE_MS ? "PASS" : "FAIL"));
            }
        }
        // 3. bulk goodput lost to suppression under 20 %
        for (Setup[] pair : new Setup[][] {{Setup.NONE, Setup.SUPPRESSION}, {Setup.DUPLICATION, Setup.BOTH}}) {
            for (Condition c : CONDITIONS) {
                Cell without = find(pair[0], c);
                Cell with = find(pair[1], c);
                if (without == null || with == null || !c.bulk() || without.bulk() <= 0 || with.bulk() < 0) {
                    continue;
                }
                double lostShare = 1 - with.bulk() / without.bulk();
                sb.append(String.format(Locale.ROOT, "%-70s %s%n", "bulk, " + pair[1].text + " against " + pair[0].text
                        + ", " + c.name() + ": " + f(with.bulk()) + " of " + f(without.bulk()) + " Mbit/s ("
                        + String.format(Locale.ROOT, "%.0f %% lost", 100 * lostShare) + ")",
                        lostShare < MAX_BULK_LOSS ? "PASS" : "FAIL"));
            }
        }
        // 4. b's uplink carries only the LC copies: its bytes up within 5 % of the game's copies, on
        // top of what b's line carries of its own (measured with a stopped: no coopwan, idle)
        int copyBytes = GAME_IP_BYTES + BondLcClassifier.COPY_OVERHEAD;
        Cell alone = find(Setup.NONE, CONDITIONS.get(0));
        double ownPerNs = alone == null || alone.windowNanos() <= 0 ? 0 : (double) alone.bUpBytes() / alone.windowNanos();
        for (Setup s : List.of(Setup.DUPLICATION, Setup.BOTH)) {
            for (Condition c : CONDITIONS) {
                Cell x = find(s, c);
                if (x == null || c.bulkB()) {
                    continue;
                }
                long expected = (long) x.game().sent() * copyBytes;
                long own = Math.round(ownPerNs * x.windowNanos());
                double ratio = expected == 0 ? Double.NaN : (double) (x.bUpBytes() - own) / expected;
                sb.append(String.format(Locale.ROOT, "%-70s %s%n", s.text + ", " + c.name() + ": b's line up "
                        + x.bUpBytes() + " B, less b's own " + own + " B = " + String.format(Locale.ROOT, "%.3f", ratio)
                        + " x the copies (down " + x.bDownBytes() + " B)",
                        Math.abs(ratio - 1) <= NEIGHBOUR_BYTES_TOLERANCE ? "PASS" : "FAIL"));
            }
        }
        sb.append("```\n\n");
        sb.append("1: the game's loss with duplication, each way, is at most twice the product of both lines' losses in"
                + " the same cell (random: the lines' counted loss; bursty: the share of time each spent in bursts), by a"
                + " one-sided binomial test at 1 %. 2: with suppression on (the packets sent from the first poll that showed"
                + " it enforcing; at least " + (int) (100 * MIN_SHARE_WHILE_ON) + " % of the game's, or FAIL), the game's"
                + " one-way p99 (each way) is within " + (int) P99_OVER_IDLE_MS + " ms of the same set-up's idle cell. 3: the bulk's goodput (download + upload)"
                + " with suppression is more than " + (int) (100 * (1 - MAX_BULK_LOSS)) + " % of the set-up without it"
                + " in the same condition. 4: what b's line carried up while the game ran (IP bytes, counted in inet) is"
                + " within " + (int) (100 * NEIGHBOUR_BYTES_TOLERANCE) + " % of one copy of each game packet, " + copyBytes
                + " B (its " + GAME_IP_BYTES + " B and a copy's " + BondLcClassifier.COPY_OVERHEAD + " B of LC_COPY,"
                + " tunnel and UDP/IP headers), after what b's line carried of its own in the same time (its rate in"
                + " the cell no coopwan, idle: b's own probes); down is information (the concentrator's replies and the"
                + " member's keep-alives).\n");
        return sb.toString();
    }
}
