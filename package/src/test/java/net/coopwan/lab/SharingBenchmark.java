package net.coopwan.lab;

import static net.coopwan.lab.BenchSupport.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.lab.ChannelLabIT.Router;

/**
 * The bandwidth-sharing benchmark of issue 16 (docs/benchmarks/sharing/README.md): a neighbour's
 * spare capacity used by new sessions and handed back to its owner within one window, measured
 * side by side in one run. Two packaged daemons in {@link NeighbourLab} (namespaces
 * {@code hb<4 hex>-*}): the borrower a and the sharer b, their ISP links shaped by tbf (a 10 and
 * b 20 Mbit/s by default), one lab per estimate window T (1 s, then 10 s). Per lab: the LAN's new
 * sessions with sharing off (a port sharing never moves) and on (port 80), the source address the
 * server sees; long sessions opened before and after the offer; b's own download alone and while
 * a borrows (time to 90 %, the offer's withdrawal, the last session moved); every 1 s window of
 * what b lent, from the kernel's packet timestamps on b's tunnel device. Needs root; run it
 * through {@code docs/benchmarks/sharing/run.sh}. Not a test (its name ends in neither Test nor
 * IT).
 *
 * <p>Arguments: {@code [--quick] [--reps N] [--windows 1,10] [--rate-a MBIT] [--rate-b MBIT]
 * [--uplink SPEC] [--work DIR] [--out FILE] [--results-md FILE] [--command TEXT]}.
 */
public final class SharingBenchmark {
    static final String PREFIX = "hb";
    static final int PEER_PORT = 4796;
    /** Sharing moves new sessions to port 80 (the default ports are 80 and 443). */
    static final int SHARED_PORT = 80;
    /** A port sharing never moves: the same load on it is "sharing off", in the same run. */
    static final int HOME_PORT = 8080;
    static final int IPERF_PORT = 5211;
    /** The window of the sharer's kernel quota (SharingWiring: the offer's window field, 1 s). */
    /** The sharer's quota window at T = {@code w} s: its T, at most 10 s (main.SharingWiring.quotaWindowMs). */
    static long quotaWindowMs(int w) {
        return Math.min(10_000L, w * 1000L);
    }

    /** What the sharer's kernel quota (its sliding window, moved every T/20, 25 to 100 ms) sustains of the offer at that window. */
    static double quotaRate(int w) {
        return net.coopwan.daemon.steer.SlidingWindowQuota.sustainedPerMille(quotaWindowMs(w)) / 1000.0;
    }
    /** The LAN's load: parallel loops of new sessions, each a download of this size. */
    static final int PARALLEL = 16;
    static final int SESSION_BYTES = 256 * 1024;
    /**
     * Beside them, the issue's {@code iperf3 -P 8}: this many sessions that last the whole load (a
     * download larger than the load can carry), opened together at its start. traffic.py's, not
     * iperf3's: its server's first line tells each session's path.
     */
    static final int LONG_SESSIONS = 8;
    static final int LONG_BYTES = 1 << 30;
    static final int TRICKLE_BEFORE = 4;
    static final int TRICKLE_AFTER = 12;
    /** What b's owner approves of a's sharing offer (EmergencyDemo's): 5 Mbit/s, at most half of b's line. */
    static final long AGREED_KBPS = 5000;
    static final int MAX_SHARE_PERCENT = 50;
    static final String APPROVED = "bandwidth_sharing:bandwidth_kbps=" + AGREED_KBPS + ",max_share_percent="
            + MAX_SHARE_PERCENT;

    /** Targets (docs/benchmarks/sharing/README.md says why each). */
    static final double TARGET_GAIN_OF_QUOTA_RATE = 0.75;
    static final double TARGET_OWN_SHARE = 0.90;

    private final boolean quick;
    private final int reps;
    private final List<Integer> windowsS;
    private final long rateAKbps;
    private final long rateBKbps;
    private final String uplinkSpec;
    private final Path work;
    private final Path traffic;
    private final ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    private final Map<String, String> verdicts = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final StringBuilder report = new StringBuilder();
    private final StringBuilder line = new StringBuilder();
    private String load = "";

    SharingBenchmark(boolean quick, int reps, List<Integer> windowsS, long rateAKbps, long rateBKbps, String uplinkSpec,
            Path work, Path traffic) {
        this.quick = quick;
        this.reps = reps;
        this.windowsS = windowsS;
        this.rateAKbps = rateAKbps;
        this.rateBKbps = rateBKbps;
        this.uplinkSpec = uplinkSpec;
        this.work = work;
        this.traffic = traffic;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        int reps = -1;
        List<Integer> windows = List.of(1, 10);
        long rateA = 5;
        long rateB = 20;
        String uplink = null;
        Path work = null;
        Path out = null;
        Path resultsMd = null;
        String command = "docs/benchmarks/sharing/run.sh";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--windows" -> windows = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--rate-a" -> rateA = Long.parseLong(args[++i]);
                case "--rate-b" -> rateB = Long.parseLong(args[++i]);
                case "--uplink" -> uplink = args[++i];
                case "--work" -> work = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--results-md" -> resultsMd = Path.of(args[++i]);
                case "--command" -> command = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        reps = reps < 1 ? (quick ? 1 : 3) : Math.min(reps, 20);
        for (int w : windows) {
            if (w < 1 || w > 60) {
                throw new IllegalArgumentException("--windows: 1-60 s each, got " + w);
            }
        }
        if (rateA < 1 || rateA > 1000 || rateB < 1 || rateB > 1000) {
            throw new IllegalArgumentException("--rate-a/--rate-b: 1-1000 Mbit/s");
        }
        if (uplink != null) {
            // refuse a bad spec before any lab is built
            ImpairedUplink.apply(uplink, new LinkImpairment(1, 0), new LinkImpairment(2, 0));
        }
        if (work == null) {
            work = Files.createTempDirectory("coopwan-sharingbench");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(BenchSupport::closeAll, "close-labs"));
        NeighbourLab.removeLeftovers(PREFIX);
        SharingBenchmark b = new SharingBenchmark(quick, reps, windows, rateA * 1000, rateB * 1000, uplink, work,
                Path.of(System.getProperty("sharing.traffic", "docs/benchmarks/sharing/traffic.py")).toAbsolutePath());
        try {
            b.run();
        } finally {
            closeAll();
        }
        publish(b.report(), b.header(command), out, "Bandwidth sharing benchmark results, " + b.stamp(), resultsMd, "Bandwidth sharing (issue 16)"
                + (uplink != null ? " on an impaired line" : "") + (quick ? ", quick run" : ""));
        System.exit(0);
    }

    String stamp() {
        return started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }

    String header(String command) {
        return "Command: `" + command + "` (as root), " + stamp() + ". Machine: " + machine() + "; load average "
                + load + ". " + reps + " repetition(s) per figure" + (quick ? " (--quick)" : "") + "; a's ISP link "
                + rateAKbps / 1000 + " Mbit/s, b's " + rateBKbps / 1000 + " Mbit/s (tbf both ways). Daemon logs were in "
                + work + ".\n" + (uplinkSpec == null ? "" : "\na's ISP link: `" + uplinkSpec + "` each way (ImpairedUplink), "
                        + "not the lab's ideal veth. What crossed it, per lab:\n\n```text\n" + line + "```\n");
    }

    // ------------------------------------------------------------------ the lab

    /** b's and a's sharing status, polled every 100 ms for the whole lab (the offer, the quota, the share). */
    record Status(long nanos, String bState, long offerDown, long offerUp, long quotaBytes, String aState, int perMille) {
    }

    /** One NeighbourLab with the two routers for one estimate window T, its links shaped, its servers running. */
    final class Setup implements AutoCloseable {
        final int windowS;
        final String prefix;
        final NeighbourLab lab;
        final Router a;
        final Router b;
        final Path dir;
        final List<Process> tools = new ArrayList<>();
        final List<Status> status = new CopyOnWriteArrayList<>();
        ImpairedUplink uplink;
        String idA;
        private volatile boolean polling = true;
        private Thread poller;

        Setup(int windowS) throws Exception {
            this.windowS = windowS;
            this.prefix = PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
            this.dir = Files.createDirectories(work.resolve(prefix + "-T" + windowS));
            this.lab = new NeighbourLab(prefix);
            OPEN.add(this);
            if (uplinkSpec != null) {
                uplink = new ImpairedUplink(lab, uplinkSpec, ThreadLocalRandom.current().nextLong());
            }
            StringBuilder why = new StringBuilder();
            // the ISP links: downloads shaped where they leave inet, uploads where they leave the router
            boolean shaped = shape(lab, "inet", lab.inetToA(), rateAKbps, why) & shape(lab, "a", lab.aWan(), rateAKbps, why)
                    & shape(lab, "inet", prefix + "ib", rateBKbps, why) & shape(lab, "b", lab.bWan(), rateBKbps, why);
            if (!shaped) {
                throw new IllegalStateException("tbf refused: " + why);
            }
            a = new Router(dir, prefix + "-", "a", lab.aPeer(), PEER_PORT);
            b = new Router(dir, prefix + "-", "b", lab.bPeer(), PEER_PORT);
            a.uplinkDevice = lab.aWan();
            b.uplinkDevice = lab.bWan();
            a.offers = EmergencyDemo.SHARING_OFFER;
            b.offers = "";
            a.downKbps = rateAKbps;
            a.upKbps = rateAKbps;
            b.downKbps = rateBKbps;
            b.upKbps = rateBKbps;
            // a borrows as soon as something is offered (busy from 0 %): the benchmark loads a's line
            // itself, and a threshold would only delay the first moved session by up to T
            a.extra = String.join("\n", "config sharing 'sharing'", "\toption window_s '" + windowS + "'",
                    "\toption busy_percent '0'", "config failover 'failover'", "\toption enabled '0'",
                    "\tlist lan '" + lab.aLan() + "'");
            b.extra = String.join("\n", "config sharing 'sharing'", "\toption window_s '" + windowS + "'");
            for (int port : List.of(SHARED_PORT, HOME_PORT)) {
                tools.add(background(lab.in("inet", "python3", traffic.toString(), "server", NeighbourLab.SERVER,
                        String.valueOf(port), "3600", dir.resolve("server-" + port + ".txt").toString()),
                        dir.resolve("server-" + port + ".log")));
            }
            tools.add(background(lab.in("inet", "iperf3", "-s", "-p", String.valueOf(IPERF_PORT), "-B", NeighbourLab.SERVER),
                    dir.resolve("iperf3-server.log")));
            a.start();
            b.start();
            awaitListening(a);
            awaitListening(b);
            log("T = " + windowS + " s: lab " + prefix + " up, a " + rateAKbps + " kbit/s, b " + rateBKbps + " kbit/s");
        }

        void pair() throws Exception {
            idA = pairAndAgree(a, b, APPROVED)[0];
            poller = new Thread(this::pollStatus, "status-" + prefix);
            poller.setDaemon(true);
            poller.start();
        }

        private void pollStatus() {
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(60);
            while (polling && System.nanoTime() < end) {
                try {
                    JsonNode lb = rpc(b, "sharing", null).path("lending").path(0);
                    JsonNode ba = rpc(a, "sharing", null).path("borrowing").path(0);
                    status.add(new Status(System.nanoTime(), lb.path("state").asText("-"), lb.path("offerDownKbps").asLong(),
                            lb.path("offerUpKbps").asLong(), lb.path("quotaBytes").asLong(), ba.path("state").asText("-"),
                            ba.path("perMille").asInt()));
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a missed sample; the next one comes 100 ms later
                }
            }
        }

        /** The last status at or before {@code nanos}, or null. */
        Status at(long nanos) {
            Status last = null;
            for (Status s : status) {
                if (s.nanos() > nanos) {
                    break;
                }
                last = s;
            }
            return last;
        }

        /**
         * The offer an idle b makes: the agreement's rate, at most its share of b's line and b's line
         * less the estimate's 10 % margin (docs/PROTOCOL.md 3.13).
         */
        long fullOfferKbps() {
            return Math.min(AGREED_KBPS, Math.min(rateBKbps * MAX_SHARE_PERCENT / 100, rateBKbps * 9 / 10));
        }

        /**
         * Waits until a moves new sessions to b under b's whole offer (BORROWING, share above 0,
         * {@link #fullOfferKbps}): b's estimate rises in steps, so a measurement started at the first
         * small offer would measure the rise. The wait in ms, or -1.
         */
        long awaitBorrowing(long seconds) throws Exception {
            long t0 = System.nanoTime();
            long until = t0 + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < until) {
                Status s = status.isEmpty() ? null : status.get(status.size() - 1);
                if (s != null && "BORROWING".equals(s.aState()) && s.perMille() > 0 && s.offerDown() >= fullOfferKbps()) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
                Thread.sleep(100);
            }
            return -1;
        }

        Process tool(String role, String name, String... argv) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("python3", traffic.toString()));
            cmd.addAll(Arrays.asList(argv));
            Process p = background(lab.in(role, cmd.toArray(String[]::new)), dir.resolve(name + ".log"));
            tools.add(p);
            return p;
        }

        @Override
        public void close() {
            polling = false;
            for (Process p : tools) {
                p.destroyForcibly();
            }
            if (a != null) {
                a.stop();
            }
            if (b != null) {
                b.stop();
            }
            if (uplink != null) {
                line.append("T = ").append(windowS).append(" s, lab ").append(prefix).append(": ").append(uplink.stats())
                        .append('\n');
                uplink.close();
            }
            lab.close();
            OPEN.remove(this);
        }
    }

    // ------------------------------------------------------------------ the LAN's sessions

    /** One session of the bulk loops: start and end (nanoTime), the address the server saw, bytes, status. */
    record Session(long start, long end, String seen, long bytes, String status) {
    }

    /** A bulk run's file: its sessions and, per path, the cumulative bytes every 100 ms. */
    record Bulk(List<Session> sessions, Map<String, List<long[]>> ticks) {
        static Bulk read(Path file) throws IOException {
            List<Session> sessions = new ArrayList<>();
            Map<String, List<long[]>> ticks = new LinkedHashMap<>();
            if (Files.exists(file)) {
                for (String l : Files.readAllLines(file)) {
                    String[] p = l.split(" ");
                    if (p.length == 7 && p[0].equals("X")) {
                        sessions.add(new Session(Long.parseLong(p[1]), Long.parseLong(p[2]), p[4], Long.parseLong(p[5]), p[6]));
                    } else if (p.length == 4 && p[0].equals("T")) {
                        ticks.computeIfAbsent(p[2], k -> new ArrayList<>()).add(new long[] {Long.parseLong(p[1]),
                            Long.parseLong(p[3])});
                    }
                }
            }
            return new Bulk(sessions, ticks);
        }

        /**
         * Two loads that ran together as one: their sessions, and per path a cumulative series at
         * every instant either ticked, the sum of both.
         */
        static Bulk merge(Bulk a, Bulk b) {
            List<Session> sessions = new ArrayList<>(a.sessions());
            sessions.addAll(b.sessions());
            Map<String, List<long[]>> ticks = new LinkedHashMap<>();
            java.util.Set<String> paths = new java.util.LinkedHashSet<>(a.ticks().keySet());
            paths.addAll(b.ticks().keySet());
            for (String path : paths) {
                List<long[]> ta = a.ticks().getOrDefault(path, List.of());
                List<long[]> tb = b.ticks().getOrDefault(path, List.of());
                java.util.TreeSet<Long> at = new java.util.TreeSet<>();
                ta.forEach(x -> at.add(x[0]));
                tb.forEach(x -> at.add(x[0]));
                List<long[]> sum = new ArrayList<>();
                for (long t : at) {
                    sum.add(new long[] {t, cumulative(ta, t) + cumulative(tb, t)});
                }
                ticks.put(path, sum);
            }
            return new Bulk(sessions, ticks);
        }

        /** Bytes received on the path {@code seen} (null: every path) between two instants. */
        long bytes(String seen, long from, long to) {
            long sum = 0;
            for (Map.Entry<String, List<long[]>> e : ticks.entrySet()) {
                if (seen == null || e.getKey().equals(seen)) {
                    sum += cumulative(e.getValue(), to) - cumulative(e.getValue(), from);
                }
            }
            return sum;
        }

        private static long cumulative(List<long[]> t, long at) {
            long v = 0;
            for (long[] x : t) {
                if (x[0] > at) {
                    break;
                }
                v = x[1];
            }
            return v;
        }
    }

    /** Runs the LAN's bulk load to {@code port} for {@code seconds}, waiting for it; its file. */
    /** The LAN's load on {@code port}: the loops of short sessions and the long sessions together. */
    Bulk bulk(Setup s, int port, int seconds, String name) throws Exception {
        Path out = s.dir.resolve(name + ".txt");
        Path longOut = s.dir.resolve(name + "-long.txt");
        Process p = s.tool("lan", name, "bulk", NeighbourLab.SERVER, String.valueOf(port), String.valueOf(PARALLEL),
                String.valueOf(SESSION_BYTES), String.valueOf(seconds), out.toString());
        Process q = s.tool("lan", name + "-long", "bulk", NeighbourLab.SERVER, String.valueOf(port),
                String.valueOf(LONG_SESSIONS), String.valueOf(LONG_BYTES), String.valueOf(seconds), longOut.toString());
        for (Process x : List.of(p, q)) {
            if (!x.waitFor(seconds + 30, TimeUnit.SECONDS)) {
                x.destroyForcibly();
                notes.add(name + ": the load did not end in time");
            }
        }
        return Bulk.merge(Bulk.read(out), Bulk.read(longOut));
    }

    // ------------------------------------------------------------------ running

    /** Per lab: the report's figures, keyed "T|what". */
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();

    void add(int windowS, String what, double v) {
        samples.computeIfAbsent(windowS + "|" + what, k -> new ArrayList<>()).add(v);
    }

    List<Double> get(int windowS, String what) {
        return samples.getOrDefault(windowS + "|" + what, List.of());
    }

    void run() throws Exception {
        load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        for (int w : windowsS) {
            try (Setup s = new Setup(w)) {
                runLab(s);
            } catch (Exception e) {
                notes.add("T = " + w + " s: the lab stopped early: " + e);
                e.printStackTrace(System.out);
            }
        }
        load = load + " at the start, " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + " at the end";
    }

    void runLab(Setup s) throws Exception {
        int w = s.windowS;
        int phase = quick ? 6 : 10;
        // b's own download alone, before any agreement: what b's users get without sharing
        OwnDownload alone = ownDownload(s, quick ? 5 : 8, "own-alone");
        if (alone == null) {
            throw new IllegalStateException("b's own download failed");
        }
        add(w, "own.alone", alone.steadyMbit());
        add(w, "own.alone.t90", alone.t90Ms(alone.steadyMbit()));
        log(String.format(Locale.ROOT, "T = %d s: b's own download alone %.2f Mbit/s, 90 %% after %.0f ms", w,
                alone.steadyMbit(), alone.t90Ms(alone.steadyMbit())));
        // sessions opened before the offer: they must never move
        Path before = s.dir.resolve("trickle-before.txt");
        s.tool("lan", "trickle-before", "trickle", NeighbourLab.SERVER, String.valueOf(SHARED_PORT),
                String.valueOf(TRICKLE_BEFORE), "3000", before.toString());
        Thread.sleep(1000);
        s.pair();
        long borrowMs = s.awaitBorrowing(6L * w + 30);
        if (borrowMs < 0) {
            throw new IllegalStateException("a never borrowed; the daemons' logs are in " + s.dir);
        }
        log("T = " + w + " s: a borrows " + borrowMs + " ms after the agreement");
        add(w, "offer.after.agreement", borrowMs);
        // the lent bytes on b's tunnel device, with the kernel's timestamps, from now on
        String tun = helperTun(s);
        Path cap = s.dir.resolve("capture.txt");
        List<Process> captures = new ArrayList<>();
        if (tun != null) {
            captures.add(s.tool("b", "capture", "capture", tun, "3000", cap.toString()));
            // the same packets as they reached b from its ISP, before b's limit: the limiter's own time
            captures.add(s.tool("b", "capture-wan", "capture", s.lab.bWan(), "3000",
                    s.dir.resolve("capture-wan.txt").toString(), "in"));
            // b's own carried_* counters (after its limit, in its unit) read every 10 ms: the verdict
            captures.add(s.tool("b", "counters", "counters", "3000", s.dir.resolve("counters.txt").toString()));
        } else {
            notes.add("T = " + w + " s: no tunnel device on b; the quota was not measured");
        }
        // sessions opened after the offer: about a third move, and must never come back
        Path after = s.dir.resolve("trickle-after.txt");
        s.tool("lan", "trickle-after", "trickle", NeighbourLab.SERVER, String.valueOf(SHARED_PORT),
                String.valueOf(TRICKLE_AFTER), "3000", after.toString());
        Thread.sleep(2000);
        // 1. capacity: the same load on a port sharing never moves (off) and on port 80 (on)
        for (int rep = 1; rep <= reps; rep++) {
            s.awaitBorrowing(3L * w + 20);
            Bulk off = bulk(s, HOME_PORT, phase, "off-" + rep);
            s.awaitBorrowing(3L * w + 20);
            Status st = s.at(System.nanoTime());
            long onFrom = System.nanoTime();
            Bulk on = bulk(s, SHARED_PORT, phase, "on-" + rep);
            capacity(s, rep, off, on, st, Trickles.read(before, after));
            log(String.format(Locale.ROOT, "T = %d s, rep %d: the borrower's split of new sessions during the load: %s", w,
                    rep, split(s.status, onFrom, System.nanoTime())));
        }
        // 3. hand-back: b's own download starts while a's moved sessions run
        for (int rep = 1; rep <= reps; rep++) {
            if (s.awaitBorrowing(3L * w + 30) < 0) {
                notes.add("T = " + w + " s: the offer did not come back before hand-back " + rep);
                break;
            }
            handBack(s, rep, alone);
        }
        // 2. sessions keep their path (every trickle session, read once the offer is back and they flow again)
        s.awaitBorrowing(3L * w + 30);
        paths(s, before, after, System.nanoTime());
        for (Process p : captures) {
            p.destroy(); // SIGTERM: the capture flushes its file and says what it dropped
            p.waitFor(5, TimeUnit.SECONDS);
        }
        quota(s, cap);
    }

    /** b's helper tunnel device (cwh4..7), once it is there. */
    static String helperTun(Setup s) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            for (String l : s.lab.exec("b", "ip", "-o", "link").stdout().split("\n")) {
                String[] p = l.split(": ");
                if (p.length > 1 && p[1].matches("cwh[0-9]+(@.*)?")) {
                    return p[1].replaceFirst("@.*", "");
                }
            }
            Thread.sleep(200);
        }
        return null;
    }

    // ------------------------------------------------------------------ 1. capacity

    void capacity(Setup s, int rep, Bulk off, Bulk on, Status st, Trickles trickles) {
        int w = s.windowS;
        // the first second is the loops' ramp; the rest is the figure. Everything the LAN host
        // received counts, the trickle sessions too (they are the LAN's goodput as well, and those
        // through b use the offer): off is a's own line (what came from a's address: the load and
        // the trickles at home; the trickles through b are the sharing's, not a's line), on is
        // every path
        String home = NeighbourLab.A_WAN;
        double offMbit = goodput(off, home, trickles);
        double onMbit = goodput(on, null, trickles);
        double viaB = goodput(on, NeighbourLab.B_WAN, trickles);
        long sessionsOn = on.sessions().size();
        long sessionsViaB = on.sessions().stream().filter(x -> x.seen().equals(NeighbourLab.B_WAN)).count();
        // a session still running when the load's time is up ends "short": cut by the benchmark, not failed
        long failed = on.sessions().stream().filter(x -> x.status().startsWith("error")).count()
                + off.sessions().stream().filter(x -> x.status().startsWith("error")).count();
        add(w, "off", offMbit);
        add(w, "on", onMbit);
        add(w, "viaB", viaB);
        add(w, "ratio", onMbit / offMbit);
        add(w, "sessions.viaB.share", sessionsOn == 0 ? Double.NaN : (double) sessionsViaB / sessionsOn);
        add(w, "sessions.failed", failed);
        if (st != null) {
            add(w, "offer", st.offerDown());
            add(w, "quota", st.quotaBytes());
        }
        log(String.format(Locale.ROOT, "T = %d s, rep %d: off %.2f Mbit/s, on %.2f Mbit/s (%.2f through b, %d of %d "
                + "sessions), offer %s kbit/s, %d sessions failed", w, rep, offMbit, onMbit, viaB, sessionsViaB, sessionsOn,
                st == null ? "?" : String.valueOf(st.offerDown()), failed));
    }

    /**
     * The borrower's per mille of new sessions as the status polls saw it between {@code from} and
     * {@code to}: min, median, max and the share of polls at 0 (what the split learned, for the log).
     */
    static String split(List<Status> polls, long from, long to) {
        List<Integer> v = polls.stream().filter(x -> x.nanos() >= from && x.nanos() <= to && x.aState() != null)
                .map(Status::perMille).sorted().toList();
        if (v.isEmpty()) {
            return "no status polled";
        }
        long zero = v.stream().filter(x -> x == 0).count();
        return String.format(Locale.ROOT, "per mille min %d, median %d, max %d, at 0 in %d of %d polls", v.get(0),
                v.get(v.size() / 2), v.get(v.size() - 1), zero, v.size());
    }

    /**
     * Goodput (Mbit/s) of a bulk run and the trickle sessions at the same time on path
     * {@code seen} (null: all), from 1 s after the run's start to its last tick.
     */
    static double goodput(Bulk b, String seen, Trickles trickles) {
        long[] w = window(b);
        return w == null ? Double.NaN
                : (b.bytes(seen, w[0], w[1]) + trickles.bytes(seen, w[0], w[1])) * 8 / ((w[1] - w[0]) / 1e9) / 1e6;
    }

    /** A bulk run's measured window {from, to} in nanoTime: 1 s after its first tick to its last; null when under 2 s. */
    static long[] window(Bulk b) {
        long first = Long.MAX_VALUE;
        long last = 0;
        for (List<long[]> t : b.ticks().values()) {
            if (!t.isEmpty()) {
                first = Math.min(first, t.get(0)[0]);
                last = Math.max(last, t.get(t.size() - 1)[0]);
            }
        }
        return last <= first + 2_000_000_000L ? null : new long[] {first + 1_000_000_000L, last};
    }

    /**
     * The trickle sessions' received bytes over time, per session: {nanoTime, cumulative bytes}
     * from its opening (0) and each progress line (every second while data arrives), and the path
     * it took.
     */
    record Trickles(Map<String, String> seen, Map<String, List<long[]>> series) {
        static Trickles read(Path... files) throws IOException {
            Map<String, String> seen = new LinkedHashMap<>();
            Map<String, List<long[]>> series = new LinkedHashMap<>();
            for (Path f : files) {
                if (!Files.exists(f)) {
                    continue;
                }
                for (String l : Files.readAllLines(f)) {
                    String[] p = l.split(" ");
                    String key = f.getFileName() + ":" + (p.length > 2 ? p[2] : "");
                    if (p[0].equals("O") && p.length == 4) {
                        seen.put(key, p[3]);
                        series.put(key, new ArrayList<>(List.<long[]>of(new long[] {Long.parseLong(p[1]), 0})));
                    } else if ((p[0].equals("P") && p.length == 6 || p[0].equals("E") && p.length == 7)
                            && series.containsKey(key)) {
                        series.get(key).add(new long[] {Long.parseLong(p[1]), Long.parseLong(p[4])});
                    }
                }
            }
            return new Trickles(seen, series);
        }

        /** Bytes the sessions on {@code path} (null: all) received between two instants (linear between readings). */
        long bytes(String path, long from, long to) {
            long sum = 0;
            for (Map.Entry<String, List<long[]>> e : series.entrySet()) {
                if (path == null || path.equals(seen.get(e.getKey()))) {
                    sum += at(e.getValue(), to) - at(e.getValue(), from);
                }
            }
            return sum;
        }

        private static long at(List<long[]> t, long when) {
            long[] prev = null;
            for (long[] x : t) {
                if (x[0] >= when) {
                    if (prev == null) {
                        return 0;
                    }
                    return prev[1] + Math.round((x[1] - prev[1]) * (double) (when - prev[0]) / (x[0] - prev[0]));
                }
                prev = x;
            }
            return prev == null ? 0 : prev[1];
        }
    }

    // ------------------------------------------------------------------ 3. hand-back

    /** b's own iperf3 download: 100 ms intervals (Mbit/s), in iperf3's own time from the test's start. */
    record OwnDownload(long launched, double[] intervalEndS, double[] mbit) {
        double steadyMbit() {
            List<Double> v = new ArrayList<>();
            for (int i = 0; i < mbit.length; i++) {
                if (intervalEndS[i] > 1.0) {
                    v.add(mbit[i]);
                }
            }
            return median(v);
        }

        /** Ms until the average of the last 500 ms first reached 90 % of {@code reference}; NaN if never. */
        double t90Ms(double reference) {
            for (int i = 4; i < mbit.length; i++) {
                double sum = 0;
                for (int k = i - 4; k <= i; k++) {
                    sum += mbit[k];
                }
                if (sum / 5 >= TARGET_OWN_SHARE * reference) {
                    return intervalEndS[i] * 1000;
                }
            }
            return Double.NaN;
        }

        /** The median rate of the intervals ending after {@code fromS}. */
        double medianAfter(double fromS) {
            List<Double> v = new ArrayList<>();
            for (int i = 0; i < mbit.length; i++) {
                if (intervalEndS[i] > fromS) {
                    v.add(mbit[i]);
                }
            }
            return median(v);
        }
    }

    OwnDownload ownDownload(Setup s, int seconds, String name) throws Exception {
        long launched = System.nanoTime();
        Result r = s.lab.exec("b", "iperf3", "-c", NeighbourLab.SERVER, "-p", String.valueOf(IPERF_PORT), "-R", "-t",
                String.valueOf(seconds), "-i", "0.1", "-J", "--connect-timeout", "3000");
        Files.writeString(s.dir.resolve(name + ".json"), r.stdout());
        JsonNode j = iperfJson(r, notes);
        if (j == null) {
            return null;
        }
        List<Double> ends = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (JsonNode i : j.path("intervals")) {
            ends.add(i.path("sum").path("end").asDouble());
            rates.add(i.path("sum").path("bits_per_second").asDouble() / 1e6);
        }
        return new OwnDownload(launched, ends.stream().mapToDouble(Double::doubleValue).toArray(),
                rates.stream().mapToDouble(Double::doubleValue).toArray());
    }

    void handBack(Setup s, int rep, OwnDownload alone) throws Exception {
        int w = s.windowS;
        int own = w + (quick ? 6 : 8);
        Path file = s.dir.resolve("handback-" + rep + ".txt");
        Process load = s.tool("lan", "handback-" + rep, "bulk", NeighbourLab.SERVER, String.valueOf(SHARED_PORT),
                String.valueOf(PARALLEL), String.valueOf(SESSION_BYTES), String.valueOf(own + 6), file.toString());
        Thread.sleep(3000); // a's moved sessions are flowing through b
        OwnDownload d = ownDownload(s, own, "own-handback-" + rep);
        load.waitFor(30, TimeUnit.SECONDS);
        Thread.sleep(300);
        if (d == null) {
            notes.add("T = " + w + " s, hand-back " + rep + ": b's download failed");
            return;
        }
        Bulk b = Bulk.read(file);
        double ref = alone.steadyMbit();
        double t90 = d.t90Ms(ref);
        long launched = d.launched();
        long end = launched + (long) ((own + 0.5) * 1e9);
        // the offer's withdrawal and the borrower's share: the first poll after the launch that shows them
        double offerGone = Double.NaN;
        double shareZero = Double.NaN;
        for (Status st : s.status) {
            if (st.nanos() < launched || st.nanos() > end) {
                continue;
            }
            if (Double.isNaN(offerGone) && st.offerDown() == 0) {
                offerGone = (st.nanos() - launched) / 1e6;
            }
            if (Double.isNaN(shareZero) && st.perMille() == 0) {
                shareZero = (st.nanos() - launched) / 1e6;
            }
        }
        // the last new session that went through b while b's download ran, by its start
        double lastMoved = Double.NaN;
        long movedBefore = 0;
        for (Session x : b.sessions()) {
            if (x.seen().equals(NeighbourLab.B_WAN) && x.start() < end) {
                if (x.start() >= launched) {
                    lastMoved = Double.isNaN(lastMoved) ? (x.start() - launched) / 1e6
                            : Math.max(lastMoved, (x.start() - launched) / 1e6);
                } else {
                    movedBefore++;
                }
            }
        }
        // the moved sessions' rate through b once the offer is gone, until b's download ends
        double drainMbit = Double.NaN;
        if (!Double.isNaN(offerGone)) {
            long from = launched + (long) (offerGone * 1e6) + 1_000_000_000L;
            drainMbit = end > from ? b.bytes(NeighbourLab.B_WAN, from, end) * 8 / ((end - from) / 1e9) / 1e6 : Double.NaN;
        }
        double ownAfter = d.medianAfter(Double.isNaN(t90) ? own : t90 / 1000.0);
        add(w, "hb.t90", t90);
        add(w, "hb.offerGone", offerGone);
        add(w, "hb.shareZero", shareZero);
        add(w, "hb.lastMoved", Double.isNaN(lastMoved) ? 0 : lastMoved);
        add(w, "hb.drain", drainMbit);
        add(w, "hb.ownAfter", ownAfter / ref);
        add(w, "hb.movedBefore", movedBefore);
        log(String.format(Locale.ROOT, "T = %d s, hand-back %d: 90 %% of alone (%.2f Mbit/s) after %s ms (alone: %s ms); "
                + "offer 0 down after %s ms, share 0 after %s ms, last session moved while b downloads started %s ms "
                + "after the launch (%d moved before it); then %.2f Mbit/s through b, b's own at %.2f of alone", w, rep, ref, ms(t90),
                ms(alone.t90Ms(ref)), ms(offerGone), ms(shareZero), ms(lastMoved), movedBefore, drainMbit, ownAfter / ref));
    }

    // ------------------------------------------------------------------ 2. paths

    /** Per trickle session (local port): {opened nanos, seen, last progress nanos, bytes, max gap ms, ended status or ""}. */
    static Map<String, Object[]> trickles(Path file) throws IOException {
        Map<String, Object[]> m = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return m;
        }
        for (String l : Files.readAllLines(file)) {
            String[] p = l.split(" ");
            if (p[0].equals("O") && p.length == 4) {
                m.put(p[2], new Object[] {Long.parseLong(p[1]), p[3], Long.parseLong(p[1]), 0L, 0L, ""});
            } else if (p[0].equals("P") && p.length == 6 && m.containsKey(p[2])) {
                Object[] o = m.get(p[2]);
                o[2] = Long.parseLong(p[1]);
                o[3] = Long.parseLong(p[4]);
                o[4] = Long.parseLong(p[5]);
            } else if (p[0].equals("E") && p.length == 7 && m.containsKey(p[2])) {
                Object[] o = m.get(p[2]);
                o[5] = p[5];
                o[4] = Long.parseLong(p[6]);
            }
        }
        return m;
    }

    /**
     * The trickle sessions once the offer is back ({@code back}): each must receive again (a moved
     * one held to the drain quota, or any on a lossy line, may be in TCP's retransmission back-off),
     * so the check waits at most 60 s for every one of them to report progress after {@code back}.
     */
    void paths(Setup s, Path before, Path after, long back) throws Exception {
        int w = s.windowS;
        long until = back + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until && java.util.stream.Stream.of(trickles(before), trickles(after))
                .flatMap(m -> m.values().stream()).anyMatch(o -> (Long) o[2] <= back && ((String) o[5]).isEmpty())) {
            Thread.sleep(1000);
        }
        Thread.sleep(1500); // the newest progress lines reach the files
        Map<String, Object[]> pre = trickles(before);
        Map<String, Object[]> post = trickles(after);
        int preOk = 0;
        List<String> preBad = new ArrayList<>();
        long preGap = 0;
        for (Map.Entry<String, Object[]> e : pre.entrySet()) {
            Object[] o = e.getValue();
            boolean alive = (Long) o[2] > back && ((String) o[5]).isEmpty();
            preGap = Math.max(preGap, (Long) o[4]);
            // alive on a's address at the end is the proof: a session moved to b would have been reset or
            // starved for good (its source changes). Its longest gap is shown: on a lossy line TCP waits out
            // a retransmission for seconds without changing its path.
            if (o[1].equals(NeighbourLab.A_WAN) && alive) {
                preOk++;
            } else {
                preBad.add(e.getKey() + " from " + o[1] + (alive ? "" : " (stopped " + o[5] + ")") + ", gap " + o[4] + " ms");
            }
        }
        int viaB = 0;
        int viaBOk = 0;
        int viaA = 0;
        long postGap = 0;
        List<String> postBad = new ArrayList<>();
        for (Map.Entry<String, Object[]> e : post.entrySet()) {
            Object[] o = e.getValue();
            boolean alive = (Long) o[2] > back && ((String) o[5]).isEmpty();
            postGap = Math.max(postGap, (Long) o[4]);
            if (o[1].equals(NeighbourLab.B_WAN)) {
                viaB++;
                // held to the drain quota while b's users download, a moved session may wait: it must live on
                if (alive) {
                    viaBOk++;
                } else {
                    postBad.add(e.getKey() + (alive ? "" : " (stopped " + o[5] + ")") + ", gap " + o[4] + " ms");
                }
            } else {
                viaA++;
            }
        }
        String r = String.format(Locale.ROOT, "T = %d s: %d sessions opened before the offer (1000 B every 100 ms each): "
                + "%d of them from a's address and still receiving at the end (longest gap %d ms)%s;%n"
                + "  %d opened after it: %d through b, %d of those still receiving through b at the end (longest gap %d "
                + "ms, while b's own download held them to the drain quota)%s, %d from a's address%n", w, pre.size(), preOk, preGap, preBad.isEmpty() ? "" : " NOT: " + preBad, post.size(), viaB,
                viaBOk, postGap, postBad.isEmpty() ? "" : " NOT: " + postBad, viaA);
        pathsText.append(r);
        log(r);
        verdicts.put("T = " + w + " s: sessions from before the offer never move", pre.size() == TRICKLE_BEFORE
                && preOk == pre.size() ? "PASS" : "FAIL");
        verdicts.put("T = " + w + " s: a moved session stays on the sharer (and never comes back)", viaB == 0 ? "NOT MEASURED"
                : viaBOk == viaB ? "PASS" : "FAIL");
    }

    private final StringBuilder pathsText = new StringBuilder();
    private final StringBuilder quotaText = new StringBuilder();

    // ------------------------------------------------------------------ 4. quota

    void quota(Setup s, Path cap) throws Exception {
        int w = s.windowS;
        if (!Files.exists(cap)) {
            return;
        }
        for (String name : List.of("capture", "capture-wan", "counters")) {
            Path log = s.dir.resolve(name + ".log");
            String said = Files.exists(log) ? Files.readString(log).replace("ready", "").strip() : "";
            quotaText.append("T = ").append(w).append(" s, ").append(name).append(": ")
                    .append(said.isEmpty() ? "no statistics" : said).append('\n');
        }
        // When b's limit judged each packet it let through towards the borrower. The kernel's stamp on a
        // forwarded TCP segment is not its arrival: it is the sender's departure time (TCP's EDT stamp,
        // kept across namespaces), the same on b's WAN device and on the tunnel, and the segment then
        // waited up to the tbf queue's latency in inet before it reached b. So b judged it between its
        // stamp and the stamp plus that latency: windows are counted as certain and possible below.
        // (Taken as arrival times, the stamps showed up to 1.008 of the quota in a window with no
        // quota change near it.) The WAN device's stamp, found by IP id and TCP sequence number, is
        // used where the tunnel's differs (a packet sent before it was stamped again).
        // b's limit counts what the forward hook sees: a packet the WAN device received as one (GRO) is
        // counted once with its length there, its one IP and TCP header, while the tunnel sends it as
        // segments that each carry their own (1500-byte segments of a 17428-byte packet: 3.3 % more).
        // So the verdict counts in the limit's unit: a packet found on the WAN device by its length
        // there, its segments by nothing until that length is used up.
        Map<String, long[]> atWan = new java.util.HashMap<>();
        Path wan = s.dir.resolve("capture-wan.txt");
        if (Files.exists(wan)) {
            for (String l : Files.readAllLines(wan)) {
                String[] p = l.split(" ");
                if (p.length == 4 && !p[3].equals("-")) {
                    atWan.put(p[3], new long[] {Long.parseLong(p[0]), Long.parseLong(p[1])});
                }
            }
        }
        Lent lent = lent(Files.readAllLines(cap), atWan, TBF_LATENCY_MS * 1_000_000L);
        List<long[]> down = lent.down();
        List<long[]> downCounted = lent.downCounted();
        List<long[]> up = lent.up();
        long matched = lent.matched();
        long tails = lent.tails();
        long maxQuota = 0;
        for (Status st : s.status) {
            maxQuota = Math.max(maxQuota, st.quotaBytes());
        }
        // b's limit judged each packet between its two times: what was certainly, and what was possibly, in one window
        long quotaWindowMs = quotaWindowMs(w);
        long[] cp = certainAndPossible(downCounted, quotaWindowMs * 1_000_000L);
        long[] perSegment = certainAndPossible(down, quotaWindowMs * 1_000_000L);
        long delay = down.stream().mapToLong(x -> x[2] - x[0]).max().orElse(0);
        if (!down.isEmpty() && maxQuota > 0) {
            quotaText.append(String.format(Locale.ROOT, "T = %d s, down (information; the verdict is the counters'), b's limit "
                    + "judged each packet within %d ms after its "
                    + "kernel stamp (the server's departure time; then inet's tbf queue), in its unit (a packet the WAN device "
                    + "received as one counted once, at its length there): certainly in one window at most %d B "
                    + "= %.3f of the quota, possibly %d B = %.3f; per segment on the tunnel (each with its own headers): "
                    + "certainly %d B = %.3f, possibly %d B = %.3f%n", w, delay / 1_000_000, cp[0], (double) cp[0] / maxQuota,
                    cp[1], (double) cp[1] / maxQuota, perSegment[0], (double) perSegment[0] / maxQuota, perSegment[1],
                    (double) perSegment[1] / maxQuota));
        }
        Path counters = s.dir.resolve("counters.txt");
        Map<String, List<long[]>> readings = Files.exists(counters) ? counterReadings(Files.readAllLines(counters))
                : Map.of();
        for (String dir : List.of("down", "up")) {
            List<long[]> r = readings.entrySet().stream().filter(e -> e.getKey().startsWith("carried_" + dir + "_"))
                    .map(Map.Entry::getValue).findFirst().orElse(List.of());
            String verdict = "T = " + w + " s: lent " + dir + " within the quota in every " + quotaWindowMs + " ms window";
            if (r.size() < 2 || maxQuota == 0) {
                verdicts.put(verdict, "NOT MEASURED");
                continue;
            }
            long[] cpc = counterWindows(r, quotaWindowMs * 1_000_000L);
            long gap = 0;
            for (int i = 1; i < r.size(); i++) {
                gap = Math.max(gap, r.get(i)[1] - r.get(i - 1)[0]);
            }
            quotaText.append(String.format(Locale.ROOT, "T = %d s, %s, b's carried_%s counter (after its limit, in its "
                    + "unit) read %d times, at most %d ms apart: certainly in one window at most %d B = %.3f of the "
                    + "quota, possibly %d B = %.3f%n", w, dir, dir, r.size(), gap / 1_000_000, cpc[0],
                    (double) cpc[0] / maxQuota, cpc[1], (double) cpc[1] / maxQuota));
            add(w, "quota.counted." + dir, (double) cpc[1] / maxQuota);
            verdicts.put(verdict, cpc[1] <= maxQuota ? "PASS" : cpc[0] > maxQuota ? "FAIL" : String.format(Locale.ROOT,
                    "UNDECIDED (%.3f-%.3f)", (double) cpc[0] / maxQuota, (double) cpc[1] / maxQuota));
        }
        for (String dir : List.of("down", "up")) {
            List<long[]> pk = dir.equals("down") ? down : up;
            double[] r = windows(pk.stream().mapToLong(x -> x[0]).toArray(), pk.stream().mapToLong(x -> x[1]).toArray(),
                    quotaWindowMs);
            double frac = maxQuota == 0 ? Double.NaN : r[1] / maxQuota;
            add(w, "quota." + dir, frac);
            quotaText.append(String.format(Locale.ROOT, "T = %d s, %s (%s): %d packets, windows of %d ms checked: %d; "
                    + "max bytes in any window %.0f = %.3f of the largest quota in force (%d B per %d ms)%n", w, dir,
                    dir.equals("down") ? "what b sent into the borrower's tunnel, after its limit, by its kernel stamp "
                            + "(" + matched + " of " + down.size() + " packets found on the WAN device too, " + tails
                            + " more as segments of the packet before them)"
                            : "what the borrower sent to b, before b's limit: an upper bound",
                    pk.size(), quotaWindowMs, (long) r[0], r[1], frac, maxQuota, quotaWindowMs));
        }
        log(quotaText.toString());
    }

    /**
     * What b's tunnel capture shows, sorted by time: down packets per segment {time, IP bytes,
     * latest time} and as b's limit counted them {time, bytes counted, latest time}, up packets
     * {time, IP bytes}; how many down packets were found on the WAN device, and how many were
     * segments of the packet before them.
     */
    record Lent(List<long[]> down, List<long[]> downCounted, List<long[]> up, long matched, long tails) {
    }

    /**
     * From the tunnel capture's lines and the WAN device's packets by key {stamp, IP length}: a down
     * packet found on the WAN device takes its stamp and is counted at its length there (the
     * limit's count, all its segments in it); a segment sent back to back after it (within 1 ms)
     * takes the same stamp and is counted at nothing until that length is used up; any other
     * packet at its own length. Each down packet may have been judged up to {@code latencyNs} after
     * its stamp.
     */
    static Lent lent(List<String> tunnelLines, Map<String, long[]> atWan, long latencyNs) {
        List<long[]> down = new ArrayList<>();
        List<long[]> downCounted = new ArrayList<>();
        long segmentsLeft = 0;
        List<long[]> up = new ArrayList<>();
        long matched = 0;
        long tails = 0;
        long lastTun = Long.MIN_VALUE;
        long lastAt = 0;
        for (String l : tunnelLines) {
            String[] p = l.split(" ");
            if (p.length != 4) {
                continue;
            }
            long t = Long.parseLong(p[0]);
            // outgoing on b's tunnel device: towards the borrower, after b's limit; incoming: from it
            if (p[2].equals("4")) {
                long tun = t;
                long bytes = Long.parseLong(p[1]);
                long counted = bytes;
                long[] w0 = atWan.get(p[3]);
                if (w0 != null && w0[0] <= t && t - w0[0] < 1_000_000_000L) {
                    t = w0[0];
                    matched++;
                    counted = w0[1];
                    segmentsLeft = w0[1] - bytes;
                } else if (lastTun != Long.MIN_VALUE && tun - lastTun < 1_000_000L) {
                    // a segment of the packet before: the WAN device received them as one (GRO), the
                    // tunnel sends them apart, back to back; they reached b with the first one
                    t = lastAt;
                    tails++;
                    if (segmentsLeft > 0) {
                        // counted with the first segment, at the WAN device's length
                        segmentsLeft -= bytes;
                        counted = 0;
                    }
                } else {
                    segmentsLeft = 0;
                }
                lastTun = tun;
                lastAt = t;
                down.add(new long[] {t, bytes, t + latencyNs});
                downCounted.add(new long[] {t, counted, t + latencyNs});
            } else {
                up.add(new long[] {t, Long.parseLong(p[1])});
            }
        }
        down.sort(java.util.Comparator.comparingLong(x -> x[0]));
        downCounted.sort(java.util.Comparator.comparingLong(x -> x[0]));
        return new Lent(down, downCounted, up, matched, tails);
    }

    /**
     * Packets {earliest time, bytes, latest time} (sorted by the earliest): the most bytes certainly
     * within one window of {@code windowNs} (both times inside it) and the most possibly within one
     * (either time could be).
     */
    static long[] certainAndPossible(List<long[]> pk, long windowNs) {
        long certain = 0;
        for (int i = 0; i < pk.size(); i++) {
            long end = pk.get(i)[0] + windowNs;
            long sum = 0;
            for (int j = i; j < pk.size() && pk.get(j)[0] < end; j++) {
                if (pk.get(j)[2] < end) {
                    sum += pk.get(j)[1];
                }
            }
            certain = Math.max(certain, sum);
        }
        List<long[]> byLatest = new ArrayList<>(pk);
        byLatest.sort(java.util.Comparator.comparingLong(x -> x[2]));
        long spread = pk.stream().mapToLong(x -> x[2] - x[0]).max().orElse(0);
        long possible = 0;
        for (int k = 0; k < byLatest.size(); k++) {
            long start = byLatest.get(k)[2];
            long sum = 0;
            for (int j = k; j < byLatest.size() && byLatest.get(j)[2] < start + windowNs + spread; j++) {
                if (byLatest.get(j)[0] < start + windowNs) {
                    sum += byLatest.get(j)[1];
                }
            }
            possible = Math.max(possible, sum);
        }
        return new long[] {certain, possible};
    }

    /**
     * The lines of {@code traffic.py counters} ({@code ASKED ANSWERED NAME BYTES}) per counter, in
     * order: {asked, answered, bytes}. Lines that do not parse are skipped.
     */
    static Map<String, List<long[]>> counterReadings(List<String> lines) {
        Map<String, List<long[]>> out = new java.util.TreeMap<>();
        for (String l : lines) {
            String[] p = l.strip().split(" ");
            if (p.length != 4) {
                continue;
            }
            try {
                out.computeIfAbsent(p[2], k -> new ArrayList<>()).add(new long[] {Long.parseLong(p[0]),
                        Long.parseLong(p[1]), Long.parseLong(p[3])});
            } catch (NumberFormatException e) {
                // a line cut by the tool's end
            }
        }
        return out;
    }

    /**
     * From readings {asked, answered, bytes} of a counter that only grows (each value is the
     * counter at some moment between asked and answered), the most bytes that certainly passed
     * within one window of {@code windowNs}, and the most that possibly did. Certainly: between
     * two readings i and j whose whole span, asked_i to answered_j, fits in a window. Possibly: a
     * window that starts at or after reading i was answered and before reading i + 1 was, and ends
     * before the first reading j asked at or after answered_{i+1} + window, saw at most
     * {@code bytes_j - bytes_i}. Windows before the first reading and after the last are not judged.
     * A counter that went down (its table made again) starts a new series.
     */
    static long[] counterWindows(List<long[]> readings, long windowNs) {
        long certain = 0;
        long possible = 0;
        int from = 0;
        for (int k = 1; k <= readings.size(); k++) {
            if (k < readings.size() && readings.get(k)[2] >= readings.get(k - 1)[2]) {
                continue;
            }
            List<long[]> r = readings.subList(from, k); // one series: the counter only grew
            int i = 0;
            for (int j = 0; j < r.size(); j++) {
                while (r.get(j)[1] - r.get(i)[0] > windowNs) {
                    i++;
                }
                certain = Math.max(certain, r.get(j)[2] - r.get(i)[2]);
            }
            int j = 0;
            for (int a = 0; a + 1 < r.size(); a++) {
                long end = r.get(a + 1)[1] + windowNs;
                while (j < r.size() && r.get(j)[0] < end) {
                    j++;
                }
                if (j == r.size()) {
                    break;
                }
                possible = Math.max(possible, r.get(j)[2] - r.get(a)[2]);
            }
            from = k;
        }
        return new long[] {certain, possible};
    }

    // ------------------------------------------------------------------ report

    String report() {
        StringBuilder sb = new StringBuilder();
        sb.append("## 1. Capacity used by new sessions (Mbit/s of goodput at the LAN host)\n\n```text\n");
        sb.append(String.format(Locale.ROOT, "%-4s %7s %7s %7s %7s %9s %10s %9s %8s  %s%n", "T", "off", "on", "via b",
                "on/off", "sessions", "offer", "expected", "gain", "verdict"));
        for (int w : windowsS) {
            double off = median(get(w, "off"));
            double on = median(get(w, "on"));
            double viaB = median(get(w, "viaB"));
            double offer = median(get(w, "offer")) / 1000;
            double expected = offer * quotaRate(w);
            double gain = on - off;
            String v = Double.isNaN(gain) ? "NOT MEASURED" : gain >= TARGET_GAIN_OF_QUOTA_RATE * expected && viaB <= offer
                    ? "PASS" : "FAIL";
            if (!Double.isNaN(off)) {
                verdicts.put("T = " + w + " s: new sessions gain >= " + pct(TARGET_GAIN_OF_QUOTA_RATE)
                        + " of the quota's rate, through b <= the offer", v);
                // the issue's floor, with a's line as what this load gets from it alone (off)
                verdicts.put("T = " + w + " s: on >= 90 % of (off + offer) (the issue's floor)", Double.isNaN(on)
                        ? "NOT MEASURED" : on >= 0.9 * (off + offer) ? "PASS" : String.format(Locale.ROOT,
                        "FAIL (%.2f of %.2f)", on, 0.9 * (off + offer)));
            }
            sb.append(String.format(Locale.ROOT, "%-4s %7.2f %7.2f %7.2f %7.2f %8.0f%% %10.2f %9.2f %8.2f  %s%n", w + "s",
                    off, on, viaB, on / off, 100 * median(get(w, "sessions.viaB.share")), offer, expected, gain, v));
        }
        sb.append("```\n\n");
        sb.append(String.format(Locale.ROOT, "off: the LAN's load (%d loops of new sessions, %d KiB each, and %d "
                + "sessions that last the whole load, the issue's iperf3 -P 8) on port %d, "
                + "which sharing never moves; on: the same on port %d. Each figure counts everything the LAN host "
                + "received, the trickle sessions of part 2 too: off only what came from a's address (a's line), "
                + "on every path. via b: the part the server sent to b's address; sessions: the share of the sessions that went through b. expected gain: the offer x the "
                + "sustained rate of the sharer's kernel quota per window of T, at most 10 s (a sliding window moved every "
                + "T/20, 25 to 100 ms: %.3f at 1 s, %.3f at 10 s; docs/PROTOCOL.md 3.13). Medians of %d repetitions.%n%n", PARALLEL,
                SESSION_BYTES / 1024, LONG_SESSIONS, HOME_PORT, SHARED_PORT, quotaRate(1), quotaRate(10), reps));
        sb.append("## 2. Sessions keep their path\n\n```text\n").append(pathsText).append("```\n\n");
        sb.append("## 3. Hand-back: b's own download while a borrows\n\n```text\n");
        sb.append(String.format(Locale.ROOT, "%-4s %9s %9s %10s %9s %10s %9s %9s %9s%n", "T", "alone", "t90 alone",
                "t90 shared", "offer 0", "share 0", "last move", "drain", "own after"));
        for (int w : windowsS) {
            double t90 = median(get(w, "hb.t90"));
            double gone = median(get(w, "hb.offerGone"));
            double zero = median(get(w, "hb.shareZero"));
            double lastMove = median(get(w, "hb.lastMoved"));
            sb.append(String.format(Locale.ROOT, "%-4s %9.2f %6s ms %7s ms %6s ms %7s ms %6s ms %9.2f %9.2f%n", w + "s",
                    median(get(w, "own.alone")), ms(median(get(w, "own.alone.t90"))), ms(t90), ms(gone), ms(zero),
                    ms(lastMove), median(get(w, "hb.drain")), median(get(w, "hb.ownAfter"))));
            if (get(w, "hb.t90").isEmpty()) {
                continue;
            }
            long target = w * 1000L;
            verdicts.put("T = " + w + " s: b's own download at 90 % of alone within T + 1 s (the issue's floor; median "
                    + ms(t90) + " ms)", !Double.isNaN(t90) && t90 <= target + 1000 ? "PASS" : "FAIL");
            verdicts.put("T = " + w + " s: b's own download at 90 % of alone within T (the product's aim; median "
                    + ms(t90) + " ms)", !Double.isNaN(t90) && t90 <= target ? "PASS" : "FAIL");
            verdicts.put("T = " + w + " s: offer withdrawn within T of b's download (median " + ms(gone) + " ms)",
                    !Double.isNaN(gone) && gone <= target ? "PASS" : "FAIL");
            verdicts.put("T = " + w + " s: no new session moves later than T after it (median " + ms(lastMove) + " ms)",
                    !Double.isNaN(lastMove) && lastMove <= target ? "PASS" : "FAIL");
        }
        sb.append("```\n\n");
        sb.append("alone: b's own iperf3 download (-R, from the server) before any agreement, Mbit/s; t90: time from "
                + "iperf3's start until its goodput over 500 ms first reached 90 % of alone (alone: its own ramp); "
                + "offer 0: from the download command until b's status shows no offer down; share 0: until a's status "
                + "moves no new session; last move: the start of the last new session the server saw from b's address while b's download ran; "
                + "drain: what a's moved sessions got through b from 1 s after the offer's withdrawal until b's download "
                + "ended, Mbit/s; own after: b's download from t90 on, as a fraction of alone. Medians of " + reps
                + " repetitions; status polled every 100 ms.\n\n");
        sb.append("## 4. The sharer's quota\n\n```text\n").append(quotaText).append("```\n\n");
        sb.append("## Verdicts\n\n```text\n");
        for (Map.Entry<String, String> v : verdicts.entrySet()) {
            sb.append(String.format(Locale.ROOT, "%-86s %s%n", v.getKey(), v.getValue()));
        }
        sb.append("```\n\n## Notes of this run\n\n");
        if (notes.isEmpty()) {
            sb.append("None: every measurement completed.\n");
        } else {
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
        }
        return sb.toString();
    }

    static String pct(double f) {
        return String.format(Locale.ROOT, "%.0f %%", f * 100);
    }
}
