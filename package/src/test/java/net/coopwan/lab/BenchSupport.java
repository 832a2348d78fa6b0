package net.coopwan.lab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.coopwan.lab.ChannelLabIT.Router;
import net.coopwan.luci.client.ControlClient;
import net.coopwan.luci.rpc.RpcException;

/**
 * What the lab benchmarks ({@link FailoverBenchmark}, {@link SharingBenchmark}) share: the labs to
 * close on exit, the daemons' control socket (call, poll until), background tools, a sink's file
 * of arrivals read as it grows, sliding windows over arrival times, medians, the tbf shaping of a
 * veth and iperf3's JSON. Static helpers only; each benchmark keeps its own parts and report.
 */
final class BenchSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Labs and tools of the running benchmark, closed in reverse by {@link #closeAll} (also from the shutdown hook). */
    static final List<AutoCloseable> OPEN = new CopyOnWriteArrayList<>();

    private BenchSupport() {
    }

    static void closeAll() {
        List<AutoCloseable> l = new ArrayList<>(OPEN);
        Collections.reverse(l);
        for (AutoCloseable c : l) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort: the namespaces go with NeighbourLab.close
            }
            OPEN.remove(c);
        }
    }

    static void log(String s) {
        System.out.println("[" + java.time.LocalTime.now().withNano(0) + "] " + s);
    }

    /** The machine line of a report header: cores, kernel, java. */
    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores (nproc), kernel " + System.getProperty("os.version")
                + ", java " + System.getProperty("java.runtime.version");
    }

    /**
     * Prints a run's report and writes it: to {@code out} under {@code title} (if given) and as the
     * section {@code section} of RESULTS.md (if given), its own "## " headings one level down.
     */
    static void publish(String body, String header, Path out, String title, Path resultsMd, String section)
            throws IOException {
        System.out.println();
        System.out.println(body);
        String nested = body.replace("\n## ", "\n### ").replaceFirst("^## ", "### ");
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, "# " + title + "\n\n" + header + "\n" + nested);
            System.out.println("wrote " + out);
        }
        if (resultsMd != null) {
            BondBenchmarkReport.updateResults(resultsMd, "## " + section + "\n\n" + header + "\n" + nested);
            System.out.println("updated " + resultsMd);
        }
    }

    static Process background(List<String> cmd, Path log) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static Process background(String[] cmd, Path log) throws IOException {
        return background(Arrays.asList(cmd), log);
    }

    // ------------------------------------------------------------------ the daemons' control socket

    static JsonNode rpc(Router r, String method, String params) throws Exception {
        try (ControlClient c = ControlClient.connect(r.socket, Duration.ofSeconds(15))) {
            return c.call(method, params == null ? null : JSON.readTree(params));
        }
    }

    static JsonNode poll(Router r, String method, Predicate<JsonNode> done, long seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Object last = null;
        while (System.nanoTime() < until) {
            if (!r.process.isAlive()) {
                throw new IllegalStateException("daemon " + r.name + " died; its log: " + r.log);
            }
            try {
                JsonNode j = rpc(r, method, null);
                if (done.test(j)) {
                    return j;
                }
                last = j;
            } catch (IOException | RpcException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("router " + r.name + ": " + method + " never satisfied within " + seconds
                + " s: " + last);
    }

    static void awaitListening(Router r) throws Exception {
        poll(r, "peers", j -> j.path("channel").path("state").asText().startsWith("listening"), 30);
    }

    static void awaitEstablished(Router r) throws Exception {
        poll(r, "peers", j -> "ESTABLISHED".equals(j.path("channel").path("peers").path(0).path("state").asText()), 20);
    }

    /**
     * Pairs a and b by code (a shows it, b enters it) and has b's owner approve {@code approved}
     * (TYPE:PARAM=VALUE,...) of a's offer; returns {idA, idB}. Without JUnit, unlike
     * EmergencyLabIT's: the benchmarks run outside the test runner.
     */
    static String[] pairAndAgree(Router a, Router b, String approved) throws Exception {
        awaitListening(a);
        awaitListening(b);
        String idA = rpc(a, "peers", null).path("channel").path("routerId").asText();
        String idB = rpc(b, "peers", null).path("channel").path("routerId").asText();
        String code = rpc(a, "pair.start", "{\"address\":\"" + NeighbourLab.B_PEER + "\"}").path("code").asText();
        rpc(b, "pair.enter", "{\"address\":\"" + NeighbourLab.A_PEER + "\",\"code\":\"" + code + "\"}");
        awaitEstablished(a);
        awaitEstablished(b);
        rpc(a, "request", "{\"peer\":\"" + idB + "\"}");
        poll(b, "pending", j -> j.size() == 1, 10);
        Result approve = b.ctl(false, "approve", idA, approved);
        if (approve.exitCode() != 0) {
            throw new IllegalStateException("approve failed: " + approve.describe());
        }
        poll(a, "agreements", j -> j.size() == 1, 10);
        return new String[] {idA, idB};
    }

    // ------------------------------------------------------------------ arrivals

    record Arrival(long nanos, String source, long seq, int bytes, long kernel) {
    }

    /** A sink's file ({@code MONO SOURCE SEQ [BYTES [KERNEL]]} a line), read incrementally as it grows. */
    static final class ArrivalLog {
        final Path file;
        final List<Arrival> all = new ArrayList<>();
        private long offset;
        private final StringBuilder partial = new StringBuilder();

        ArrivalLog(Path file) {
            this.file = file;
        }

        synchronized List<Arrival> read() throws IOException {
            if (!Files.exists(file)) {
                return all;
            }
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long len = f.length();
                if (len > offset) {
                    byte[] buf = new byte[(int) Math.min(len - offset, 64 << 20)];
                    f.seek(offset);
                    f.readFully(buf);
                    offset += buf.length;
                    partial.append(new String(buf, StandardCharsets.US_ASCII));
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                        String[] p = partial.substring(0, nl).split(" ");
                        partial.delete(0, nl + 1);
                        if (p.length >= 3) {
                            all.add(new Arrival(Long.parseLong(p[0]), p[1], Long.parseLong(p[2]),
                                    p.length >= 4 ? Integer.parseInt(p[3]) : 0, p.length >= 5 ? Long.parseLong(p[4]) : 0));
                        }
                    }
                }
            }
            return all;
        }

        /** Ms from {@code since} to the first datagram from {@code source} after it, or -1 after {@code seconds}. */
        long firstFrom(String source, long since, int seconds) throws Exception {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            int from = 0;
            while (true) {
                List<Arrival> l = read();
                for (int i = from; i < l.size(); i++) {
                    Arrival x = l.get(i);
                    if (x.nanos() > since && x.source().equals(source)) {
                        return (x.nanos() - since) / 1_000_000;
                    }
                }
                from = l.size();
                if (System.nanoTime() > until) {
                    return -1;
                }
                Thread.sleep(20);
            }
        }

        /** {longest gap in ms, nanos when it ended} among the arrivals in (since, until]. */
        long[] gapBetween(long since, long until) throws IOException {
            long prev = since;
            long gap = 0;
            long end = 0;
            for (Arrival x : read()) {
                if (x.nanos() <= since || x.nanos() > until) {
                    continue;
                }
                if (x.nanos() - prev > gap) {
                    gap = x.nanos() - prev;
                    end = x.nanos();
                }
                prev = x.nanos();
            }
            return new long[] {gap / 1_000_000, end};
        }

        /** {longest gap in ms, nanos when it ended} among the arrivals after {@code since} (a gap still open counts up to now). */
        long[] longestGap(long since) throws Exception {
            Thread.sleep(300); // the newest arrivals reach the file
            long now = System.nanoTime();
            long prev = since;
            long gap = 0;
            long end = 0;
            for (Arrival x : read()) {
                if (x.nanos() <= since) {
                    continue;
                }
                if (x.nanos() - prev > gap) {
                    gap = x.nanos() - prev;
                    end = x.nanos();
                }
                prev = x.nanos();
            }
            if (now - 200_000_000L - prev > gap) {
                return new long[] {(now - prev) / 1_000_000, -1};
            }
            return new long[] {gap / 1_000_000, end};
        }
    }

    /**
     * Every sliding window of {@code windowMs} that starts at a packet: {windows, max bytes, max
     * bytes of windows starting 2 s after the first packet, sustained B/s from then on}. {@code t}
     * are the packets' times in ns (sorted), {@code bytes} their sizes.
     */
    static double[] windows(long[] t, long[] b, long windowMs) {
        long w = windowMs * 1_000_000L;
        long maxAll = 0;
        long maxSteady = 0;
        long sum = 0;
        int j = 0;
        for (int i = 0; i < t.length; i++) {
            if (i > 0) {
                sum -= b[i - 1];
            }
            while (j < t.length && t[j] < t[i] + w) {
                sum += b[j];
                j++;
            }
            maxAll = Math.max(maxAll, sum);
            if (t[i] >= t[0] + 2_000_000_000L) {
                maxSteady = Math.max(maxSteady, sum);
            }
        }
        long steadyBytes = 0;
        long from = t.length == 0 ? 0 : t[0] + 2_000_000_000L;
        long last = t.length == 0 ? 0 : t[t.length - 1];
        for (int i = 0; i < t.length; i++) {
            if (t[i] >= from) {
                steadyBytes += b[i];
            }
        }
        double rate = last > from ? steadyBytes / ((last - from) / 1e9) : Double.NaN;
        return new double[] {t.length, maxAll, maxSteady, rate};
    }

    /** {@link #windows(long[], long[], long)} of a UDP sink's arrivals, counted as IP bytes (payload + 28). */
    static double[] windows(List<Arrival> arr, long windowMs, boolean kernel) {
        return windows(arr.stream().mapToLong(x -> kernel ? x.kernel() : x.nanos()).toArray(),
                arr.stream().mapToLong(x -> x.bytes() + 28L).toArray(), windowMs);
    }

    // ------------------------------------------------------------------ figures

    static double median(List<Double> v) {
        List<Double> s = v.stream().filter(d -> !d.isNaN()).sorted().toList();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    // ------------------------------------------------------------------ links and iperf3

    /** The longest a packet waits in {@link #shape}'s queue. */
    static final long TBF_LATENCY_MS = 50;

    /**
     * Shapes what leaves {@code dev} in {@code role}'s namespace to {@code kbps} with tbf (netem and
     * tc police do not work in this kernel); false with the reason in {@code why} when tc refuses.
     */
    static boolean shape(NeighbourLab lab, String role, String dev, long kbps, StringBuilder why) {
        return shape(lab, role, dev, kbps, "32kb", why);
    }

    /** {@link #shape} with a burst of {@code burst} (tc's units). */
    static boolean shape(NeighbourLab lab, String role, String dev, long kbps, String burst, StringBuilder why) {
        Result r = lab.exec(role, "tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", kbps + "kbit", "burst",
                burst, "latency", TBF_LATENCY_MS + "ms");
        if (r.exitCode() != 0) {
            why.append(role).append(' ').append(dev).append(": ").append(r.stderr().strip()).append("; ");
        }
        return r.exitCode() == 0;
    }

    /**
     * Shapes what arrives on {@code dev} in {@code role}'s namespace to {@code kbps} with the same
     * tbf as {@link #shape}, through an ifb (ingress redirected with mirred): a router's upload line
     * modelled at the ISP's end, as a real line is, so that the router's own device keeps the
     * kernel's default qdisc (the suppression's shaper goes there, and never replaces a qdisc
     * someone configured). The ifb goes with the namespace.
     */
    static boolean shapeArrivals(NeighbourLab lab, String role, String dev, long kbps, String burst, StringBuilder why) {
        String ifb = (dev.length() > 12 ? dev.substring(0, 12) : dev) + "ifb";
        List<List<String>> steps = List.of(
                List.of("ip", "link", "add", ifb, "type", "ifb"),
                List.of("ip", "link", "set", ifb, "up"),
                List.of("tc", "qdisc", "replace", "dev", ifb, "root", "tbf", "rate", kbps + "kbit", "burst", burst,
                        "latency", TBF_LATENCY_MS + "ms"),
                List.of("tc", "qdisc", "add", "dev", dev, "ingress"),
                List.of("tc", "filter", "add", "dev", dev, "parent", "ffff:", "protocol", "all", "u32", "match", "u32", "0",
                        "0", "action", "mirred", "egress", "redirect", "dev", ifb));
        for (List<String> step : steps) {
            Result r = lab.exec(role, step.toArray(String[]::new));
            if (r.exitCode() != 0) {
                why.append(role).append(' ').append(String.join(" ", step)).append(": ").append(r.stderr().strip())
                        .append("; ");
                return false;
            }
        }
        return true;
    }

    static void unshape(NeighbourLab lab, String role, String dev) {
        lab.exec(role, "tc", "qdisc", "del", "dev", dev, "root");
    }

    /** iperf3's {@code -J} result, or null when it failed (the reason goes to {@code notes}). */
    static JsonNode iperfJson(Result r, List<String> notes) throws IOException {
        if (r.exitCode() != 0) {
            notes.add("iperf3 failed: " + r.describe());
            return null;
        }
        return JSON.readTree(r.stdout());
    }
}
