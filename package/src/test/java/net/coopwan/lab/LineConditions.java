package net.coopwan.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loss on a's and b's ISP lines of a {@link NeighbourLab}, set per phase of a benchmark, and what
 * crossed each line, in the kernel of inet (table {@code inet lab_line}; this kernel has no netem):
 * <ul>
 *   <li>random loss: each packet dropped on its own with the line's probability, both directions
 *       ({@code numgen random});</li>
 *   <li>bursty loss: every packet dropped while the line is in a burst. Bursts start at random
 *       (exponential gaps, mean {@link #BURST_GAP_MS}) and last an exponential time (mean
 *       {@link #BURST_MS}, 10-200 ms); each line has its own, drawn apart, so the lines fail
 *       independently. A burst is an element of the set {@code bursty} with the kernel's timeout
 *       as its length, so its end does not depend on this JVM's timing;</li>
 *   <li>counters per line and direction: packets and bytes seen (before any drop) and lost.</li>
 * </ul>
 * The share of time each line spent in bursts is measured from the bursts' own start and length
 * ({@link #burstShare}): the loss an evenly spaced stream meets there.
 */
final class LineConditions implements AutoCloseable {
    static final String TABLE = "inet lab_line";
    static final long BURST_GAP_MS = 1000;
    static final long BURST_MS = 40;
    private static final Duration T = Duration.ofSeconds(10);
    private static final Pattern COUNTER = Pattern.compile("counter ([a-z_]+) \\{\\s*packets ([0-9]+) bytes ([0-9]+)");

    /** Per line: {start ns, end ns} of each burst since the last {@link #set}. */
    private final Map<String, List<long[]>> bursts = new HashMap<>();
    private final NeighbourLab lab;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean bursting;

    LineConditions(NeighbourLab lab) {
        this.lab = lab;
    }

    /** The two lines by their device in inet: a's and b's. */
    List<String> lines() {
        return List.of(lab.inetToA(), lab.inetToB());
    }

    /**
     * From now on: {@code perMille} random loss on both lines (0: none), and bursts on both when
     * {@code bursty}. The counters start again at zero.
     */
    void set(int perMille, boolean bursty) throws InterruptedException {
        stopBursts();
        StringBuilder t = new StringBuilder("add table " + TABLE + "\ndelete table " + TABLE + "\ntable " + TABLE + " {\n");
        for (String w : List.of("a", "b")) {
            for (String c : List.of("seen_up_", "lost_up_", "seen_down_", "lost_down_")) {
                t.append("\tcounter ").append(c).append(w).append(" {\n\t}\n");
            }
        }
        t.append("\tset bursty {\n\t\ttype ifname\n\t\tflags timeout\n\t}\n");
        // up: what a line brings into inet (prerouting); down: what inet sends into it (postrouting)
        for (String[] hook : new String[][] {{"pre", "prerouting", "-300", "iifname", "up"},
            {"post", "postrouting", "300", "oifname", "down"}}) {
            t.append("\tchain ").append(hook[0]).append(" {\n\t\ttype filter hook ").append(hook[1]).append(" priority ")
                    .append(hook[2]).append("; policy accept;\n");
            for (int i = 0; i < 2; i++) {
                String dev = "\"" + lines().get(i) + "\"";
                String w = i == 0 ? "a" : "b";
                String m = "\t\t" + hook[3] + " " + dev;
                t.append(m).append(" counter name \"seen_").append(hook[4]).append('_').append(w).append("\"\n");
                t.append(m).append(' ').append(hook[3]).append(" @bursty counter name \"lost_").append(hook[4]).append('_')
                        .append(w).append("\" drop\n");
                if (perMille > 0) {
                    t.append(m).append(" numgen random mod 1000 < ").append(perMille).append(" counter name \"lost_")
                            .append(hook[4]).append('_').append(w).append("\" drop\n");
                }
            }
            t.append("\t}\n");
        }
        t.append("}\n");
        Commands.run(T, List.of("ip", "netns", "exec", lab.ns("inet"), "nft", "-f", "-"), t.toString()).orThrow();
        bursts.clear();
        if (bursty) {
            bursting = true;
            for (String line : lines()) {
                List<long[]> mine = new ArrayList<>();
                bursts.put(line, mine);
                Thread th = new Thread(() -> burst(line, mine), "bursts-" + line);
                th.setDaemon(true);
                threads.add(th);
                th.start();
            }
        }
    }

    /** Puts {@code line} into a burst now and then until stopped (at most an hour). */
    private void burst(String line, List<long[]> out) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long until = System.nanoTime() + Duration.ofHours(1).toNanos();
        while (bursting && System.nanoTime() < until) {
            long gap = (long) (-Math.log(1 - r.nextDouble()) * BURST_GAP_MS);
            try {
                Thread.sleep(Math.max(1, gap));
            } catch (InterruptedException e) {
                return;
            }
            if (!bursting) {
                return;
            }
            long len = Math.max(10, Math.min(200, (long) (-Math.log(1 - r.nextDouble()) * BURST_MS)));
            Result res = Commands.run(T, List.of("ip", "netns", "exec", lab.ns("inet"), "nft", "add", "element",
                    "inet", "lab_line", "bursty", "{ \"" + line + "\" timeout " + len + "ms }"));
            long now = System.nanoTime();
            if (res.exitCode() == 0) {
                synchronized (out) {
                    // a burst that starts within the last one's time is the same element made longer
                    out.add(new long[] {now, now + len * 1_000_000L});
                }
            }
        }
    }

    private void stopBursts() throws InterruptedException {
        bursting = false;
        for (Thread t : threads) {
            t.interrupt();
            t.join(5000);
        }
        threads.clear();
    }

    /** The share of [from, to] (nanoTime) that {@code line} spent in bursts (0 without bursts). */
    double burstShare(String line, long from, long to) {
        List<long[]> b = bursts.getOrDefault(line, List.of());
        long in = 0;
        long covered = from;
        synchronized (b) {
            for (long[] x : b) {
                long s = Math.max(Math.max(x[0], from), covered);
                long e = Math.min(x[1], to);
                if (e > s) {
                    in += e - s;
                    covered = e;
                }
            }
        }
        return to > from ? (double) in / (to - from) : 0;
    }

    /** The counters now: name (seen_up_a, lost_down_b, ...) to {packets, bytes}. */
    Map<String, long[]> counters() {
        Map<String, long[]> m = new HashMap<>();
        Result r = Commands.run(T, List.of("ip", "netns", "exec", lab.ns("inet"), "nft", "list", "counters",
                "table", "inet", "lab_line"));
        Matcher x = COUNTER.matcher(r.stdout());
        while (x.find()) {
            m.put(x.group(1), new long[] {Long.parseLong(x.group(2)), Long.parseLong(x.group(3))});
        }
        return m;
    }

    /** No loss, no bursts, no table. */
    @Override
    public void close() throws InterruptedException {
        stopBursts();
        Commands.run(T, List.of("ip", "netns", "exec", lab.ns("inet"), "nft", "-f", "-"),
                "add table " + TABLE + "\ndelete table " + TABLE + "\n");
    }
}
