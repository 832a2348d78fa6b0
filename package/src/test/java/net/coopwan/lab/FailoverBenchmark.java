package net.coopwan.lab;

import static net.coopwan.lab.BenchSupport.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.lab.BenchSupport.Arrival;
import net.coopwan.lab.BenchSupport.ArrivalLog;
import net.coopwan.lab.ChannelLabIT.Router;

/**
 * The emergency-connection benchmark of issue 15 (docs/benchmarks/failover/README.md): failover
 * and return times from packet timestamps at the receiver, TCP sessions across a failover and a
 * return, false emergencies under random loss, the helper's quota over every sliding window (and
 * the helper's own traffic beside it), and kill -9 of either daemon during an emergency. Two
 * packaged daemons in {@link NeighbourLab} (namespaces {@code cwf<4 hex>-*}), everything measured
 * in this run. Needs root; run it through {@code docs/benchmarks/failover/run.sh}. Not a test (its
 * name ends in neither Test nor IT, so neither surefire nor failsafe picks it up).
 *
 * <p>Arguments: {@code [--quick] [--reps N] [--soak-minutes M] [--only failover,tcp,soak,quota,kill]
 * [--uplink SPEC] [--soak-loss PCT] [--work DIR] [--out FILE] [--results-md FILE] [--command TEXT]}. With {@code --uplink},
 * a's ISP link is an {@link ImpairedUplink} of that spec (e.g. {@code delay=15;jitter=5;ge=0.5,30,100})
 * in every part, instead of the lab's ideal veth.
 */
public final class FailoverBenchmark {
    static final String PREFIX = "cwf";
    static final int PORT = 4793;
    static final int STREAM_PORT = 9000;
    static final int FLOOD_PORT = 9100;
    static final int ECHO_PORT = 7000;
    static final int IPERF_PORT = 5210;
    static final String BOND_ADDRESS = "100.64.100.2";
    /** The requester's offer: a quota range wide enough for the small quota of part 4. */
    static final String OFFERS = String.join("\n",
            "config offer 'emergency'",
            "\toption type 'emergency'",
            "\toption enabled '1'",
            "\toption bandwidth_kbps_min '1000'",
            "\toption bandwidth_kbps_max '10000'",
            "\toption window_ms_min '100'",
            "\toption window_ms_max '10000'",
            "\toption quota_bytes_min '100000'",
            "\toption quota_bytes_max '1000000000'");
    /** What b's owner approves for parts 1-3 and 5: the quota of EmergencyLabIT, far above the test traffic. */
    static final String APPROVED = "emergency:bandwidth_kbps=5000,quota_bytes=50000000,window_ms=1000";
    static final long QUOTA_BYTES = 250_000;
    static final long WINDOW_MS = 1000;
    static final String APPROVED_SMALL = "emergency:bandwidth_kbps=5000,quota_bytes=" + QUOTA_BYTES + ",window_ms="
            + WINDOW_MS;
    static final String TUNNEL_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    /** b's ISP link rate for the helper's-own-traffic figure (tbf on both ends). */
    static final int B_LINK_MBIT = 10;

    static final double TARGET_BLACKHOLE_MS = 1000;
    static final double TARGET_LINKDOWN_MS = 300;
    static final double TARGET_BACK_MS = 5000;

    private final boolean quick;
    private final int reps;
    private final int soakMinutes;
    private final Set<String> only;
    private final Path work;
    private final ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final StringBuilder tcp = new StringBuilder();
    private final StringBuilder soak = new StringBuilder();
    private final StringBuilder quota = new StringBuilder();
    private final StringBuilder kill = new StringBuilder();
    private final Map<String, String> verdicts = new LinkedHashMap<>();
    /** a's ISP link as an {@link ImpairedUplink}, or null for the ideal veth. */
    private String uplinkSpec;
    /** The soak's random loss each way, on top of the impaired line if any (default 10 %). */
    private int soakLossPct = 10;
    private final StringBuilder line = new StringBuilder();

    FailoverBenchmark(boolean quick, int reps, int soakMinutes, Set<String> only, Path work) {
        this.quick = quick;
        this.reps = reps;
        this.soakMinutes = soakMinutes;
        this.only = only;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        int reps = -1;
        int soak = -1;
        Set<String> only = new LinkedHashSet<>(List.of("failover", "tcp", "soak", "quota", "kill"));
        Path work = null;
        Path out = null;
        Path resultsMd = null;
        String command = "docs/benchmarks/failover/run.sh";
        String uplink = null;
        int soakLoss = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--soak-minutes" -> soak = Integer.parseInt(args[++i]);
                case "--only" -> only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--work" -> work = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--results-md" -> resultsMd = Path.of(args[++i]);
                case "--command" -> command = args[++i];
                case "--uplink" -> uplink = args[++i];
                case "--soak-loss" -> soakLoss = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        reps = reps < 1 ? (quick ? 2 : 5) : Math.min(reps, 50);
        soak = soak < 0 ? (quick ? 1 : 10) : Math.min(soak, 240);
        if (work == null) {
            work = Files.createTempDirectory("coopwan-failoverbench");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(BenchSupport::closeAll, "close-labs"));
        NeighbourLab.removeLeftovers(PREFIX);
        if (uplink != null) {
            // refuse a bad spec before any lab is built
            ImpairedUplink.apply(uplink, new LinkImpairment(1, 0), new LinkImpairment(2, 0));
        }
        FailoverBenchmark b = new FailoverBenchmark(quick, reps, soak, only, work);
        b.uplinkSpec = uplink;
        if (soakLoss < 0 || soakLoss > 50) {
            throw new IllegalArgumentException("--soak-loss: 0-50 %, got " + soakLoss);
        }
        b.soakLossPct = soakLoss;
        try {
            b.run();
        } finally {
            closeAll();
        }
        publish(b.report(), b.header(command), out, "Emergency failover benchmark results, " + b.stamp(), resultsMd, "Emergency failover (issue 15)"
                + (uplink != null ? " on an impaired line" : "") + (quick ? ", quick run" : ""));
        System.exit(0);
    }

    String stamp() {
        return started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }

    String header(String command) {
        return "Command: `" + command + "` (as root), " + stamp() + ". Machine: " + machine() + ". " + reps + " repetitions per failover figure"
                + (quick ? " (--quick)" : "") + ", soak " + soakMinutes + " min. Daemon logs were in " + work + ".\n"
                + (uplinkSpec == null ? "" : "\na's ISP link: `" + uplinkSpec + "` each way (ImpairedUplink: a user-space "
                        + "relay in inet on every IP packet), not the lab's ideal veth. What crossed it, per lab:\n\n```text\n"
                        + line + "```\n");
    }

    void note(String s) {
        notes.add(s);
        log("NOTE " + s);
    }

    void add(String key, double v) {
        samples.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
    }

    // ------------------------------------------------------------------ the lab

    /** One NeighbourLab with its two routers (and a concentrator in inet for mode concentrator). */
    final class Setup implements AutoCloseable {
        final String prefix;
        final String mode;
        final NeighbourLab lab;
        final Router a;
        final Router b;
        final Path dir;
        final List<Process> tools = new ArrayList<>();
        String idA;
        String idB;
        ArrivalLog stream;
        ImpairedUplink uplink;
        /** {@link #kernelState} of a and b right after pairing, before any emergency. */
        final Map<String, Set<String>> baseline = new LinkedHashMap<>();

        Setup(String mode, String approved) throws Exception {
            this.mode = mode;
            this.prefix = PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
            this.dir = Files.createDirectories(work.resolve(prefix + "-" + mode));
            this.lab = new NeighbourLab(prefix);
            OPEN.add(this);
            if (uplinkSpec != null) {
                uplink = new ImpairedUplink(lab, uplinkSpec, ThreadLocalRandom.current().nextLong());
            }
            a = new Router(dir, prefix + "-", "a", lab.aPeer(), PORT);
            b = new Router(dir, prefix + "-", "b", lab.bPeer(), PORT);
            a.uplinkDevice = lab.aWan();
            b.uplinkDevice = lab.bWan();
            a.offers = OFFERS;
            b.offers = "";
            String failover = EmergencyLabIT.emergencySection(lab);
            if (mode.equals("concentrator")) {
                a.extra = String.join("\n", failover, "\toption mode 'concentrator'",
                        EmergencyLabIT.bondThroughConcentrator());
                b.extra = EmergencyLabIT.helperListingTheConcentrator();
                Path concConf = EmergencyLabIT.concentratorConfig(dir, lab);
                tools.add(new ProcessBuilder(lab.in("inet", BondLab.launcher(concConf, dir.resolve("conc-state"))))
                        .redirectErrorStream(true).redirectOutput(dir.resolve("conc.log").toFile()).start());
            } else {
                a.extra = failover;
            }
            a.start();
            b.start();
            String[] ids = pairAndAgree(a, b, approved);
            idA = ids[0];
            idB = ids[1];
            bondRoute();
            for (String r : List.of("a", "b")) {
                baseline.put(r, new LinkedHashSet<>(Arrays.asList(kernelState(this, r).split("; "))));
            }
            log(mode + " lab " + prefix + ": paired, agreement " + approved + "; kernel state before any emergency: a "
                    + baseline.get("a") + ", b " + baseline.get("b"));
        }

        /** Mode concentrator: the LAN into the bond (the admin's policy, as in the bonding lab); again after a restart of a. */
        void bondRoute() throws Exception {
            if (!mode.equals("concentrator")) {
                return;
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (lab.exec("a", "ip", "link", "show", "bond0").exitCode() != 0 && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            lab.exec("a", "ip", "route", "replace", "default", "dev", "bond0", "table", "200").orThrow();
            if (!lab.exec("a", "ip", "rule").stdout().contains("lookup 200")) {
                lab.exec("a", "ip", "rule", "add", "iif", lab.aLan(), "lookup", "200", "priority", "100").orThrow();
            }
        }

        /** The address the stream arrives from while a's own uplink carries it. */
        String ownSource() {
            return mode.equals("concentrator") ? BOND_ADDRESS : NeighbourLab.A_WAN;
        }

        void startStream(int seconds) throws Exception {
            stream = new ArrivalLog(dir.resolve("stream.txt"));
            tools.add(background(lab.in("inet", Lab.javaCommand(UdpStream.class, "sink", "--bind",
                    NeighbourLab.SERVER + ":" + STREAM_PORT, "--seconds", String.valueOf(seconds + 5), "--out",
                    stream.file.toString())), dir.resolve("sink.log")));
            Thread.sleep(1500);
            tools.add(background(lab.in("lan", Lab.javaCommand(UdpStream.class, "send", "--target",
                    NeighbourLab.SERVER + ":" + STREAM_PORT, "--pps", "50", "--seconds", String.valueOf(seconds))),
                    dir.resolve("send.log")));
            stream.firstFrom(ownSource(), 0, 20);
        }

        /** Restarts a (clean stop) so the next cut is a first failure: a failure within 60 s of a recovery doubles the recover time. */
        void freshRequester() throws Exception {
            a.stop();
            a.start();
            awaitListening(a);
            awaitEstablished(a);
            bondRoute();
            poll(a, "emergency", j -> "NORMAL".equals(j.path("requester").path("state").asText()), 10);
            stream.firstFrom(ownSource(), System.nanoTime(), 20);
            Thread.sleep(3000); // the detector's probes settle
            String st = rpc(a, "emergency", null).path("requester").path("state").asText();
            if (!"NORMAL".equals(st)) {
                throw new IllegalStateException("a is " + st + " before the cut");
            }
        }

        void cut(String how, boolean on) {
            if (how.equals("blackhole")) {
                lab.blackhole(on);
            } else {
                lab.linkDown(on);
            }
        }

        @Override
        public void close() {
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
                line.append(mode).append(" lab ").append(prefix).append(": ").append(uplink.stats()).append('\n');
                uplink.close();
            }
            lab.close();
            OPEN.remove(this);
        }
    }

    static String requesterState(Router r) throws Exception {
        return rpc(r, "emergency", null).path("requester").path("state").asText();
    }

    // ------------------------------------------------------------------ arrivals

    // ------------------------------------------------------------------ running

    void run() throws Exception {
        int streamSeconds = 3600;
        if (only.contains("failover") || only.contains("tcp") || only.contains("soak") || only.contains("kill")) {
            try (Setup s = new Setup("direct", APPROVED)) {
                s.startStream(streamSeconds);
                if (only.contains("failover")) {
                    failover(s);
                }
                if (only.contains("tcp")) {
                    tcpSessions(s);
                }
                if (only.contains("soak")) {
                    soak(s);
                }
                if (only.contains("kill")) {
                    killHard(s);
                }
            } catch (Exception e) {
                note("mode direct lab stopped early: " + e);
                e.printStackTrace(System.out);
            }
        }
        if (only.contains("failover") || only.contains("tcp")) {
            try (Setup s = new Setup("concentrator", APPROVED)) {
                s.startStream(streamSeconds);
                if (only.contains("failover")) {
                    failover(s);
                }
                if (only.contains("tcp")) {
                    tcpSessions(s);
                }
            } catch (Exception e) {
                note("mode concentrator lab stopped early: " + e);
                e.printStackTrace(System.out);
            }
        }
        if (only.contains("quota")) {
            try (Setup s = new Setup("direct", APPROVED_SMALL)) {
                quota(s);
            } catch (Exception e) {
                note("quota lab stopped early: " + e);
                e.printStackTrace(System.out);
            }
        }
    }

    /** Part 1: N repetitions of cut and repair, black-hole and link down, each a first failure of a fresh requester. */
    void failover(Setup s) throws Exception {
        for (String how : List.of("blackhole", "linkdown")) {
            for (int rep = 1; rep <= reps; rep++) {
                s.freshRequester();
                long cut = System.nanoTime();
                s.cut(how, true);
                long switchMs;
                if (s.mode.equals("direct")) {
                    switchMs = s.stream.firstFrom(NeighbourLab.B_WAN, cut, 15);
                    poll(s.a, "emergency", j -> "CARRIED".equals(j.path("requester").path("state").asText()), 10);
                    Thread.sleep(2000);
                } else {
                    poll(s.b, "emergency", j -> j.path("helping").size() == 1
                            && "HELPING".equals(j.path("helping").path(0).path("state").asText()), 10);
                    Thread.sleep(3000);
                    long[] gap = s.stream.longestGap(cut);
                    switchMs = gap[1] < 0 ? -1 : (gap[1] - cut) / 1_000_000;
                    add(key(s, how, "pause"), gap[0]);
                }
                add(key(s, how, "switch"), switchMs < 0 ? Double.NaN : switchMs);
                long repair = System.nanoTime();
                s.cut(how, false);
                long backMs;
                if (s.mode.equals("direct")) {
                    backMs = s.stream.firstFrom(NeighbourLab.A_WAN, repair, 30);
                    poll(s.a, "emergency", j -> "NORMAL".equals(j.path("requester").path("state").asText()), 15);
                } else {
                    JsonNode j = poll(s.a, "emergency",
                            x -> "NORMAL".equals(x.path("requester").path("state").asText()), 30);
                    backMs = (System.nanoTime() - repair) / 1_000_000;
                    Thread.sleep(1000);
                    long[] gap = s.stream.longestGap(repair);
                    add(key(s, how, "backpause"), gap[0]);
                    if (j == null) {
                        backMs = -1;
                    }
                }
                poll(s.b, "emergency", j -> j.path("helping").isEmpty(), 15);
                add(key(s, how, "back"), backMs < 0 ? Double.NaN : backMs);
                log(String.format(Locale.ROOT, "%s %s rep %d: switch %d ms, back %d ms", s.mode, how, rep, switchMs, backMs));
            }
        }
    }

    static String key(Setup s, String how, String what) {
        return s.mode + "|" + how + "|" + what;
    }

    // ------------------------------------------------------------------ part 2: TCP

    record TcpEvent(long nanos, String kind, int slot, int gen, String what, String detail) {
    }

    static List<TcpEvent> tcpEvents(Path file) throws IOException {
        List<TcpEvent> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String l : Files.readAllLines(file)) {
            String[] p = l.split(" ");
            if (p.length >= 4 && p[1].equals("long")) {
                out.add(new TcpEvent(Long.parseLong(p[0]), "long", Integer.parseInt(p[2]), Integer.parseInt(p[3]), p[4],
                        p.length > 5 ? p[5] : ""));
            } else if (p.length >= 4 && p[1].equals("short")) {
                out.add(new TcpEvent(Long.parseLong(p[0]), "short", -1, -1, p[2], p[3]));
            }
        }
        return out;
    }

    /** The long connections open at {@code t}: slot/gen -> [opened nanos, end nanos or 0, reason]. */
    static Map<String, Object[]> connections(List<TcpEvent> ev) {
        Map<String, Object[]> m = new LinkedHashMap<>();
        for (TcpEvent e : ev) {
            if (!e.kind().equals("long")) {
                continue;
            }
            String k = e.slot() + "/" + e.gen();
            if (e.what().equals("open")) {
                m.put(k, new Object[] {e.nanos(), 0L, ""});
            } else if (e.what().equals("end") && m.containsKey(k)) {
                m.get(k)[1] = e.nanos();
                m.get(k)[2] = e.detail();
            }
        }
        return m;
    }

    /** "n open at T: s survived, r reset (median x ms after T, max y), o other" for the connections open at {@code t}. */
    static String fate(Map<String, Object[]> conns, long t, long moved, long until, long[] counts) {
        int open = 0;
        int survived = 0;
        int reset = 0;
        int other = 0;
        List<Double> times = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (Object[] c : conns.values()) {
            long opened = (Long) c[0];
            long ended = (Long) c[1];
            if (opened >= t || (ended != 0 && ended <= t)) {
                continue;
            }
            open++;
            if (ended == 0 || ended > until) {
                survived++;
            } else if ("reset".equals(c[2])) {
                reset++;
                times.add((ended - t) / 1e6);
            } else {
                other++;
                others.add((String) c[2]);
            }
        }
        counts[0] = open;
        counts[1] = survived;
        counts[2] = reset;
        counts[3] = other;
        Collections.sort(times);
        return open + " open, " + survived + " survived, " + reset + " reset"
                + (times.isEmpty() ? "" : String.format(Locale.ROOT, ", the reset noticed by the client %.0f to %.0f ms after"
                        + " the cut/repair (the stream's first datagram on the new path: %.0f ms)", times.get(0),
                        times.get(times.size() - 1), (moved - t) / 1e6))
                + (other == 0 ? "" : ", " + other + " ended otherwise " + others);
    }

    void tcpSessions(Setup s) throws Exception {
        s.freshRequester();
        Path file = s.dir.resolve("tcp.txt");
        s.tools.add(background(s.lab.in("inet", Lab.javaCommand(TcpSessions.class, "server", "--bind",
                NeighbourLab.SERVER + ":" + ECHO_PORT, "--seconds", "300")), s.dir.resolve("echo.log")));
        Thread.sleep(1500);
        Process client = background(s.lab.in("lan", Lab.javaCommand(TcpSessions.class, "client", "--target",
                NeighbourLab.SERVER + ":" + ECHO_PORT, "--seconds", "120", "--out", file.toString(), "--long", "4",
                "--every-ms", "100", "--short-ms", "200", "--timeout-ms", "10000")), s.dir.resolve("tcp-client.log"));
        s.tools.add(client);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (connections(tcpEvents(file)).size() < 4 && System.nanoTime() < until) {
            Thread.sleep(200);
        }
        Thread.sleep(3000);
        long cut = System.nanoTime();
        s.cut("blackhole", true);
        long switchNanos;
        if (s.mode.equals("direct")) {
            long ms = s.stream.firstFrom(NeighbourLab.B_WAN, cut, 15);
            switchNanos = ms < 0 ? cut : cut + ms * 1_000_000;
        } else {
            poll(s.b, "emergency", j -> "HELPING".equals(j.path("helping").path(0).path("state").asText()), 10);
            switchNanos = 0;
        }
        poll(s.a, "emergency", j -> "CARRIED".equals(j.path("requester").path("state").asText()), 10);
        Thread.sleep(6000);
        long repair = System.nanoTime();
        if (switchNanos == 0) {
            long[] gap = s.stream.gapBetween(cut, repair);
            switchNanos = gap[1] > 0 ? gap[1] : cut;
        }
        s.cut("blackhole", false);
        long backNanos;
        if (s.mode.equals("direct")) {
            long ms = s.stream.firstFrom(NeighbourLab.A_WAN, repair, 30);
            backNanos = ms < 0 ? repair : repair + ms * 1_000_000;
        } else {
            poll(s.a, "emergency", j -> "NORMAL".equals(j.path("requester").path("state").asText()), 30);
            backNanos = System.nanoTime();
        }
        Thread.sleep(6000);
        long end = System.nanoTime();
        client.destroyForcibly();
        client.waitFor(5, TimeUnit.SECONDS);
        List<TcpEvent> ev = tcpEvents(file);
        Map<String, Object[]> conns = connections(ev);
        long[] atCut = new long[4];
        long[] atRepair = new long[4];
        String f1 = fate(conns, cut, switchNanos, repair, atCut);
        String f2 = fate(conns, repair, backNanos, end, atRepair);
        int ok = 0;
        int fail = 0;
        int okCut = 0;
        int failCut = 0;
        List<String> reasons = new ArrayList<>();
        for (TcpEvent e : ev) {
            if (!e.kind().equals("short")) {
                continue;
            }
            if (e.nanos() > switchNanos && e.nanos() < repair) {
                if (e.what().equals("ok")) {
                    ok++;
                } else {
                    fail++;
                    reasons.add(e.detail());
                }
            } else if (e.nanos() > cut && e.nanos() <= switchNanos) {
                if (e.what().equals("ok")) {
                    okCut++;
                } else {
                    failCut++;
                }
            }
        }
        tcp.append(String.format(Locale.ROOT, "mode %s (reset_sessions all), black-hole cut, %d long connections "
                + "(16 B echoed every 100 ms), a short one every 200 ms:%n", s.mode, 4));
        tcp.append("  failover: ").append(f1).append('\n');
        tcp.append("  return:   ").append(f2).append('\n');
        tcp.append(String.format(Locale.ROOT, "  short connections while carried by b (%.1f s): %d ok, %d failed%s;"
                + " between cut and switch (%.0f ms): %d ok, %d failed%n", (repair - switchNanos) / 1e9, ok, fail,
                reasons.isEmpty() ? "" : " " + new LinkedHashSet<>(reasons), (switchNanos - cut) / 1e6, okCut, failCut));
        tcp.append(String.format(Locale.ROOT, "  (the stream moved %.0f ms after the cut and %.0f ms after the repair)%n",
                (switchNanos - cut) / 1e6, (backNanos - repair) / 1e6));
        boolean pass;
        if (s.mode.equals("concentrator")) {
            pass = atCut[0] > 0 && atCut[1] == atCut[0] && atRepair[1] == atRepair[0] && fail == 0;
            verdicts.put("TCP, mode concentrator: every session survives failover and return, short connections work",
                    pass ? "PASS" : "FAIL");
        } else {
            pass = atCut[0] > 0 && atCut[2] == atCut[0] && atRepair[2] == atRepair[0] && fail == 0 && ok > 0;
            verdicts.put("TCP, mode direct: every pre-existing session reset at each move, short connections work",
                    pass ? "PASS" : "FAIL");
        }
        log(tcp.toString());
        poll(s.b, "emergency", j -> j.path("helping").isEmpty(), 15);
    }

    // ------------------------------------------------------------------ part 3: soak

    void soak(Setup s) throws Exception {
        s.freshRequester();
        Instant from = Instant.now();
        long startedBefore = rpc(s.a, "emergency", null).path("started").asLong();
        s.lab.randomLoss(soakLossPct);
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(soakMinutes);
        int samplesN = 0;
        int notNormal = 0;
        int streamBefore = s.stream.read().size();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(2000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            samplesN++;
            if (!"NORMAL".equals(requesterState(s.a))) {
                notNormal++;
            }
        }
        s.lab.randomLoss(0);
        int streamGot = s.stream.read().size() - streamBefore;
        long startedAfter = rpc(s.a, "emergency", null).path("started").asLong();
        int events = 0;
        List<String> lines = new ArrayList<>();
        for (JsonNode e : rpc(s.a, "events", "{\"limit\": 500}")) {
            String m = e.path("message").asText();
            Instant t = Instant.parse(e.path("time").asText());
            if (!t.isBefore(from) && m.contains("emergency: requesting")) {
                events++;
                lines.add(m);
            }
        }
        long started = startedAfter - startedBefore;
        double expected = soakMinutes * 60.0 * 50;
        soak.append(String.format(Locale.ROOT, "%d min of %d %% random loss each way on a's uplink (nft numgen at inet)%s, "
                + "probes icmp %s and %s every 100 ms, down after 6 lost in a row, threshold all, blackhole_ms 600:%n",
                soakMinutes, soakLossPct, uplinkSpec == null ? "" : " on top of the impaired line",
                NeighbourLab.SERVER, NeighbourLab.A_GATEWAY));
        soak.append(String.format(Locale.ROOT, "  emergencies started on a (emergency.started): %d; "
                + "'emergency: requesting' events: %d; state not NORMAL in %d of %d polls (every 2 s)%n",
                started, events, notNormal, samplesN));
        soak.append(String.format(Locale.ROOT, "  the 50 pps stream meanwhile: %d of about %.0f datagrams arrived (%.1f %% lost)%n",
                streamGot, expected, 100 * (1 - streamGot / expected)));
        for (String l : lines) {
            soak.append("  event: ").append(l).append('\n');
        }
        verdicts.put("zero false emergencies in " + soakMinutes + " min of " + soakLossPct + " % loss"
                + (uplinkSpec == null ? "" : " on the impaired line"), started == 0 && events == 0
                ? "PASS" : "FAIL");
        log(soak.toString());
    }

    // ------------------------------------------------------------------ part 4: quota

    void quota(Setup s) throws Exception {
        // a's stream is not needed here; a's uplink goes down so b carries the flood
        Thread.sleep(3000);
        s.cut("linkdown", true);
        poll(s.a, "emergency", j -> "CARRIED".equals(j.path("requester").path("state").asText()), 15);
        poll(s.b, "emergency", j -> "HELPING".equals(j.path("helping").path(0).path("state").asText()), 10);
        JsonNode h0 = rpc(s.b, "emergency", null).path("helping").path(0);
        long quotaBytes = h0.path("quotaBytes").asLong();
        long windowMs = h0.path("windowMs").asLong();
        int pps = 600;
        int size = 1000;
        int floodS = quick ? 8 : 15;
        ArrivalLog flood = new ArrivalLog(s.dir.resolve("flood.txt"));
        // kernel receive timestamps (SO_TIMESTAMPNS): a sink scheduled late on 2 busy cores cannot squeeze arrivals together
        Process sink = background(s.lab.in("inet", "python3", System.getProperty("failover.tssink",
                "docs/benchmarks/failover/ts_sink.py"), NeighbourLab.SERVER, String.valueOf(FLOOD_PORT),
                String.valueOf(floodS + 8), flood.file.toString()), s.dir.resolve("flood-sink.log"));
        s.tools.add(sink);
        Thread.sleep(1500);
        Process send = background(s.lab.in("lan", Lab.javaCommand(UdpStream.class, "send", "--target",
                NeighbourLab.SERVER + ":" + FLOOD_PORT, "--pps", String.valueOf(pps), "--seconds", String.valueOf(floodS),
                "--size", String.valueOf(size))), s.dir.resolve("flood-send.log"));
        s.tools.add(send);
        send.waitFor(floodS + 20, TimeUnit.SECONDS);
        sink.waitFor(15, TimeUnit.SECONDS);
        List<Arrival> arr = flood.read();
        JsonNode h1 = rpc(s.b, "emergency", null).path("helping").path(0);
        boolean kernelStamps = !arr.isEmpty() && arr.stream().allMatch(x -> x.kernel() > 0);
        double[] k = windows(arr, windowMs, kernelStamps);
        double[] u = windows(arr, windowMs, false);
        double quotaRate = quotaBytes / (windowMs / 1000.0);
        double sent = (double) pps * floodS;
        quota.append(String.format(Locale.ROOT, "agreement quota_bytes %d, window_ms %d (quota/window = %.0f B/s = %.2f Mbit/s); "
                + "mode direct, a's link down;%n", quotaBytes, windowMs, quotaRate, quotaRate * 8 / 1e6));
        quota.append(String.format(Locale.ROOT, "flood from the lan host: UDP %d B payload (%d B IP) at %d pps for %d s = %.0f B/s "
                + "(%.1f x quota/window)%n", size, size + 28, pps, floodS, (double) pps * (size + 28),
                pps * (size + 28) / quotaRate));
        quota.append(String.format(Locale.ROOT, "  arrived at the server: %d of %.0f datagrams; sliding windows of %d ms "
                + "checked (one starting at each arrival): %d%n", arr.size(), sent, windowMs, (long) k[0]));
        quota.append(String.format(Locale.ROOT, "  max IP bytes in any window, %s: %.0f = %.3f of the quota "
                + "(windows starting 2 s after the first arrival: %.3f)%n", kernelStamps
                        ? "kernel receive timestamps" : "sink's read timestamps", k[1], k[1] / quotaBytes, k[2] / quotaBytes));
        if (kernelStamps) {
            quota.append(String.format(Locale.ROOT, "    (by the sink's own read time instead: %.3f, after 2 s %.3f: "
                    + "a sink that reads late squeezes arrivals together)%n", u[1] / quotaBytes, u[2] / quotaBytes));
        }
        quota.append(String.format(Locale.ROOT, "  sustained rate from 2 s after the first arrival: %.0f B/s = %.3f of quota/window "
                + "(design: R = 0.99 quota / (1 + T) = %.3f at T = %d ms)%n", k[3], k[3] / quotaRate,
                0.99 / (1 + windowMs / 1000.0), windowMs));
        quota.append(String.format(Locale.ROOT, "  b's counters: carried %d B, dropped over quota %d B (from %d / %d before the flood)%n",
                h1.path("bytesCarried").asLong(), h1.path("bytesDropped").asLong(), h0.path("bytesCarried").asLong(),
                h0.path("bytesDropped").asLong()));
        double maxBytes = k[1];
        verdicts.put("quota: no sliding window above the quota", arr.isEmpty() ? "NOT MEASURED"
                : maxBytes <= quotaBytes ? "PASS" : "FAIL");
        log(quota.toString());
        bOwnTraffic(s, quotaRate, pps, size);
        s.cut("linkdown", false);
    }

    /** b's own iperf3 upload alone and beside the flood, with b's ISP link shaped by tbf on both ends. */
    void bOwnTraffic(Setup s, double quotaRate, int pps, int size) throws Exception {
        String bInet = s.prefix + "ib";
        StringBuilder why = new StringBuilder();
        if (!shape(s.lab, "b", s.lab.bWan(), B_LINK_MBIT * 1000L, why) | !shape(s.lab, "inet", bInet, B_LINK_MBIT * 1000L, why)) {
            quota.append("b's own traffic: NOT MEASURED (tbf: ").append(why).append(")\n");
            verdicts.put("b's own traffic keeps >= 90 % of (link - quota)", "NOT MEASURED");
            return;
        }
        s.tools.add(background(s.lab.in("inet", "iperf3", "-s", "-p", String.valueOf(IPERF_PORT), "-B",
                NeighbourLab.SERVER), s.dir.resolve("iperf3-server.log")));
        Thread.sleep(1000);
        int secs = quick ? 5 : 8;
        double alone = iperf(s, secs);
        ArrivalLog flood2 = new ArrivalLog(s.dir.resolve("flood2.txt"));
        s.tools.add(background(s.lab.in("inet", Lab.javaCommand(UdpStream.class, "sink", "--bind",
                NeighbourLab.SERVER + ":" + (FLOOD_PORT + 1), "--seconds", String.valueOf(secs + 10), "--out",
                flood2.file.toString(), "--with-size")), s.dir.resolve("flood2-sink.log")));
        Thread.sleep(1500);
        Process send = background(s.lab.in("lan", Lab.javaCommand(UdpStream.class, "send", "--target",
                NeighbourLab.SERVER + ":" + (FLOOD_PORT + 1), "--pps", String.valueOf(pps), "--seconds", String.valueOf(secs + 4),
                "--size", String.valueOf(size))), s.dir.resolve("flood2-send.log"));
        s.tools.add(send);
        Thread.sleep(2500); // past the full bucket of the first window
        long i0 = System.nanoTime();
        double during = iperf(s, secs);
        long i1 = System.nanoTime();
        send.waitFor(20, TimeUnit.SECONDS);
        Thread.sleep(500);
        long floodBytes = 0;
        for (Arrival x : flood2.read()) {
            if (x.nanos() >= i0 && x.nanos() < i1) {
                floodBytes += x.bytes() + 28L;
            }
        }
        double floodMbit = floodBytes * 8 / ((i1 - i0) / 1e9) / 1e6;
        double quotaMbit = quotaRate * 8 / 1e6;
        double ratio = during / (alone - quotaMbit);
        quota.append(String.format(Locale.ROOT, "b's own traffic (iperf3 TCP b -> server, %d s), b's ISP link %d Mbit/s by tbf on both ends:%n",
                secs, B_LINK_MBIT));
        quota.append(String.format(Locale.ROOT, "  alone %.2f Mbit/s; beside the flood carried for a %.2f Mbit/s; "
                + "during / (alone - quota rate %.2f Mbit/s) = %.2f (target >= 0.90); during / alone = %.2f;%n"
                + "  the flood reached the server at %.2f Mbit/s meanwhile%n",
                alone, during, quotaMbit, ratio, during / alone, floodMbit));
        verdicts.put("b's own traffic keeps >= 90 % of (link - quota)", Double.isNaN(ratio) ? "NOT MEASURED"
                : ratio >= 0.9 ? "PASS" : "FAIL");
        unshape(s.lab, "b", s.lab.bWan());
        unshape(s.lab, "inet", bInet);
    }

    double iperf(Setup s, int secs) throws Exception {
        Result r = s.lab.exec("b", "iperf3", "-c", NeighbourLab.SERVER, "-p", String.valueOf(IPERF_PORT), "-t",
                String.valueOf(secs), "-J", "--connect-timeout", "3000");
        if (r.exitCode() != 0) {
            note("iperf3 from b failed: " + r.describe());
            return Double.NaN;
        }
        return JSON.readTree(r.stdout()).path("end").path("sum_received").path("bits_per_second").asDouble() / 1e6;
    }

    // ------------------------------------------------------------------ part 5: kill -9

    /** What the emergency leaves in {@code role}'s kernel: tables, rules, routes, devices; "" when nothing. */
    static String kernelState(Setup s, String role) {
        List<String> found = new ArrayList<>();
        for (String l : s.lab.exec(role, "nft", "list", "tables").stdout().split("\n")) {
            if (l.contains("coopwan_help") || l.contains("coopwan_emerg")) {
                found.add(l.trim());
            }
        }
        for (String l : s.lab.exec(role, "ip", "rule").stdout().split("\n")) {
            if (l.contains("3190") || l.contains("3180") || l.matches("^3109[0-9]:.*")) {
                found.add("rule " + l.trim());
            }
        }
        for (String l : s.lab.exec(role, "ip", "route", "show", "table", "all").stdout().split("\n")) {
            if (l.contains("table 3190") || l.contains("table 3180")) {
                found.add("route " + l.trim());
            }
        }
        for (String l : s.lab.exec(role, "ip", "-o", "link").stdout().split("\n")) {
            String[] p = l.split(": ");
            if (p.length > 1 && (p[1].matches("cwh[0-9]+(@.*)?") || p[1].startsWith("cwe0"))) {
                found.add("link " + p[1]);
            }
        }
        return String.join("; ", found);
    }

    /**
     * What {@link #kernelState} shows beyond what the same router had right after the lab's first
     * start (a running daemon keeps {@code inet coopwan_emerg} with the conntrack marks at all times),
     * plus any trace of a requester in a running helper's {@code inet coopwan_help} (its map
     * elements, chains, limit, counters, sets); "" when nothing. The table itself and its
     * {@code tunnels} set stay while the helper runs, by design.
     */
    static String stale(Setup s, String role) {
        List<String> out = new ArrayList<>();
        for (String e : kernelState(s, role).split("; ")) {
            // a running helper keeps its (then empty) table: only what it holds for a requester counts, below
            if (!e.isEmpty() && !s.baseline.get(role).contains(e) && !e.equals("table inet coopwan_help")) {
                out.add(e);
            }
        }
        Result help = s.lab.exec(role, "nft", "list", "table", "inet", "coopwan_help");
        if (help.exitCode() == 0) {
            for (String l : help.stdout().split("\n")) {
                String t = l.trim();
                // a requester's map elements, chains, limit, counters or sets (the tunnels set keeps its
                // device by design: docs/emergency-kernel.md)
                if (t.contains("100.127.255.") || t.matches("(chain|limit|counter|set) (req|ret|pass|q|carried|over|refused|dsta|dstp)_.*")) {
                    out.add("coopwan_help: " + l.trim());
                }
            }
        }
        return String.join("; ", out);
    }

    static String agreements(Router r) throws Exception {
        return rpc(r, "agreements", null).toString();
    }

    /** The bytes out of the ended emergencies in {@code role}, summed over the neighbours (the stored totals). */
    static long bytesOut(JsonNode status, String role) {
        long sum = 0;
        for (JsonNode t : status.path("totals")) {
            if (role.equals(t.path("role").asText())) {
                sum += t.path("bytesOut").asLong();
            }
        }
        return sum;
    }

    /**
     * Whether {@code router}'s emergency counters in {@code role} survived its kill -9: the same
     * count started, and stored bytes at least the ended emergencies' plus the running one's
     * ({@code running}); one line of the report either way.
     */
    boolean countersKept(String router, String role, JsonNode before, JsonNode after, long running) {
        boolean kept = before.path("started").asLong() == after.path("started").asLong()
                && bytesOut(after, role) >= bytesOut(before, role) + running;
        kill.append("  ").append(router).append("'s emergency counters before the kill: started ")
                .append(before.path("started").asLong()).append(", ended emergencies' bytes ").append(bytesOut(before, role))
                .append(" + the running one's ").append(running).append(", counters ").append(before.path("counters"))
                .append("; after the restart: started ").append(after.path("started").asLong())
                .append(", ended emergencies' bytes ").append(bytesOut(after, role)).append(", counters ")
                .append(after.path("counters")).append(kept ? " (kept)" : " (LOST)").append('\n');
        return kept;
    }

    void killHard(Setup s) throws Exception {
        s.freshRequester();
        String agrA = agreements(s.a);
        String agrB = agreements(s.b);
        boolean allClean = true;
        boolean allKept = true;
        boolean allCounted = true;
        // the helper killed
        s.cut("linkdown", true);
        poll(s.a, "emergency", j -> "CARRIED".equals(j.path("requester").path("state").asText()), 15);
        s.stream.firstFrom(NeighbourLab.B_WAN, System.nanoTime(), 10);
        Thread.sleep(1000);
        JsonNode before = rpc(s.b, "emergency", null);
        s.b.process.destroyForcibly();
        s.b.process.waitFor(10, TimeUnit.SECONDS);
        String left = kernelState(s, "b");
        kill.append("kill -9 of the helper b while it carries a (a's link down); a running daemon always has ")
                .append(s.baseline.get("b")).append(":\n");
        kill.append("  left in b's kernel by the killed run: ").append(left.isEmpty() ? "nothing" : left).append('\n');
        s.cut("linkdown", false);
        poll(s.a, "emergency", j -> "NORMAL".equals(j.path("requester").path("state").asText()), 30);
        s.b.start();
        awaitListening(s.b);
        Thread.sleep(1000);
        String after = stale(s, "b");
        String agrB2 = agreements(s.b);
        JsonNode afterJ = rpc(s.b, "emergency", null);
        allClean &= after.isEmpty();
        allKept &= agrB.equals(agrB2);
        kill.append("  after b's restart (a back on its own uplink): ").append(after.isEmpty() ? "clean" : "STALE: " + after)
                .append("; agreements ").append(agrB.equals(agrB2) ? "identical" : "DIFFER:\n    " + agrB + "\n    " + agrB2)
                .append('\n');
        allCounted &= countersKept("b", "helper", before, afterJ,
                before.path("helping").path(0).path("bytesCarried").asLong());
        awaitEstablished(s.a);
        awaitEstablished(s.b);
        // the requester killed
        Thread.sleep(3000);
        s.cut("linkdown", true);
        poll(s.a, "emergency", j -> "CARRIED".equals(j.path("requester").path("state").asText()), 20);
        s.stream.firstFrom(NeighbourLab.B_WAN, System.nanoTime(), 10);
        Thread.sleep(2000); // the stream flows through b for a while: counters worth comparing
        JsonNode beforeA = rpc(s.a, "emergency", null);
        s.a.process.destroyForcibly();
        s.a.process.waitFor(10, TimeUnit.SECONDS);
        long killed = System.nanoTime();
        String leftA = kernelState(s, "a");
        kill.append("kill -9 of the requester a while b carries it:\n");
        kill.append("  left in a's kernel by the killed run: ").append(leftA.isEmpty() ? "nothing" : leftA).append('\n');
        poll(s.b, "emergency", j -> !j.path("helping").toString().contains("\"HELPING\""), 15);
        long leaseMs = (System.nanoTime() - killed) / 1_000_000;
        Thread.sleep(500);
        String bAfterLease = stale(s, "b");
        kill.append(String.format(Locale.ROOT, "  b stopped forwarding %d ms after the kill (lease 5 s); b's kernel then: %s%n",
                leaseMs, bAfterLease.isEmpty() ? "clean" : "STALE: " + bAfterLease));
        allClean &= bAfterLease.isEmpty();
        s.cut("linkdown", false);
        s.a.start();
        awaitListening(s.a);
        Thread.sleep(1000);
        String afterA = stale(s, "a");
        String agrA2 = agreements(s.a);
        JsonNode afterAJ = rpc(s.a, "emergency", null);
        allClean &= afterA.isEmpty();
        allKept &= agrA.equals(agrA2);
        kill.append("  after a's restart (its link repaired): ").append(afterA.isEmpty() ? "clean" : "STALE: " + afterA)
                .append("; agreements ").append(agrA.equals(agrA2) ? "identical" : "DIFFER:\n    " + agrA + "\n    " + agrA2)
                .append('\n');
        allCounted &= countersKept("a", "requester", beforeA, afterAJ,
                beforeA.path("requester").path("bytesSent").asLong());
        verdicts.put("kill -9: no stale table, rule, route or device after restart", allClean ? "PASS" : "FAIL");
        verdicts.put("kill -9: agreements survive the restart", allKept ? "PASS" : "FAIL");
        verdicts.put("kill -9: emergency counts and bytes survive the restart", allCounted ? "PASS" : "FAIL");
        log(kill.toString());
    }

    // ------------------------------------------------------------------ report

    String report() {
        StringBuilder sb = new StringBuilder();
        if (only.contains("failover")) {
            sb.append("## 1. Failover and return, from the receiver's packet timestamps\n\n```text\n");
            sb.append(String.format(Locale.ROOT, "%-13s %-10s %-7s %8s %8s %8s %6s  %-9s %s%n", "mode", "cut", "what",
                    "median", "min", "max", "n", "target", "verdict"));
            for (String mode : List.of("direct", "concentrator")) {
                for (String how : List.of("blackhole", "linkdown")) {
                    double target = how.equals("blackhole") ? TARGET_BLACKHOLE_MS : TARGET_LINKDOWN_MS;
                    row(sb, mode, how, "switch", target);
                    row(sb, mode, how, "back", TARGET_BACK_MS);
                    if (mode.equals("concentrator")) {
                        row(sb, mode, how, "backpause", Double.NaN);
                    }
                }
            }
            sb.append("```\n\n");
            sb.append("switch: cut -> first datagram of the 50 pps stream from b's WAN address (direct) / end of the\n"
                    + "longest gap of the stream after the cut (concentrator). back: repair -> first datagram from a's\n"
                    + "WAN address (direct) / a's state NORMAL on its control socket, polled every 50 ms (concentrator:\n"
                    + "the stream's source never changes). backpause (concentrator): the longest gap of the stream\n"
                    + "from the repair until a second after a's NORMAL. Each repetition starts with a freshly started\n"
                    + "requester, so every cut is a first failure (no flap damping).\n\n");
        }
        if (tcp.length() > 0) {
            sb.append("## 2. TCP sessions across a failover and a return\n\n```text\n").append(tcp).append("```\n\n");
        }
        if (soak.length() > 0) {
            sb.append("## 3. False emergencies under random loss\n\n```text\n").append(soak).append("```\n\n");
        }
        if (quota.length() > 0) {
            sb.append("## 4. The helper's quota (and the helper's own traffic)\n\n```text\n").append(quota).append("```\n\n");
        }
        if (kill.length() > 0) {
            sb.append("## 5. kill -9 during an emergency\n\n```text\n").append(kill).append("```\n\n")
                    .append("Kept across restarts and kill -9 (the state store): `started` and each neighbour's `totals` "
                            + "(bytes of ended emergencies, read from the kernel's counters when a path ends or, after a "
                            + "kill -9, at the next start); agreements and pairing. In memory only: the per-reason "
                            + "`counters`.\n\n");
        }
        sb.append("## Verdicts\n\n```text\n");
        for (Map.Entry<String, String> v : verdicts.entrySet()) {
            sb.append(String.format(Locale.ROOT, "%-78s %s%n", v.getKey(), v.getValue()));
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

    private void row(StringBuilder sb, String mode, String how, String what, double target) {
        List<Double> v = samples.getOrDefault(mode + "|" + how + "|" + what, List.of());
        if (v.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%-13s %-10s %-7s %8s%n", mode, how, what, "not measured"));
            return;
        }
        List<Double> ok = v.stream().filter(d -> !d.isNaN()).sorted().toList();
        double med = median(v);
        double min = ok.isEmpty() ? Double.NaN : ok.get(0);
        double max = ok.isEmpty() ? Double.NaN : ok.get(ok.size() - 1);
        int missing = v.size() - ok.size();
        String verdict = "";
        String t = "";
        if (!Double.isNaN(target)) {
            t = "< " + ms(target) + " ms";
            boolean pass = missing == 0 && !Double.isNaN(med) && med < target;
            verdict = pass ? (max < target ? "PASS" : "PASS (median; max above)") : "FAIL";
            verdicts.put("failover " + mode + " " + how + " " + what + " (median " + ms(med) + " ms, target " + t + ")",
                    verdict);
        }
        sb.append(String.format(Locale.ROOT, "%-13s %-10s %-7s %5s ms %5s ms %5s ms %6s  %-9s %s%n", mode, how,
                what, ms(med), ms(min), ms(max), ok.size() + (missing > 0 ? "+" + missing + " lost" : ""), t, verdict));
    }
}
