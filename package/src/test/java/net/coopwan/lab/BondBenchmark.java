package net.coopwan.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import net.coopwan.lab.BondBenchmarkTools.Counter;
import net.coopwan.lab.BondBenchmarkTools.Iperf;
import net.coopwan.lab.BondBenchmarkTools.Sampler;
import net.coopwan.lab.BondBenchmarkTools.Weights;

/**
 * The bonding benchmark of issue 4 (docs/benchmarks/bonding/README.md): SLoPS accuracy, goodput
 * of one link / static wrr / adaptive side by side, outage recovery, convergence of adaptive
 * weights, tunnel overhead, and unlimited throughput and CPU against wireguard-go. Every figure is
 * measured in this run; figures are medians over the runs. Needs root; run it through
 * {@code docs/benchmarks/bonding/run.sh}. Not a test (its name ends in neither Test nor IT).
 *
 * <p>Arguments: {@code [--quick] [--runs N] [--only s2,s3,...] [--work DIR] [--out FILE]
 * [--results-md FILE] [--command TEXT] [--budget-min M]}.
 */
public final class BondBenchmark {
    static final long NOMINAL_KBPS = 10_000;
    static final String DP_ONCE = "config dataplane 'dataplane'\n\toption slops_period_s '0'\n"
            + "\toption slops_precision_kbps '100'";
    static final int CONVERGENCE_PERIOD_S = 10;
    static final String DP_PERIODIC = "config dataplane 'dataplane'\n\toption slops_period_s '" + CONVERGENCE_PERIOD_S
            + "'\n\toption slops_precision_kbps '100'";
    /** Link rate pairs (kbit/s) of the rate-limited scenarios, in table order. */
    static final long[][] RATES = {{2000, 2000}, {2000, 1000}, {8000, 2000}};
    static final String[] VARIANTS = {"single", "wrr", "adaptive"};

    record OutageCase(String name, long[] rates, String mode, int outIsp) {
        long remainingKbps() {
            return rates[outIsp == 1 ? 1 : 0];
        }
    }

    static final List<OutageCase> OUTAGES = List.of(
            new OutageCase("8+2 adaptive, isp-2 out", new long[] {8000, 2000}, "adaptive", 2),
            new OutageCase("8+2 adaptive, isp-1 out", new long[] {8000, 2000}, "adaptive", 1),
            new OutageCase("2+2 wrr, isp-2 out", new long[] {2000, 2000}, "wrr", 2));
    static final int OUTAGE_AT_MS = 3000;
    static final int OUTAGE_MS = 5000;
    static final int OUTAGE_IPERF_S = 10;
    static final double RECOVERY_WINDOW_MS = 300;

    private final int runs;
    private final boolean quick;
    private final int iperfSeconds;
    private final Set<String> only;
    private final Path work;
    private final long deadline;
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);

    BondBenchmark(int runs, boolean quick, Set<String> only, Path work, int budgetMinutes) {
        this.runs = runs;
        this.quick = quick;
        this.iperfSeconds = 8;
        this.only = only;
        this.work = work;
        this.deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(budgetMinutes);
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        int runs = -1;
        Set<String> only = new LinkedHashSet<>(List.of("s1", "s2", "s3", "s4", "s5", "s6"));
        Path work = null;
        Path out = null;
        Path resultsMd = null;
        String command = "docs/benchmarks/bonding/run.sh";
        int budget = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--only" -> only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--work" -> work = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--results-md" -> resultsMd = Path.of(args[++i]);
                case "--command" -> command = args[++i];
                case "--budget-min" -> budget = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (runs < 1) {
            runs = quick ? 1 : 3;
        }
        if (budget < 1) {
            budget = quick ? 12 : 40;
        }
        if (work == null) {
            work = Files.createTempDirectory("coopwan-bondbench");
        }
        Lab.removeLeftovers();
        BondBenchmark b = new BondBenchmark(runs, quick, only, work, budget);
        b.run();
        String body = b.report();
        System.out.println();
        System.out.println(body);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, "# Bonding benchmark results, " + b.stamp() + "\n\n" + b.header(command) + "\n"
                    + body.replace("\n## ", "\n### ").replaceFirst("^## ", "### "));
            System.out.println("wrote " + out);
        }
        if (resultsMd != null) {
            BondBenchmarkReport.updateResults(resultsMd, "## Bonding (issue #4)" + (quick ? ", quick run" : "")
                    + "\n\n" + b.header(command)
                    + "\n" + body.replace("\n## ", "\n### ").replaceFirst("^## ", "### "));
            System.out.println("updated " + resultsMd);
        }
        System.exit(0);
    }

    String stamp() {
        return started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }

    String header(String command) {
        return "Command: `" + command + "` (as root), " + stamp() + ". Machine: " + Runtime.getRuntime().availableProcessors()
                + " cores (nproc), kernel " + System.getProperty("os.version") + ", java "
                + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + "). "
                + "Medians of " + runs + (runs == 1 ? " run" : " runs") + " per figure" + (quick ? " (--quick)" : "")
                + "; iperf3 TCP lan -> server, -t " + iperfSeconds + ". Work files (daemon logs) were in " + work
                + ".\n";
    }

    // ------------------------------------------------------------------ running

    void run() throws Exception {
        log("bond benchmark: " + runs + " run(s) per figure, scenarios " + only + ", work dir " + work);
        if (only.contains("s1") || only.contains("s2") || only.contains("s3") || only.contains("s4")
                || only.contains("s5")) {
            try (Lab lab = Lab.builder().isps(2).relays(true).iperf3Server(true).logDir(work.resolve("lab-relays"))
                    .build()) {
                log("lab " + lab.prefix() + " with relays is up");
                if (only.contains("s1") || only.contains("s2") || only.contains("s5")) {
                    throughput(lab);
                }
                if (only.contains("s3")) {
                    outages(lab);
                }
                if (only.contains("s4")) {
                    convergence(lab);
                }
            }
        }
        if (only.contains("s6")) {
            try (Lab lab = Lab.builder().isps(2).relays(false).iperf3Server(true).logDir(work.resolve("lab-plain"))
                    .build()) {
                log("lab " + lab.prefix() + " without relays is up");
                unlimited(lab);
            }
        }
    }

    private boolean outOfTime(String what) {
        if (System.nanoTime() > deadline) {
            note("time budget used up: skipped " + what);
            return true;
        }
        return false;
    }

    void add(String key, double v) {
        samples.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
    }

    double med(String key) {
        return BondBenchmarkTools.median(samples.getOrDefault(key, List.of()));
    }

    List<Double> all(String key) {
        return samples.getOrDefault(key, List.of());
    }

    void note(String s) {
        notes.add(s);
        log("NOTE " + s);
    }

    static void log(String s) {
        System.out.println("[" + java.time.LocalTime.now().withNano(0) + "] " + s);
    }

    static String rc(long[] rates) {
        return (rates[0] / 1000.0 == Math.rint(rates[0] / 1000.0) ? Long.toString(rates[0] / 1000) : rates[0] / 1000.0)
                + "+" + (rates[1] / 1000.0 == Math.rint(rates[1] / 1000.0) ? Long.toString(rates[1] / 1000)
                        : rates[1] / 1000.0);
    }

    private void setRates(Lab lab, long[] rates) {
        for (int i = 1; i <= 2; i++) {
            lab.relay(i).reset();
            lab.relay(i).set("set both rate " + rates[i - 1]);
        }
    }

    private int tag;

    private BondLab startBond(Lab lab, String name, String mode, long[] up, String dataplane, int... members)
            throws IOException, InterruptedException {
        Path d = work.resolve(String.format("%02d-%s", ++tag, name.replaceAll("[^A-Za-z0-9+-]", "_")));
        return BondBenchmarkTools.startBond(lab, d, mode, up, dataplane, members);
    }

    private static void stopBond(BondLab b) {
        BondBenchmarkTools.stopBond(b);
    }

    // S1, S2, S5: rate-limited goodput, SLoPS estimates and overhead from the same runs
    private void throughput(Lab lab) {
        for (long[] rates : RATES) {
            String rc = rc(rates);
            setRates(lab, rates);
            for (int rep = 1; rep <= runs; rep++) {
                for (String variant : VARIANTS) {
                    if (outOfTime("throughput " + rc + " " + variant + " run " + rep)) {
                        return;
                    }
                    try {
                        throughputRun(lab, rates, rc, variant, rep);
                    } catch (Exception | Error e) {
                        note("throughput " + rc + " " + variant + " run " + rep + " failed: " + e);
                    }
                }
            }
        }
    }

    private void throughputRun(Lab lab, long[] rates, String rc, String variant, int rep) throws Exception {
        int best = rates[0] >= rates[1] ? 1 : 2;
        int[] members = variant.equals("single") ? new int[] {best} : new int[] {1, 2};
        String mode = variant.equals("adaptive") ? "adaptive" : "wrr";
        BondLab b = startBond(lab, "tput-" + rc + "-" + variant + "-" + rep, mode,
                new long[] {NOMINAL_KBPS, NOMINAL_KBPS}, DP_ONCE, members);
        try {
            if (mode.equals("adaptive")) {
                Weights w = BondBenchmarkTools.awaitSlops(b, 1, Duration.ofSeconds(60));
                if (w == null) {
                    note("adaptive " + rc + " run " + rep + ": no SLoPS weights line within 60 s");
                } else {
                    for (int i = 0; i < 2; i++) {
                        add("slops|" + rc + "|" + (i + 1), w.kbps()[i]);
                    }
                    add("slops|" + rc + "|ms", w.roundMs());
                    add("slops|" + rc + "|streams", w.streams());
                    add("slops|" + rc + "|w", w.weights()[0] / w.weights()[1]);
                }
            }
            // Two transfers back to back, for every variant alike: the first right after start
            // (TCP slow start; adaptive weights still being refined in-band), the second is the
            // bond in use, the figure the targets are checked on.
            Iperf cold = BondBenchmarkTools.iperf(lab, iperfSeconds);
            if (!cold.ok()) {
                note("throughput " + rc + " " + variant + " run " + rep + " (first transfer): " + cold.error());
            }
            add("cold|" + rc + "|" + variant, cold.mbits());
            Counter sent0 = BondBenchmarkTools.routerWanTx(lab);
            Counter wire0 = BondBenchmarkTools.ispUpTx(lab);
            Counter in0 = BondBenchmarkTools.tx(lab, Lab.ROUTER, "bond0");
            Iperf r = BondBenchmarkTools.iperf(lab, iperfSeconds);
            Counter sent = BondBenchmarkTools.routerWanTx(lab).minus(sent0);
            Counter wire = BondBenchmarkTools.ispUpTx(lab).minus(wire0);
            Counter inner = BondBenchmarkTools.tx(lab, Lab.ROUTER, "bond0").minus(in0);
            if (!r.ok()) {
                note("throughput " + rc + " " + variant + " run " + rep + ": " + r.error());
            }
            add("tput|" + rc + "|" + variant, r.mbits());
            overhead("ovh|" + rc + " " + variant, sent, wire, inner, r);
            log(String.format("%s %-8s run %d: %.2f Mbit/s (first transfer %.2f)", rc, variant, rep, r.mbits(), cold.mbits()));
        } finally {
            stopBond(b);
        }
    }

    /**
     * Overhead figures of one bond run: {@code sent} = what the router's wanN sent (before any
     * relay drop), {@code carried} = what the ISPs passed on to inet, {@code inner} = what bond0
     * handed to the daemon; veth counters include 14 bytes of Ethernet header per packet.
     */
    private void overhead(String key, Counter sent, Counter carried, Counter inner, Iperf r) {
        double sentIp = sent.bytes() - 14.0 * sent.packets();
        double carriedIp = carried.bytes() - 14.0 * carried.packets();
        if (inner.packets() > 0 && r.bytes() > 0) {
            add(key + "|bpp", (sentIp - inner.bytes()) / inner.packets());
            add(key + "|inner", (double) inner.bytes() / inner.packets());
            add(key + "|extra", (double) (sent.packets() - inner.packets()) / inner.packets());
            add(key + "|eff", r.bytes() / carriedIp);
            add(key + "|dropped", Math.max(0, 1 - carriedIp / sentIp)); // ARP etc. make it a hair negative
        }
    }

    // S3: outage of one ISP during a transfer
    private void outages(Lab lab) {
        for (int rep = 1; rep <= runs; rep++) {
            for (OutageCase c : OUTAGES) {
                if (outOfTime("outage " + c.name() + " run " + rep)) {
                    return;
                }
                try {
                    outageRun(lab, c, rep);
                } catch (Exception | Error e) {
                    note("outage " + c.name() + " run " + rep + " failed: " + e);
                }
            }
        }
    }

    private void outageRun(Lab lab, OutageCase c, int rep) throws Exception {
        setRates(lab, c.rates());
        BondLab b = startBond(lab, "outage-" + c.name() + "-" + rep, c.mode(),
                new long[] {NOMINAL_KBPS, NOMINAL_KBPS}, DP_ONCE, 1, 2);
        try {
            if (c.mode().equals("adaptive") && BondBenchmarkTools.awaitSlops(b, 1, Duration.ofSeconds(60)) == null) {
                note("outage " + c.name() + " run " + rep + ": no SLoPS weights within 60 s (ran on nominal weights)");
            }
            Path json = work.resolve("outage-" + rep + "-" + c.outIsp() + "-" + c.mode() + ".json");
            Files.deleteIfExists(json);
            long tOut;
            int exit;
            List<Sampler.Sample> s;
            try (Sampler sampler = new Sampler(lab, Lab.SERVER, "eth0", OUTAGE_IPERF_S + 30)) {
                Process iperf = lab.spawn(Lab.LAN, json, "iperf3", "-c", Lab.SERVER_ADDRESS, "-t",
                        Integer.toString(OUTAGE_IPERF_S), "-i", "0.25", "-J");
                Thread.sleep(OUTAGE_AT_MS);
                tOut = System.nanoTime();
                lab.relay(c.outIsp()).set("outage " + OUTAGE_MS + " both");
                if (iperf.waitFor(OUTAGE_IPERF_S + 30L, TimeUnit.SECONDS)) {
                    exit = iperf.exitValue();
                } else {
                    iperf.destroyForcibly();
                    exit = -1;
                }
                Thread.sleep(200);
                s = sampler.samples();
            }
            Iperf r = BondBenchmarkTools.parseIperf(exit == 0, Files.readString(json), "exit " + exit);
            String k = "out|" + c.name();
            add(k + "|survived", exit == 0 ? 1 : 0);
            add(k + "|total", r.mbits());
            double need = 0.8 * c.remainingKbps() / 1000.0;
            double recovery = Double.NaN;
            long outEnd = tOut + OUTAGE_MS * 1_000_000L;
            for (int j = 0; j < s.size() && Double.isNaN(recovery); j++) {
                Sampler.Sample sj = s.get(j);
                if (sj.nanos() > outEnd) {
                    break;
                }
                for (int i = j - 1; i >= 0; i--) {
                    Sampler.Sample si = s.get(i);
                    if (si.nanos() < tOut) {
                        break;
                    }
                    if (sj.nanos() - si.nanos() >= RECOVERY_WINDOW_MS * 1e6) {
                        if (BondBenchmarkTools.goodputMbits(si, sj) >= need) {
                            recovery = (sj.nanos() - tOut) / 1e6;
                        }
                        break;
                    }
                }
            }
            add(k + "|recovery", recovery);
            add(k + "|before", window(s, tOut - 2_000_000_000L, tOut));
            add(k + "|during", window(s, tOut + 2_000_000_000L, outEnd));
            if (Double.isNaN(recovery)) {
                note("outage " + c.name() + " run " + rep + ": goodput never reached " + BondBenchmarkTools.fmt(need, 2)
                        + " Mbit/s during the " + OUTAGE_MS + " ms outage");
            }
            log(String.format("outage %s run %d: exit %d, recovery %s ms, total %.2f Mbit/s", c.name(), rep, exit,
                    BondBenchmarkTools.fmt(recovery, 0), r.mbits()));
        } finally {
            stopBond(b);
        }
    }

    /** Goodput between the first sample at or after from and the last at or before to. */
    private static double window(List<Sampler.Sample> s, long from, long to) {
        Sampler.Sample a = null;
        Sampler.Sample z = null;
        for (Sampler.Sample x : s) {
            if (a == null && x.nanos() >= from) {
                a = x;
            }
            if (x.nanos() <= to) {
                z = x;
            }
        }
        return a == null || z == null || z.nanos() <= a.nanos() ? Double.NaN : BondBenchmarkTools.goodputMbits(a, z);
    }

    // S4: convergence of adaptive weights after a rate change
    private void convergence(Lab lab) {
        for (int rep = 1; rep <= runs; rep++) {
            if (outOfTime("convergence run " + rep)) {
                return;
            }
            try {
                convergenceRun(lab, rep);
            } catch (Exception | Error e) {
                note("convergence run " + rep + " failed: " + e);
            }
        }
    }

    private void convergenceRun(Lab lab, int rep) throws Exception {
        long[] before = {8000, 2000};
        long[] after = {2000, 2000};
        setRates(lab, before);
        BondLab b = startBond(lab, "converge-" + rep, "adaptive", new long[] {NOMINAL_KBPS, NOMINAL_KBPS},
                DP_PERIODIC, 1, 2);
        Process iperf = null;
        try {
            Weights first = BondBenchmarkTools.awaitSlops(b, 1, Duration.ofSeconds(60));
            if (first == null) {
                note("convergence run " + rep + ": no first SLoPS weights within 60 s");
                return;
            }
            add("conv|first", first.weights()[0] / first.weights()[1]);
            iperf = lab.spawn(Lab.LAN, work.resolve("converge-" + rep + ".json"), "iperf3", "-c", Lab.SERVER_ADDRESS,
                    "-t", "90", "-J");
            Thread.sleep(2000);
            int seen = BondBenchmarkTools.slopsWeights(b.routerLog()).size();
            int seenAll = BondBenchmarkTools.weights(b.routerLog()).size();
            long t0 = System.nanoTime();
            lab.relay(1).set("set both rate " + after[0]);
            double want = (double) after[0] / after[1];
            long limit = t0 + TimeUnit.SECONDS.toNanos(3L * CONVERGENCE_PERIOD_S + 30);
            int rounds = 0;
            double conv = Double.NaN; // first weights line of any kind (in-band or SLoPS) within 25 %
            double convSlops = Double.NaN; // first SLoPS round within 25 %
            Weights hit = null;
            while (System.nanoTime() < limit && Double.isNaN(convSlops)) {
                List<Weights> all = BondBenchmarkTools.weights(b.routerLog());
                for (int k = seenAll; k < all.size() && Double.isNaN(conv); k++) {
                    if (Math.abs(all.get(k).weights()[0] / all.get(k).weights()[1] / want - 1) <= 0.25) {
                        conv = (System.nanoTime() - t0) / 1e6;
                    }
                }
                seenAll = all.size();
                List<Weights> w = BondBenchmarkTools.slopsWeights(b.routerLog());
                for (int k = seen; k < w.size(); k++) {
                    rounds++;
                    double ratio = w.get(k).weights()[0] / w.get(k).weights()[1];
                    if (Math.abs(ratio / want - 1) <= 0.25) {
                        convSlops = (System.nanoTime() - t0) / 1e6;
                        conv = Double.isNaN(conv) ? convSlops : conv;
                        hit = w.get(k);
                        break;
                    }
                }
                seen = w.size();
                if (!b.router().isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
            add("conv|slopsms", convSlops);
            add("conv|ms", conv);
            add("conv|rounds", rounds);
            if (hit != null) {
                add("conv|ratio", hit.weights()[0] / hit.weights()[1]);
                add("conv|kbps1", hit.kbps()[0]);
                add("conv|kbps2", hit.kbps()[1]);
                add("conv|roundms", hit.roundMs());
                add("conv|wait", convSlops - hit.roundMs());
            } else {
                note("convergence run " + rep + ": weights did not reach the new ratio within "
                        + (3 * CONVERGENCE_PERIOD_S + 30) + " s (" + rounds + " rounds)");
            }
            log(String.format("convergence run %d: %s ms (by a SLoPS round %s ms), %d round(s)", rep,
                    BondBenchmarkTools.fmt(conv, 0), BondBenchmarkTools.fmt(convSlops, 0), rounds));
        } finally {
            if (iperf != null && iperf.isAlive()) {
                iperf.destroyForcibly();
                iperf.waitFor(3, TimeUnit.SECONDS);
            }
            stopBond(b);
        }
    }

    // S6: no rate limits; direct path, bond over 2 and 1 ISPs, wireguard-go
    private void unlimited(Lab lab) {
        for (int rep = 1; rep <= runs; rep++) {
            for (String v : List.of("direct", "bond2", "bond2c2", "bond1", "wireguard")) {
                if (outOfTime("unlimited " + v + " run " + rep)) {
                    return;
                }
                try {
                    unlimitedRun(lab, v, rep);
                } catch (Exception | Error e) {
                    note("unlimited " + v + " run " + rep + " failed: " + e);
                }
            }
        }
    }

    private void unlimitedRun(Lab lab, String v, int rep) throws Exception {
        String k = "unl|" + v;
        switch (v) {
            case "direct" -> {
                Iperf r = BondBenchmarkTools.iperf(lab, iperfSeconds);
                add(k, r.mbits());
                log(String.format("unlimited direct run %d: %.1f Mbit/s", rep, r.mbits()));
            }
            case "bond2", "bond2c2", "bond1" -> {
                int[] members = v.startsWith("bond2") ? new int[] {1, 2} : new int[] {1};
                // bond2c2: the same with the full JIT (C2), which a concentrator on a server can
                // afford; the launcher's default is C1 only, for a router's RAM and start-up
                if (v.equals("bond2c2")) {
                    System.setProperty("coopwan.java.opts", "-XX:TieredStopAtLevel=4 -XX:CICompilerCount=2");
                }
                BondLab b;
                try {
                    b = startBond(lab, "unl-" + v + "-" + rep, "wrr", new long[] {0, 0}, DP_ONCE, members);
                } finally {
                    System.clearProperty("coopwan.java.opts");
                }
                try {
                    List<ProcessHandle> ph = List.of(b.router().toHandle(), b.concentrator().toHandle());
                    measureCpu(lab, k, ph, rep, v);
                } finally {
                    stopBond(b);
                }
            }
            case "wireguard" -> {
                try (BondBenchmarkWireGuard wg = new BondBenchmarkWireGuard(lab)) {
                    wg.start(work.resolve("wireguard-" + rep));
                    measureCpu(lab, k, wg.processes(), rep, v);
                }
            }
            default -> throw new IllegalArgumentException(v);
        }
    }

    private void measureCpu(Lab lab, String k, List<ProcessHandle> ph, int rep, String v) {
        BondBenchmarkTools.iperf(lab, 2); // warm-up: JIT, TCP autotuning
        Counter sent0 = BondBenchmarkTools.routerWanTx(lab);
        Counter wire0 = BondBenchmarkTools.ispUpTx(lab);
        boolean bond = v.startsWith("bond");
        Counter in0 = bond ? BondBenchmarkTools.tx(lab, Lab.ROUTER, "bond0") : null;
        double cpu0 = BondBenchmarkTools.cpuSeconds(ph);
        Iperf r = BondBenchmarkTools.iperf(lab, iperfSeconds);
        double cpu = BondBenchmarkTools.cpuSeconds(ph) - cpu0;
        Counter wire = BondBenchmarkTools.ispUpTx(lab).minus(wire0);
        Counter sent = BondBenchmarkTools.routerWanTx(lab).minus(sent0);
        if (!r.ok()) {
            note("unlimited " + v + " run " + rep + ": " + r.error());
        }
        add(k, r.mbits());
        if (r.bytes() > 0) {
            add(k + "|cpu", cpu * 1000 / (r.bytes() * 8 / 1e6)); // CPU ms per Mbit carried
            add(k + "|cpupct", cpu / iperfSeconds * 100);
        }
        if (bond) {
            overhead("ovh|unlimited " + v, sent, wire, BondBenchmarkTools.tx(lab, Lab.ROUTER, "bond0").minus(in0), r);
        }
        log(String.format("unlimited %s run %d: %.1f Mbit/s, %.2f CPU s", v, rep, r.mbits(), cpu));
    }

    // ------------------------------------------------------------------ report

    String report() {
        return new BondBenchmarkReport(this).render();
    }

    int runs() {
        return runs;
    }

    int iperfSeconds() {
        return iperfSeconds;
    }

    List<String> notes() {
        return notes;
    }

    List<String> samplesKeys() {
        return List.copyOf(samples.keySet());
    }

    Set<String> only() {
        return only;
    }
}
