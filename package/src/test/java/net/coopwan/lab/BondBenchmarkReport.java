package net.coopwan.lab;

import static net.coopwan.lab.BondBenchmarkTools.fmt;
import static net.coopwan.lab.BondBenchmarkTools.pct;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The tables of a {@link BondBenchmark} run, as Markdown (fixed-width tables in text blocks). */
final class BondBenchmarkReport {
    private final BondBenchmark b;
    private final StringBuilder sb = new StringBuilder();

    BondBenchmarkReport(BondBenchmark b) {
        this.b = b;
    }

    private void line(String fmt, Object... args) {
        sb.append(String.format(Locale.ROOT, fmt, args).stripTrailing()).append('\n');
    }

    private String allOf(String key, int decimals) {
        List<Double> v = b.all(key);
        return v.size() <= 1 ? "" : v.stream().map(d -> fmt(d, decimals)).collect(Collectors.joining(", ", "[", "]"));
    }

    /** One row per rate pair: the medians of {@code key}rc|variant, in Mbit/s and % of the sum. */
    private void goodputRows(String key) {
        for (long[] r : BondBenchmark.RATES) {
            String rc = BondBenchmark.rc(r);
            double sum = (r[0] + r[1]) / 1000.0;
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-6s %7s ", rc, fmt(sum, 1)));
            for (String v : BondBenchmark.VARIANTS) {
                double m = b.med(key + rc + "|" + v);
                row.append(String.format(Locale.ROOT, " %-18s", fmt(m, 2) + " (" + pct(m / sum) + ")"));
            }
            sb.append(row.toString().stripTrailing()).append('\n');
        }
    }

    private static String verdict(boolean measured, boolean pass) {
        return !measured ? "NOT MEASURED" : pass ? "PASS" : "MISS";
    }

    String render() {
        if (b.only().contains("s1") || b.only().contains("s2")) {
            slops();
            throughput();
        }
        if (b.only().contains("s3")) {
            outage();
        }
        if (b.only().contains("s4")) {
            convergence();
        }
        if (b.only().contains("s5") || b.only().contains("s2") || b.only().contains("s6")) {
            overhead();
        }
        if (b.only().contains("s6")) {
            unlimited();
        }
        sb.append("## Notes of this run\n\n");
        if (b.notes().isEmpty()) {
            sb.append("None: every measurement completed.\n");
        } else {
            for (String n : b.notes()) {
                sb.append("- ").append(n).append('\n');
            }
        }
        return sb.toString();
    }

    private void slops() {
        sb.append("## 1. SLoPS accuracy (adaptive, up_kbps ").append(BondBenchmark.NOMINAL_KBPS)
                .append(" each = Rmax, slops_precision_kbps 100)\n\n```text\n");
        line("%-7s %-5s %11s %14s %8s %13s  %-20s %s", "links", "link", "configured", "SLoPS median", "error",
                "err vs 93.3%", "round: streams, ms", "all runs");
        for (long[] r : BondBenchmark.RATES) {
            String rc = BondBenchmark.rc(r);
            for (int i = 0; i < 2; i++) {
                double est = b.med("slops|" + rc + "|" + (i + 1));
                double err = est / r[i] - 1;
                double errProbe = est / (r[i] * PROBE_SHARE) - 1;
                line("%-7s %-5s %6d kbit/s %7s kbit/s %8s %13s  %-20s %s", rc, "wan" + (i + 1), r[i], fmt(est, 0),
                        Double.isNaN(est) ? "-" : String.format(Locale.ROOT, "%+.1f%%", err * 100),
                        Double.isNaN(est) ? "-" : String.format(Locale.ROOT, "%+.1f%%", errProbe * 100),
                        i == 0 ? fmt(b.med("slops|" + rc + "|streams"), 0) + ", " + fmt(b.med("slops|" + rc + "|ms"), 0)
                                : "",
                        allOf("slops|" + rc + "|" + (i + 1), 0));
            }
        }
        sb.append("\nerror: against the configured rate; err vs 93.3%: against the rate of probe payload the link can\n"
                + "carry (1000-byte probes travel as 1072 IP bytes: 28 tunnel header + 16 tag + 28 UDP/IP)\n");
        sb.append("```\n\n");
    }

    /** Share of a link's IP rate that SLoPS's probe rate L/T can reach: 1000 of 1072 bytes. */
    static final double PROBE_SHARE = 1000.0 / 1072;

    private void throughput() {
        sb.append("## 2. Goodput: one link vs static wrr vs adaptive (Mbit/s, % of the sum of link rates)\n\n");
        sb.append("Each run carries two transfers back to back; the table is the second (the bond in use),\n"
                + "\"first transfer\" below is the one right after the bond came up (adaptive weights are then\n"
                + "still being refined in-band from SLoPS's).\n\n```text\n");
        line("%-6s %7s  %-18s %-18s %-18s", "links", "sum", "single best link", "static wrr", "adaptive");
        goodputRows("tput|");
        sb.append("first transfer:\n");
        goodputRows("cold|");
        if (b.runs() > 1) {
            sb.append("\nall runs:\n");
            for (long[] r : BondBenchmark.RATES) {
                String rc = BondBenchmark.rc(r);
                for (String v : BondBenchmark.VARIANTS) {
                    line("  %-5s %-8s %s  first transfer %s", rc, v, allOf("tput|" + rc + "|" + v, 2),
                            allOf("cold|" + rc + "|" + v, 2));
                }
            }
        }
        sb.append("\ntargets:\n");
        for (long[] r : BondBenchmark.RATES) {
            String rc = BondBenchmark.rc(r);
            double ad = b.med("tput|" + rc + "|adaptive");
            double single = b.med("tput|" + rc + "|single");
            boolean m = !Double.isNaN(ad) && !Double.isNaN(single);
            line("  %-5s adaptive >= single best link:  %s vs %s  %s", rc, fmt(ad, 2), fmt(single, 2),
                    verdict(m, ad >= single));
        }
        long[] big = BondBenchmark.RATES[2];
        String brc = BondBenchmark.rc(big);
        double sum = (big[0] + big[1]) / 1000.0;
        double ad = b.med("tput|" + brc + "|adaptive");
        line("  %-5s adaptive >= 90%% of sum (issue):  %s  %s", brc, pct(ad / sum), verdict(!Double.isNaN(ad), ad >= 0.9 * sum));
        line("  %-5s adaptive >= 95%% of sum (product aim):  %s  %s", brc, pct(ad / sum),
                verdict(!Double.isNaN(ad), ad >= 0.95 * sum));
        for (int idx : new int[] {1, 2}) {
            long[] r = BondBenchmark.RATES[idx];
            String rc = BondBenchmark.rc(r);
            double worst2 = 2 * Math.min(r[0], r[1]) / 1000.0;
            double wrr = b.med("tput|" + rc + "|wrr");
            line("  %-5s static wrr ~ 2 x worst link (%s): %s = %s x  %s (within 0.8-1.1 x)", rc, fmt(worst2, 1),
                    fmt(wrr, 2), fmt(wrr / worst2, 2),
                    verdict(!Double.isNaN(wrr), wrr >= 0.8 * worst2 && wrr <= 1.1 * worst2));
        }
        sb.append("```\n\n");
    }

    private void outage() {
        sb.append("## 3. Outage of one ISP for ").append(BondBenchmark.OUTAGE_MS).append(" ms, ")
                .append(BondBenchmark.OUTAGE_AT_MS).append(" ms into a ").append(BondBenchmark.OUTAGE_IPERF_S)
                .append(" s transfer\n\n```text\n");
        line("%-24s %-9s %-14s %-10s %-10s %-8s %s", "case", "survived", "recovery (ms)", "before", "during",
                "total", "recovery, all runs");
        for (BondBenchmark.OutageCase c : BondBenchmark.OUTAGES) {
            String k = "out|" + c.name();
            List<Double> s = b.all(k + "|survived");
            long ok = s.stream().filter(d -> d == 1).count();
            line("%-24s %-9s %-14s %-10s %-10s %-8s %s", c.name(), ok + "/" + s.size(), fmt(b.med(k + "|recovery"), 0),
                    fmt(b.med(k + "|before"), 2), fmt(b.med(k + "|during"), 2), fmt(b.med(k + "|total"), 2),
                    allOf(k + "|recovery", 0));
        }
        sb.append("\nrecovery: from the outage start until the receiver's goodput over ")
                .append((int) BondBenchmark.RECOVERY_WINDOW_MS)
                .append(" ms is >= 80% of the remaining link's rate\n(before: last 2 s before the outage; during: "
                        + "from 2 s into the outage to its end; goodput in Mbit/s at the server)\n");
        for (BondBenchmark.OutageCase c : BondBenchmark.OUTAGES) {
            String k = "out|" + c.name();
            List<Double> s = b.all(k + "|survived");
            boolean survived = !s.isEmpty() && s.stream().allMatch(d -> d == 1);
            double rec = b.med(k + "|recovery");
            line("  %-24s connection survives: %s; goodput back to %s Mbit/s within the outage: %s", c.name(),
                    verdict(!s.isEmpty(), survived), fmt(0.8 * c.remainingKbps() / 1000.0, 1),
                    verdict(!s.isEmpty(), !Double.isNaN(rec)));
        }
        sb.append("```\n\n");
    }

    private void convergence() {
        sb.append("## 4. Convergence of adaptive weights (slops_period_s ").append(BondBenchmark.CONVERGENCE_PERIOD_S)
                .append("): isp-1 8000 -> 2000 kbit/s mid-transfer, isp-2 2000\n\n```text\n");
        line("weights ratio wan1/wan2 before the change:   %s (expected 4.0)", fmt(b.med("conv|first"), 2));
        List<Double> conv = b.all("conv|ms");
        line("runs whose weights reached it within %d s:   %d/%d", 3 * BondBenchmark.CONVERGENCE_PERIOD_S + 30,
                conv.stream().filter(d -> !d.isNaN()).count(), conv.size());
        line("time until a weights line within 25%% of 1.0: %s ms (median of those) %s", fmt(b.med("conv|ms"), 0),
                allOf("conv|ms", 0));
        line("  (in-band or SLoPS; by a SLoPS round alone: %s ms %s)", fmt(b.med("conv|slopsms"), 0), allOf("conv|slopsms", 0));
        line("SLoPS rounds logged after the change:        %s %s", fmt(b.med("conv|rounds"), 0), allOf("conv|rounds", 0));
        line("ratio and estimates of that SLoPS line:     %s (wan1 %s, wan2 %s kbit/s)", fmt(b.med("conv|ratio"), 2),
                fmt(b.med("conv|kbps1"), 0), fmt(b.med("conv|kbps2"), 0));
        line("of which: wait for the round to start       %s ms %s", fmt(b.med("conv|wait"), 0), allOf("conv|wait", 0));
        line("          the converging round (under load) %s ms %s", fmt(b.med("conv|roundms"), 0),
                allOf("conv|roundms", 0));
        line("idle rounds of scenario 1 for comparison:   %s ms (8+2)", fmt(b.med("slops|8+2|ms"), 0));
        double ms = b.med("conv|ms");
        line("within two periods (%d s; the benchmark's yardstick, not an issue target): %s",
                2 * BondBenchmark.CONVERGENCE_PERIOD_S,
                verdict(!conv.isEmpty(), conv.stream().allMatch(d -> d <= 2000.0 * BondBenchmark.CONVERGENCE_PERIOD_S)));
        sb.append("```\n\n");
    }

    private void overhead() {
        sb.append("## 5. Overhead on the wire (router wanN tx and ISPs' up0 tx, IP bytes, vs bond0 and iperf3)\n\n```text\n");
        line("%-22s %-12s %-14s %-12s %-16s %s", "run", "inner B/pkt", "tunnel B/pkt", "extra pkts", "goodput / line",
                "lost at relay");
        for (String key : b.samplesKeys()) {
            if (!key.startsWith("ovh|") || !key.endsWith("|bpp")) {
                continue;
            }
            String k = key.substring(0, key.length() - 4);
            line("%-22s %-12s %-14s %-12s %-16s %s", k.substring(4), fmt(b.med(k + "|inner"), 0), fmt(b.med(key), 1),
                    pct1(b.med(k + "|extra")), pct1(b.med(k + "|eff")), pct1(b.med(k + "|dropped")));
        }
        sb.append("\ntunnel B/pkt: (IP bytes the router's wanN sent - bytes read from bond0) / packets read from\n"
                + "bond0, so keep-alives and SLoPS probes are spread over the data packets (fixed part: 72 B);\n"
                + "extra pkts: outer packets that carried no data packet, per data packet; goodput / line: iperf3\n"
                + "payload / IP bytes the ISPs passed on (the rate-limited line); lost at relay: share of the\n"
                + "router's bytes the relays dropped (queue overflow).\n");
        sb.append("```\n\n");
    }

    private static String pct1(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    private void unlimited() {
        sb.append("## 6. No rate limits, no relays: throughput and CPU\n\n```text\n");
        line("%-34s %10s %14s %14s  %s", "path", "Mbit/s", "CPU ms/Mbit", "CPU % (1 core)", "all runs (Mbit/s)");
        String[][] rows = {{"direct", "direct via isp-1 (no tunnel)"}, {"bond2", "bond, 2 ISPs (wrr)"},
            {"bond2c2", "bond, 2 ISPs, C2 JIT"}, {"bond1", "bond, 1 ISP"}, {"wireguard", "wireguard-go over isp-1"}};
        for (String[] r : rows) {
            String k = "unl|" + r[0];
            line("%-34s %10s %14s %14s  %s", r[1], fmt(b.med(k), 1), fmt(b.med(k + "|cpu"), 2), fmt(b.med(k + "|cpupct"), 0),
                    allOf(k, 1));
        }
        double b2 = b.med("unl|bond2");
        double b1 = b.med("unl|bond1");
        double wg = b.med("unl|wireguard");
        double direct = b.med("unl|direct");
        sb.append("\nCPU: router + concentrator JVMs (bond) or both wireguard-go processes, utime+stime over the run\n");
        line("bond 2 ISPs / wireguard-go:  %s   issue aim >= 0.8: %s   product aim >= 2.0: %s", fmt(b2 / wg, 2),
                verdict(!Double.isNaN(b2 / wg), b2 / wg >= 0.8), verdict(!Double.isNaN(b2 / wg), b2 / wg >= 2.0));
        line("bond 1 ISP  / wireguard-go:  %s   issue aim >= 0.8: %s", fmt(b1 / wg, 2),
                verdict(!Double.isNaN(b1 / wg), b1 / wg >= 0.8));
        double c2 = b.med("unl|bond2c2");
        line("bond 2 ISPs, C2 / wireguard-go:  %s   (CPU per Mbit ratio %s)", fmt(c2 / wg, 2),
                fmt(b.med("unl|bond2c2|cpu") / b.med("unl|wireguard|cpu"), 2));
        line("bond 2 ISPs / direct path:   %s", fmt(b2 / direct, 2));
        line("CPU per Mbit, bond 2 ISPs / wireguard-go: %s; bond 1 ISP / wireguard-go: %s",
                fmt(b.med("unl|bond2|cpu") / b.med("unl|wireguard|cpu"), 2),
                fmt(b.med("unl|bond1|cpu") / b.med("unl|wireguard|cpu"), 2));
        sb.append("```\n\n");
    }

    /** Replaces the section that starts with the first line of {@code section} in RESULTS.md, or appends it. */
    static void updateResults(Path file, String section) throws IOException {
        String text = Files.exists(file) ? Files.readString(file) : "# Benchmark results\n";
        String head = section.substring(0, section.indexOf('\n'));
        int start = text.indexOf("\n" + head + "\n");
        String body = section.endsWith("\n") ? section : section + "\n";
        if (start < 0) {
            text = text.stripTrailing() + "\n\n" + body;
        } else {
            int next = text.indexOf("\n## ", start + 1 + head.length());
            text = text.substring(0, start + 1) + body + (next < 0 ? "" : "\n" + text.substring(next + 1));
        }
        Files.writeString(file, text);
    }
}
