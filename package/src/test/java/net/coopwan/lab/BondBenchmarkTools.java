package net.coopwan.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measuring tools of the bonding benchmark: iperf3 runs and their JSON, interface counters,
 * CPU time of processes, a receiver-side byte sampler, SLoPS weight lines of the router log,
 * medians. Everything bounded in time.
 */
final class BondBenchmarkTools {
    private BondBenchmarkTools() {
    }

    /** What one iperf3 TCP run reported: receiver goodput and bytes; ok when iperf3 exited 0. */
    record Iperf(boolean ok, double mbits, long bytes, String error) {
    }

    /** Bytes and packets of one interface direction. */
    record Counter(long bytes, long packets) {
        Counter minus(Counter o) {
            return new Counter(bytes - o.bytes, packets - o.packets);
        }

        Counter plus(Counter o) {
            return new Counter(bytes + o.bytes, packets + o.packets);
        }
    }

    /** One weights line of the router log: weights and, when from SLoPS, the kbit/s per link. */
    record Weights(double[] weights, long[] kbps, int streams, long roundMs) {
        boolean fromSlops() {
            return kbps != null;
        }
    }

    private static final Pattern RECEIVED = Pattern.compile(
            "\"sum_received\"\\s*:\\s*\\{([^}]*)\\}");
    private static final Pattern BPS = Pattern.compile("\"bits_per_second\"\\s*:\\s*([0-9.eE+-]+)");
    private static final Pattern BYTES = Pattern.compile("\"bytes\"\\s*:\\s*([0-9]+)");
    private static final Pattern WEIGHTS = Pattern.compile("bond bond0: weights \\[([^\\]]*)\\] \\((.*)\\)");
    private static final Pattern SLOPS = Pattern.compile("SLoPS: (.*); (\\d+) streams in (\\d+) ms");
    private static final Pattern LINK_KBPS = Pattern.compile("wan(\\d+) (\\d+) kbit/s");

    /** Runs {@code iperf3 -c server -t seconds -J} in lan (TCP, upstream: lan to server). */
    /**
     * A concentrator and a router with a bond of {@code members} in {@code mode}, their logs in
     * {@code dir}; returns once every member is up and the LAN routes into the bond.
     */
    static BondLab startBond(Lab lab, Path dir, String mode, long[] up, String dataplane, int... members)
            throws java.io.IOException, InterruptedException {
        return startBond(lab, dir, mode, List.of(), up, dataplane, members);
    }

    /** As above, with {@code bondOptions} ({name, value} pairs) on the router's bond. */
    static BondLab startBond(Lab lab, Path dir, String mode, List<String[]> bondOptions, long[] up, String dataplane,
            int... members) throws java.io.IOException, InterruptedException {
        java.nio.file.Files.createDirectories(dir);
        BondLab b = new BondLab(lab, dir);
        bondOptions.forEach(o -> b.bondOption(o[0], o[1]));
        boolean ok = false;
        try {
            b.startConcentrator(dataplane);
            b.startRouter(mode, up, dataplane, members);
            if (!b.awaitMembersUp(members.length, java.time.Duration.ofSeconds(30))) {
                throw new IllegalStateException("bond members not up within 30 s; logs in " + dir);
            }
            b.routeLanIntoBond();
            lab.ping(Lab.LAN, Lab.SERVER_ADDRESS).orThrow();
            ok = true;
            return b;
        } finally {
            if (!ok) {
                stopBond(b);
            }
        }
    }

    static void stopBond(BondLab b) {
        b.close();
        b.unrouteLan();
    }

    static Iperf iperf(Lab lab, int seconds) {
        Result r = lab.exec(Lab.LAN, Duration.ofSeconds(seconds + 25L), "iperf3", "-c", Lab.SERVER_ADDRESS,
                "-t", Integer.toString(seconds), "-J");
        return parseIperf(r.exitCode() == 0 && !r.timedOut(), r.stdout(), r.describe());
    }

    static Iperf parseIperf(boolean exitedOk, String json, String describe) {
        Matcher m = RECEIVED.matcher(json);
        if (!m.find()) {
            String err = describe.length() > 300 ? describe.substring(0, 300) : describe;
            return new Iperf(false, Double.NaN, 0, "iperf3: " + err.replace('\n', ' '));
        }
        Matcher b = BPS.matcher(m.group(1));
        Matcher n = BYTES.matcher(m.group(1));
        double mbits = b.find() ? Double.parseDouble(b.group(1)) / 1e6 : Double.NaN;
        long bytes = n.find() ? Long.parseLong(n.group(1)) : 0;
        return new Iperf(exitedOk, mbits, bytes, exitedOk ? null : "iperf3 exited non-zero");
    }

    /** tx counters of an interface inside a namespace. */
    static Counter tx(Lab lab, String role, String dev) {
        return counter(lab, role, dev, "tx");
    }

    static Counter rx(Lab lab, String role, String dev) {
        return counter(lab, role, dev, "rx");
    }

    private static Counter counter(Lab lab, String role, String dev, String way) {
        String base = "/sys/class/net/" + dev + "/statistics/" + way;
        Result r = lab.exec(role, Duration.ofSeconds(5), "cat", base + "_bytes", base + "_packets").orThrow();
        String[] v = r.stdout().trim().split("\\s+");
        return new Counter(Long.parseLong(v[0]), Long.parseLong(v[1]));
    }

    /** Sum over the ISPs of what their up0 sent towards inet (the tunnel's outer packets). */
    static Counter ispUpTx(Lab lab) {
        Counter c = new Counter(0, 0);
        for (int i = 1; i <= lab.isps(); i++) {
            c = c.plus(tx(lab, Lab.isp(i), Lab.ISP_UP_IF));
        }
        return c;
    }

    /** Sum over the router's wanN of what it sent: the tunnel's outer packets before any ISP. */
    static Counter routerWanTx(Lab lab) {
        Counter c = new Counter(0, 0);
        for (int i = 1; i <= lab.isps(); i++) {
            c = c.plus(tx(lab, Lab.ROUTER, Lab.routerWan(i)));
        }
        return c;
    }

    /** CPU seconds (user + system) used so far by the processes and all their descendants. */
    static double cpuSeconds(List<ProcessHandle> roots) {
        long ticks = 0;
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle h : roots) {
            all.add(h);
            h.descendants().forEach(all::add);
        }
        for (ProcessHandle h : all) {
            try {
                String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
                // fields after the command name in parentheses; utime is field 14, stime 15
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException gone) {
                // exited meanwhile: its time is lost, which only happens at teardown
            }
        }
        return ticks / 100.0; // USER_HZ is 100 on Linux
    }

    /** Reads every weights line of the router log so far. */
    static List<Weights> weights(Path routerLog) {
        List<Weights> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.exists(routerLog) ? Files.readAllLines(routerLog) : List.of();
        } catch (IOException e) {
            return out;
        }
        for (String l : lines) {
            Matcher m = WEIGHTS.matcher(l);
            if (!m.find()) {
                continue;
            }
            String[] ws = m.group(1).split(",\\s*");
            double[] w = new double[ws.length];
            for (int i = 0; i < ws.length; i++) {
                w[i] = Double.parseDouble(ws[i].trim());
            }
            Matcher s = SLOPS.matcher(m.group(2));
            if (!s.find()) {
                out.add(new Weights(w, null, 0, 0));
                continue;
            }
            long[] kbps = new long[w.length];
            Matcher k = LINK_KBPS.matcher(s.group(1));
            int idx = 0;
            while (k.find() && idx < kbps.length) {
                kbps[idx++] = Long.parseLong(k.group(2));
            }
            out.add(new Weights(w, kbps, Integer.parseInt(s.group(2)), Long.parseLong(s.group(3))));
        }
        return out;
    }

    static List<Weights> slopsWeights(Path routerLog) {
        return weights(routerLog).stream().filter(Weights::fromSlops).toList();
    }

    /** Waits for the {@code n}-th SLoPS weights line; null on timeout or when the router died. */
    static Weights awaitSlops(BondLab bond, int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            List<Weights> w = slopsWeights(bond.routerLog());
            if (w.size() >= n) {
                return w.get(n - 1);
            }
            if (bond.router() == null || !bond.router().isAlive()) {
                return null;
            }
            Thread.sleep(100);
        }
        return null;
    }

    /**
     * Samples a receiver's rx counters every 100 ms from a shell inside its namespace; each sample
     * is stamped with System.nanoTime() when its line arrives, so it shares the clock of the code
     * that starts outages. Lives at most {@code maxSeconds}.
     */
    static final class Sampler implements AutoCloseable {
        record Sample(long nanos, long bytes, long packets) {
        }

        private final Process process;
        private final List<Sample> samples = new CopyOnWriteArrayList<>();
        private final Thread reader;

        Sampler(Lab lab, String role, String dev, int maxSeconds) throws IOException {
            String base = "/sys/class/net/" + dev + "/statistics/rx_";
            String script = "for ((i=0;i<" + (maxSeconds * 10) + ";i++)); do read -r b < " + base + "bytes; read -r p < "
                    + base + "packets; echo \"$b $p\"; sleep 0.1; done";
            process = new ProcessBuilder("ip", "netns", "exec", lab.ns(role), "bash", "-c", script)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.US_ASCII))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        long now = System.nanoTime();
                        String[] v = line.trim().split("\\s+");
                        if (v.length == 2) {
                            samples.add(new Sample(now, Long.parseLong(v[0]), Long.parseLong(v[1])));
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    // sampler ended
                }
            }, "rx-sampler");
            reader.setDaemon(true);
            reader.start();
        }

        List<Sample> samples() {
            return Collections.unmodifiableList(new ArrayList<>(samples));
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(2, TimeUnit.SECONDS);
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * TCP payload bits per second between two samples of a receiver's rx counters: rx bytes minus
     * 66 bytes a data packet (Ethernet 14, IP 20, TCP with timestamps 32).
     */
    static double goodputMbits(Sampler.Sample a, Sampler.Sample b) {
        double secs = (b.nanos() - a.nanos()) / 1e9;
        long payload = (b.bytes() - a.bytes()) - 66 * (b.packets() - a.packets());
        return secs <= 0 ? 0 : payload * 8 / secs / 1e6;
    }

    static double median(List<Double> values) {
        List<Double> v = values.stream().filter(d -> d != null && !d.isNaN()).sorted().toList();
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f%%", v * 100);
    }
}
