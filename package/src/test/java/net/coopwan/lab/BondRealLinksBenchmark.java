package net.coopwan.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import net.coopwan.lab.BondBenchmarkTools.Iperf;

/**
 * Issue 18's scenario matrix: a bond on links that differ in rate, one-way delay, jitter and loss,
 * and in every scenario, in the same run, what one TCP flow gets through the same tunnel on the
 * best link alone, on the other link alone, with static wrr (mode wrr: equal weights, the paper's
 * static baseline), adaptive, and adaptive with each of its real-link mechanisms switched off
 * ({@code list disable} of {@code config dataplane}), so each shows what it is worth.
 *
 * <p>The links are the lab's two ISP relays (userspace: delay, jitter without reordering, random
 * or Gilbert-Elliott loss, rate with a queue), set the same both ways. Run by
 * {@code docs/benchmarks/bonding/real-links.sh}; not part of CI (the full matrix takes hours).
 */
final class BondRealLinksBenchmark {

    /** The mechanisms issue 18 asks to show one by one, as {@code list disable} of {@code config dataplane} names them. */
    static final List<String> MECHANISMS = List.of("adaptive_reorder", "inband_jitter", "loss_recovery");

    /** One link's impairment: rate kbit/s, one-way delay and jitter ms, and a loss spec (relay words) or "". */
    record Link(long kbps, int delayMs, int jitterMs, String loss) {
        List<String> lines() {
            List<String> out = new ArrayList<>(List.of("set both rate " + kbps, "set both delay " + delayMs,
                    "set both jitter " + jitterMs));
            if (!loss.isEmpty()) {
                out.add("set both " + loss);
            }
            return out;
        }
    }

    record Scenario(String rates, String delays, String loss, Link one, Link two) {
        String name() {
            return rates + ", " + delays + ", " + loss;
        }

        /** The member with the higher rate (the first on a tie). */
        int best() {
            return one.kbps() >= two.kbps() ? 1 : 2;
        }
    }

    static final long[][] RATES = {{8000, 2000}, {20_000, 5000}, {2000, 2000}};
    /** name, {delay, jitter} of the first link, then of the second. */
    static final Map<String, int[]> DELAYS = new LinkedHashMap<>();
    static final Map<String, String[]> LOSSES = new LinkedHashMap<>();

    static {
        DELAYS.put("equal 5 ms", new int[] {5, 0, 5, 0});
        DELAYS.put("5 vs 30+/-5 ms", new int[] {5, 0, 30, 5});
        DELAYS.put("5 vs 60+/-10 ms", new int[] {5, 0, 60, 10});
        LOSSES.put("no loss", new String[] {"", ""});
        LOSSES.put("0.5 % / 1 % loss", new String[] {"loss 0.5", "loss 1"});
        LOSSES.put("bursty 1 % (bursts of 4)", new String[] {"gemean 1,4", "gemean 1,4"});
    }

    static List<Scenario> scenarios(boolean quick) {
        List<Scenario> out = new ArrayList<>();
        for (long[] r : quick ? new long[][] {RATES[0]} : RATES) {
            for (Map.Entry<String, int[]> d : DELAYS.entrySet()) {
                if (quick && d.getKey().startsWith("5 vs 60")) {
                    continue;
                }
                for (Map.Entry<String, String[]> l : LOSSES.entrySet()) {
                    if (quick && l.getKey().startsWith("bursty")) {
                        continue;
                    }
                    int[] dj = d.getValue();
                    out.add(new Scenario(BondBenchmark.rc(r), d.getKey(), l.getKey(),
                            new Link(r[0], dj[0], dj[1], l.getValue()[0]), new Link(r[1], dj[2], dj[3], l.getValue()[1])));
                }
            }
        }
        return out;
    }

    static List<String> variants() {
        // earliest arrival is the bond's scheduler option, off by default: shown switched on
        List<String> v = new ArrayList<>(List.of("best", "other", "wrr", "adaptive", "adaptive +earliest"));
        MECHANISMS.forEach(m -> v.add("adaptive -" + m));
        return v;
    }

    private final boolean quick;
    private final int runs;
    private final int iperfSeconds;
    private final Path work;
    private final long deadline;
    private final String filter;
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    private int tag;

    BondRealLinksBenchmark(boolean quick, int runs, Path work, int budgetMinutes, String filter) {
        this.quick = quick;
        this.runs = runs;
        this.iperfSeconds = 8;
        this.work = work;
        this.deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(budgetMinutes);
        this.filter = filter;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        int runs = 1;
        Path work = null;
        Path out = null;
        String command = "docs/benchmarks/bonding/real-links.sh";
        int budget = -1;
        String filter = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--command" -> command = args[++i];
                case "--budget-min" -> budget = Integer.parseInt(args[++i]);
                case "--only" -> filter = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (budget < 1) {
            budget = quick ? 25 : 300;
        }
        if (work == null) {
            work = Files.createTempDirectory("coopwan-reallinks");
        }
        Lab.removeLeftovers();
        BondRealLinksBenchmark b = new BondRealLinksBenchmark(quick, Math.max(1, runs), work, budget, filter);
        b.run();
        String body = b.report();
        System.out.println();
        System.out.println(body);
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, "# Bonding on real links (issue 18), " + b.stamp() + "\n\n" + b.header(command) + "\n" + body);
            System.out.println("wrote " + out);
        }
        System.exit(0);
    }

    String stamp() {
        return started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }

    String header(String command) {
        return "Command: `" + command + "` (as root), " + stamp() + ". Machine: " + Runtime.getRuntime().availableProcessors()
                + " cores (nproc), kernel " + System.getProperty("os.version") + ", java "
                + System.getProperty("java.runtime.version") + ". " + runs + (runs == 1 ? " run" : " runs (median)")
                + " per figure" + (quick ? " (--quick: 8+2 Mbit/s, no 60 ms delay, no bursty loss)" : "")
                + "; one iperf3 TCP flow lan -> server, -t " + iperfSeconds + ", after a first transfer of the same length"
                + " that warms the bond. Work files (daemon logs) in " + work + ".\n";
    }

    void run() throws Exception {
        try (Lab lab = Lab.builder().isps(2).relays(true).iperf3Server(true).logDir(work.resolve("lab-relays")).build()) {
            log("lab " + lab.prefix() + " with relays is up");
            for (Scenario s : scenarios(quick)) {
                if (!s.name().contains(filter)) {
                    continue;
                }
                setLinks(lab, s);
                for (int rep = 1; rep <= runs; rep++) {
                    for (String v : variants()) {
                        if (System.nanoTime() > deadline) {
                            note("time budget used up: skipped " + s.name() + " / " + v);
                            return;
                        }
                        try {
                            add(s.name() + "|" + v, runOne(lab, s, v, rep));
                        } catch (Exception | Error e) {
                            note(s.name() + " / " + v + " run " + rep + " failed: " + e);
                        }
                    }
                }
            }
        }
    }

    private static void setLinks(Lab lab, Scenario s) {
        Link[] links = {s.one(), s.two()};
        for (int i = 1; i <= 2; i++) {
            lab.relay(i).reset();
            for (String line : links[i - 1].lines()) {
                lab.relay(i).set(line);
            }
        }
    }

    /** The dataplane section of a variant: SLoPS once, and the mechanism it switches off there. */
    static String dataplane(String variant) {
        String dp = BondBenchmark.DP_ONCE;
        if (variant.startsWith("adaptive -")) {
            dp += "\n\tlist disable '" + variant.substring("adaptive -".length()) + "'";
        }
        return dp;
    }

    /** The bond's own options of a variant: adaptive with earliest arrival is its scheduler 'earliest'. */
    static List<String[]> bondOptions(String variant) {
        return variant.equals("adaptive +earliest") ? List.<String[]>of(new String[] {"scheduler", "earliest"}) : List.of();
    }

    private double runOne(Lab lab, Scenario s, String variant, int rep) throws Exception {
        int best = s.best();
        int[] members = switch (variant) {
            case "best" -> new int[] {best};
            case "other" -> new int[] {3 - best};
            default -> new int[] {1, 2};
        };
        boolean adaptive = variant.startsWith("adaptive");
        // neither is told the rates: mode wrr weighs the members equally (the paper's static
        // baseline), adaptive measures
        long[] up = {BondBenchmark.NOMINAL_KBPS, BondBenchmark.NOMINAL_KBPS};
        // short: the daemon's control socket lives in it, and a unix socket's path has at most 107
        // bytes (a scenario's full name made the daemon refuse to start); the log line names it
        Path dir = work.resolve(String.format("%03d-%s", ++tag, variant.replaceAll("[^A-Za-z0-9+-]", "")));
        log(String.format(Locale.ROOT, "%s / %s: run %d in %s", s.name(), variant, rep, dir.getFileName()));
        BondLab b = BondBenchmarkTools.startBond(lab, dir, adaptive ? "adaptive" : "wrr", bondOptions(variant), up,
                dataplane(variant), members);
        try {
            if (adaptive && BondBenchmarkTools.awaitSlops(b, 1, Duration.ofSeconds(60)) == null) {
                note(s.name() + " / " + variant + " run " + rep + ": no SLoPS weights within 60 s");
            }
            Iperf cold = BondBenchmarkTools.iperf(lab, iperfSeconds);
            if (!cold.ok()) {
                note(s.name() + " / " + variant + " run " + rep + " (first transfer): " + cold.error());
            }
            Iperf r = BondBenchmarkTools.iperf(lab, iperfSeconds);
            if (!r.ok()) {
                // iperf3's server now and then refuses a test right after the last one ("unable to
                // receive control message"): once more after a pause, noted
                note(s.name() + " / " + variant + " run " + rep + ": iperf3 failed once, tried again: " + r.error());
                Thread.sleep(2000);
                r = BondBenchmarkTools.iperf(lab, iperfSeconds);
            }
            if (!r.ok()) {
                throw new IllegalStateException("iperf3: " + r.error());
            }
            log(String.format(Locale.ROOT, "%s / %-26s run %d: %.2f Mbit/s (first %.2f)", s.name(), variant, rep, r.mbits(),
                    cold.mbits()));
            return r.mbits();
        } finally {
            BondBenchmarkTools.stopBond(b);
        }
    }

    void add(String key, double v) {
        samples.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
    }

    double med(String key) {
        return BondBenchmarkTools.median(samples.getOrDefault(key, List.of()));
    }

    void note(String s) {
        notes.add(s);
        log("NOTE " + s);
    }

    static void log(String s) {
        System.out.println("[" + java.time.LocalTime.now().withNano(0) + "] " + s);
        System.out.flush();
    }

    /** The table per scenario, the floors as verdicts, and the notes. */
    String report() {
        StringBuilder sb = new StringBuilder("### Goodput of one TCP flow (Mbit/s)\n\n```text\n");
        List<String> vs = variants();
        sb.append(String.format(Locale.ROOT, "%-46s", "scenario"));
        for (String v : vs) {
            sb.append(String.format(Locale.ROOT, " %9s", v.replace("adaptive -", "-").replace("adaptive +", "+")
                    .replace("adaptive_reorder", "reorder").replace("inband_jitter", "inband").replace("loss_recovery", "recovery")));
        }
        sb.append('\n');
        List<String> verdicts = new ArrayList<>();
        for (Scenario s : scenarios(quick)) {
            if (!s.name().contains(filter) || !samples.containsKey(s.name() + "|adaptive")) {
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%-46s", s.name()));
            for (String v : vs) {
                double m = med(s.name() + "|" + v);
                sb.append(String.format(Locale.ROOT, " %9s", Double.isNaN(m) ? "-" : String.format(Locale.ROOT, "%.2f", m)));
            }
            sb.append('\n');
            verdicts.addAll(verdicts(s));
        }
        sb.append("```\n\nbest/other: the bond with one member, the faster link / the other, through the same tunnel; wrr:"
                + " mode wrr, equal weights (the paper's static baseline); adaptive: the defaults (every mechanism on,"
                + " scheduler 'wrr'); +earliest: with the bond's `scheduler 'earliest'` (each packet where it arrives first);"
                + " -X: adaptive with `list disable 'X'` in `config dataplane`, reorder = adaptive_reorder (the measured reorder wait), inband ="
                + " inband_jitter (the estimator's jitter and load rules), recovery = loss_recovery (re-sending"
                + " what a link lost).\n\n### Verdicts (issue 18's floors)\n\n```text\n");
        verdicts.forEach(v -> sb.append(v).append('\n'));
        sb.append("```\n\n### Notes of this run\n\n");
        if (notes.isEmpty()) {
            sb.append("None: every measurement completed.\n");
        }
        notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        return sb.toString();
    }

    private List<String> verdicts(Scenario s) {
        List<String> out = new ArrayList<>();
        double adaptive = med(s.name() + "|adaptive");
        double best = med(s.name() + "|best");
        double other = med(s.name() + "|other");
        out.add(verdict(s.name() + ": adaptive >= the best link alone (" + f(adaptive) + " vs " + f(best) + ")",
                adaptive, best));
        if (s.loss().equals("no loss") && !s.delays().startsWith("equal")) {
            String equal = s.rates() + ", equal 5 ms, no loss";
            double ref = med(equal + "|adaptive");
            out.add(verdict(s.name() + ": adaptive >= 90 % of the same rates with equal delays (" + f(adaptive) + " vs 0.9 x "
                    + f(ref) + ")", adaptive, 0.9 * ref));
        }
        if (!s.loss().equals("no loss")) {
            out.add(verdict(s.name() + ": adaptive >= best + half of the other's solo goodput (" + f(adaptive) + " vs "
                    + f(best) + " + 0.5 x " + f(other) + ")", adaptive, best + 0.5 * other));
        }
        return out;
    }

    private static String verdict(String what, double got, double floor) {
        String v = Double.isNaN(got) || Double.isNaN(floor) ? "UNDECIDED" : got >= floor ? "PASS" : "FAIL";
        return String.format(Locale.ROOT, "%-120s %s", what, v);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
