package net.coopwan.lab;

import static net.coopwan.lab.BenchSupport.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.lab.ChannelLabIT.Router;

/**
 * Latency-critical traffic benchmark of issue 17 (docs/benchmarks/latency/README.md): a game flow
 * (UDP, 50 packets/s, 100-byte datagrams, echoed by the server) from a's LAN, with duplication on
 * (UDP 5005, LC by the seed's port range, copies over a's line and through b under a
 * duplication-only agreement) and off (the same flow to UDP 6005 beside it, not LC: a's ad hoc
 * rule is off, so it is never upgraded), side by side in each phase of one run:
 * <ol>
 *   <li>idle: nothing else on a's line;</li>
 *   <li>saturated: an iperf3 TCP download from the server to the LAN host fills a's line (tbf);</li>
 *   <li>loss: random loss on a's line and on b's (nft numgen, each packet drawn on its own); the
 *       game's loss against the product of both lines' losses.</li>
 * </ol>
 * With {@code --uplink SPEC} a's ISP link is also the lab's {@link ImpairedUplink} (delay, jitter,
 * Gilbert-Elliott loss). Not run by CI: its name ends in neither Test nor IT.
 */
final class LatencyBenchmark {
    static final String PREFIX = "lp";
    static final int PEER_PORT = 47960;
    static final int IPERF_PORT = 47961;
    static final int LC_PORT = LatencyDuplicationLabIT.GAME_PORT;
    static final int OTHER_PORT = LatencyDuplicationLabIT.OTHER_PORT;
    static final String APPROVED = "duplication:bandwidth_kbps=1000";

    /** One game's outcome: sent, distinct packets the server got, echoes, rtt median and p99. */
    record Game(int sent, int up, int echoes, double p50, double p99, String worstByTenth) {
        double upLossPct() {
            return 100.0 * (sent - up) / sent;
        }

        double rtLossPct() {
            return 100.0 * (sent - echoes) / sent;
        }
    }

    /** One phase: the game with duplication on and off, side by side. */
    record Phase(String name, String conditions, Game on, Game off, String note, String suppression) {
        Phase(String name, String conditions, Game on, Game off, String note) {
            this(name, conditions, on, off, note, "");
        }

        Phase withNote(String n) {
            return new Phase(name, conditions, on, off, n, suppression);
        }
    }

    final boolean quick;
    final long rateAKbps;
    final int lossA;
    final int lossB;
    final String uplinkSpec;
    final Path work;
    final int packets;
    final List<Phase> phases = new ArrayList<>();
    final ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    String load = "";

    LatencyBenchmark(boolean quick, long rateAKbps, int lossA, int lossB, String uplinkSpec, Path work) {
        this.quick = quick;
        this.rateAKbps = rateAKbps;
        this.lossA = lossA;
        this.lossB = lossB;
        this.uplinkSpec = uplinkSpec;
        this.work = work;
        this.packets = quick ? 500 : 1500;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        long rateA = 10;
        int lossA = 10;
        int lossB = 10;
        String uplink = null;
        Path work = null;
        Path out = null;
        Path resultsMd = null;
        String command = "docs/benchmarks/latency/run.sh";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--rate-a" -> rateA = Long.parseLong(args[++i]);
                case "--loss" -> {
                    String[] v = args[++i].split(",");
                    lossA = Integer.parseInt(v[0]);
                    lossB = Integer.parseInt(v[1]);
                }
                case "--uplink" -> uplink = args[++i];
                case "--work" -> work = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--results-md" -> resultsMd = Path.of(args[++i]);
                case "--command" -> command = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (rateA < 1 || rateA > 1000 || lossA < 0 || lossA > 50 || lossB < 0 || lossB > 50) {
            throw new IllegalArgumentException("--rate-a 1-1000 Mbit/s, --loss A,B 0-50 % each");
        }
        if (uplink != null) {
            ImpairedUplink.apply(uplink, new LinkImpairment(1, 0), new LinkImpairment(2, 0));
        }
        if (work == null) {
            work = Files.createTempDirectory("coopwan-latencybench");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(BenchSupport::closeAll, "close-labs"));
        NeighbourLab.removeLeftovers(PREFIX);
        LatencyBenchmark b = new LatencyBenchmark(quick, rateA * 1000, lossA, lossB, uplink, work);
        try {
            b.run();
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
                + ". a's ISP link " + rateAKbps / 1000 + " Mbit/s (tbf both ways, queue up to " + TBF_LATENCY_MS
                + " ms), b's 20 Mbit/s; a duplication-only agreement (`" + APPROVED + "`), a with one copy per line"
                + " (`dup_own_copies 1`, `dup_neighbour_copies 1`) so a packet is lost only when both lines lose it; "
                + packets + " game packets per flow and phase" + (quick ? " (--quick)" : "") + ", after a warm-up LC game"
                + " of 250 packets that is not reported."
                + (uplinkSpec == null ? "" : " a's ISP link: `" + uplinkSpec + "` each way (ImpairedUplink).") + "\n";
    }

    void run() throws Exception {
        String prefix = PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        Path dir = Files.createDirectories(work.resolve(prefix));
        NeighbourLab lab = new NeighbourLab(prefix);
        OPEN.add(lab);
        List<Process> tools = new ArrayList<>();
        OPEN.add(() -> tools.forEach(Process::destroyForcibly));
        if (uplinkSpec != null) {
            OPEN.add(new ImpairedUplink(lab, uplinkSpec, ThreadLocalRandom.current().nextLong()));
        }
        StringBuilder why = new StringBuilder();
        if (!(shape(lab, "inet", lab.inetToA(), rateAKbps, why) & shape(lab, "a", lab.aWan(), rateAKbps, why)
                & shape(lab, "inet", lab.inetToB(), 20_000, why) & shape(lab, "b", lab.bWan(), 20_000, why))) {
            throw new IllegalStateException("tbf refused: " + why);
        }
        Router a = new Router(dir, lab.ns(""), "a", lab.aPeer(), PEER_PORT);
        Router b = new Router(dir, lab.ns(""), "b", lab.bPeer(), PEER_PORT);
        OPEN.add(a::stop);
        OPEN.add(b::stop);
        routerA = a;
        a.uplinkDevice = lab.aWan();
        b.uplinkDevice = lab.bWan();
        a.downKbps = rateAKbps;
        a.upKbps = rateAKbps;
        b.downKbps = 20_000;
        b.upKbps = 20_000;
        a.offers = LatencyPathLabIT.OFFERS;
        b.offers = "";
        a.extra = String.join("\n", EmergencyLabIT.emergencySection(lab), "\toption mode 'concentrator'",
                EmergencyLabIT.bondThroughConcentrator("wrr"), "config latency 'latency'", "\toption adhoc '0'",
                "\toption dup_own_copies '1'", "\toption dup_neighbour_copies '1'");
        b.extra = String.join("\n", EmergencyLabIT.helperListingTheConcentrator(), "config sharing 'sharing'",
                "\toption window_s '10'");
        Path concConf = EmergencyLabIT.concentratorConfig(dir, lab);
        tools.add(background(lab.in("inet", BondLab.launcher(concConf, dir.resolve("conc-state"))), dir.resolve("conc.log")));
        Path echoLog = dir.resolve("echo.log");
        tools.add(background(lab.in("inet", "python3", "-c", LatencyDuplicationLabIT.ECHO, NeighbourLab.SERVER, "3600"),
                echoLog));
        for (int port : new int[] {IPERF_PORT, IPERF_PORT + 1}) {
            tools.add(background(lab.in("inet", "iperf3", "-s", "-p", String.valueOf(port), "-B", NeighbourLab.SERVER),
                    dir.resolve("iperf3-server-" + port + ".log")));
        }
        a.start();
        b.start();
        pairAndAgree(a, b, APPROVED);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode d = null;
        while (System.nanoTime() < until) {
            d = rpc(a, "latency", null).path("duplication");
            if (d.path("on").asBoolean() && d.path("neighbourPathInUse").asBoolean()) {
                break;
            }
            Thread.sleep(250);
        }
        if (d == null || !d.path("neighbourPathInUse").asBoolean()) {
            throw new IllegalStateException("a never duplicated through b: " + d + "\n" + a.logText());
        }
        Thread.sleep(1500);
        load = Files.readString(Path.of("/proc/loadavg")).strip();
        log("lab " + prefix + " up, duplication through b: " + d);

        int sport = 41000;
        // a warm-up game, not reported: the first LC session after the start pays the JIT of the
        // copy path and the pacer thread's start (a first run's idle p99 was 15.8 ms against 4.1 ms
        // saturated a phase later)
        Path warm = dir.resolve("warm-up.json");
        game(LatencyPathLabIT.game(lab, LC_PORT, 40999, 250, warm), warm, echoLog, LC_PORT, 40999);
        phases.add(phase(lab, dir, echoLog, "idle", "nothing else on a's line", sport++, sport++, null));
        Process iperf = background(lab.in("lan", "iperf3", "-c", NeighbourLab.SERVER, "-p", String.valueOf(IPERF_PORT),
                "-R", "-t", String.valueOf(packets / 50 + 8)), dir.resolve("iperf3-client.log"));
        tools.add(iperf);
        Thread.sleep(3000); // the download fills the line and its queue
        phases.add(phase(lab, dir, echoLog, "saturated", "iperf3 TCP download from the server to the LAN host",
                sport++, sport++, null));
        iperf.waitFor(15, TimeUnit.SECONDS);
        iperf.destroyForcibly();
        String iperfTail = summary(dir.resolve("iperf3-client.log"));
        // both lines full: a's LAN downloads and so do b's own users (iperf3 in b's namespace over its
        // uplink); the copy through b then meets a queue too, which is what suppression is for
        Process iperfA = background(lab.in("lan", "iperf3", "-c", NeighbourLab.SERVER, "-p", String.valueOf(IPERF_PORT),
                "-R", "-t", String.valueOf(packets / 50 + 8)), dir.resolve("iperf3-client-a2.log"));
        Process iperfB = background(lab.in("b", "iperf3", "-c", NeighbourLab.SERVER, "-p", String.valueOf(IPERF_PORT + 1),
                "-R", "-t", String.valueOf(packets / 50 + 8)), dir.resolve("iperf3-client-b.log"));
        tools.add(iperfA);
        tools.add(iperfB);
        Thread.sleep(3000);
        phases.add(phase(lab, dir, echoLog, "both saturated", "TCP downloads fill a's line and b's", sport++, sport++,
                null));
        iperfA.waitFor(15, TimeUnit.SECONDS);
        iperfB.waitFor(15, TimeUnit.SECONDS);
        iperfA.destroyForcibly();
        iperfB.destroyForcibly();
        phases.set(2, phases.get(2).withNote("iperf3 a: " + summary(dir.resolve("iperf3-client-a2.log")) + "; b: "
                + summary(dir.resolve("iperf3-client-b.log"))));
        lab.randomLoss(lossA, lossB);
        double product = lossA / 100.0 * lossB / 100.0;
        phases.add(phase(lab, dir, echoLog, "loss", lossA + " % loss on a's line, " + lossB + " % on b's (each way)",
                sport++, sport++, String.format(Locale.ROOT, "product of both lines' losses %.2f %% each way (round trip"
                        + " %.2f %%)", 100 * product, 100 * (1 - (1 - product) * (1 - product)))));
        lab.randomLoss(0, 0);
        phases.set(1, phases.get(1).withNote("iperf3: " + iperfTail));
    }

    /** iperf3's receiver line (its goodput), or what was missing. */
    static String summary(Path log) throws java.io.IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains("receiver")).findFirst()
                .map(l -> l.replaceAll("\\s+", " ").strip()).orElse("no iperf3 summary");
    }

    Phase phase(NeighbourLab lab, Path dir, Path echoLog, String name, String conditions, int sportOn, int sportOff,
            String note) throws Exception {
        log("phase " + name + ": " + conditions);
        Path onOut = dir.resolve(name + "-on.json");
        Path offOut = dir.resolve(name + "-off.json");
        SuppressionWatch watch = new SuppressionWatch(routerA);
        Process on = LatencyPathLabIT.game(lab, LC_PORT, sportOn, packets, onOut);
        Process off = LatencyPathLabIT.game(lab, OTHER_PORT, sportOff, packets, offOut);
        Game gOn = game(on, onOut, echoLog, LC_PORT, sportOn);
        Game gOff = game(off, offOut, echoLog, OTHER_PORT, sportOff);
        String suppression = watch.stop();
        log("  on: " + gOn + "\n  off: " + gOff + "\n  " + suppression);
        return new Phase(name, conditions, gOn, gOff, note, suppression);
    }

    /** Router a, whose suppression each phase watches. */
    Router routerA;

    /**
     * a's suppression while a phase runs, from its status every 500 ms (bounded: at most 10 minutes
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

        SuppressionWatch(Router a) {
            thread = new Thread(() -> {
                for (int i = 0; i < 1200 && running; i++) {
                    try {
                        JsonNode s = rpc(a, "latency", null).path("suppression");
                        synchronized (this) {
                            polls++;
                            if ("ENFORCING".equals(s.path("state").asText())) {
                                enforcing++;
                                ceiling = Math.max(ceiling, s.path("enforcedPercent").asInt(-1));
                                reason = s.path("reason").asText();
                            }
                            dropped = Math.max(dropped, s.path("dropped").asLong());
                            marked = Math.max(marked, s.path("ecnMarked").asLong());
                        }
                        Thread.sleep(500);
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

        String stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(5000);
            synchronized (this) {
                return String.format(Locale.ROOT, "a's suppression: enforcing in %d of %d polls%s; its kernel dropped up to"
                        + " %d other packets and marked %d (counts since its enforcement last began)", enforcing, polls,
                        enforcing > 0 ? " (ceiling " + ceiling + " %, " + reason + ")" : "", dropped, marked);
            }
        }
    }

    Game game(Process p, Path out, Path echoLog, int port, int sport) throws Exception {
        if (!p.waitFor(packets / 50 + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the game did not end: " + out);
        }
        Thread.sleep(500);
        String last = Files.readString(out).strip().lines().reduce((x, y) -> y).orElse("");
        JsonNode j = JSON.readTree(last);
        StringBuilder tenths = new StringBuilder();
        for (JsonNode t : j.path("rttMaxByTenthMs")) {
            tenths.append(tenths.isEmpty() ? "" : " ").append(f(t.asDouble()));
        }
        return new Game(j.path("sent").asInt(), LatencyDuplicationLabIT.received(echoLog, port, sport),
                j.path("echoes").asInt(), j.path("rttMedianMs").asDouble(), j.path("rttP99Ms").asDouble(), tenths.toString());
    }

    static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String ratio(double a, double b) {
        return b <= 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    String report() {
        StringBuilder sb = new StringBuilder();
        sb.append("| phase | duplication | lost up | lost round trip | rtt p50 ms | rtt p99 ms |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (Phase p : phases) {
            for (boolean on : new boolean[] {true, false}) {
                Game g = on ? p.on() : p.off();
                sb.append("| ").append(p.name()).append(" | ").append(on ? "on (UDP 5005, LC)" : "off (UDP 6005)")
                        .append(" | ").append(g.sent() - g.up()).append(" of ").append(g.sent()).append(" (")
                        .append(f(g.upLossPct())).append(" %) | ").append(g.sent() - g.echoes()).append(" (")
                        .append(f(g.rtLossPct())).append(" %) | ").append(f(g.p50())).append(" | ").append(f(g.p99()))
                        .append(" |\n");
            }
        }
        sb.append("\nRatios, on / off, side by side in each phase:\n\n");
        for (Phase p : phases) {
            sb.append("- ").append(p.name()).append(" (").append(p.conditions()).append("): p99 ")
                    .append(ratio(p.on().p99(), p.off().p99())).append(", p50 ").append(ratio(p.on().p50(), p.off().p50()))
                    .append(", round-trip loss ").append(ratio(p.on().rtLossPct(), p.off().rtLossPct()))
                    .append(p.note() == null ? "" : "; " + p.note())
                    .append(p.suppression().isEmpty() ? "" : "; " + p.suppression())
                    .append(p.on().worstByTenth().isEmpty() ? "" : "; the LC game's worst rtt in each tenth of its packets: "
                            + p.on().worstByTenth() + " ms").append("\n");
        }
        if (phases.size() >= 4) {
            Phase idle = phases.get(0);
            Phase sat = phases.get(1);
            Phase both = phases.get(2);
            Phase loss = phases.get(3);
            double grew = sat.on().p99() - idle.on().p99();
            sb.append("\n**Goal: the game's p99 within 10 ms of idle while the line is saturated**: with duplication ")
                    .append(f(idle.on().p99())).append(" -> ").append(f(sat.on().p99())).append(" ms (")
                    .append(grew <= 10 ? "PASS" : "FAIL").append(", ").append(String.format(Locale.ROOT, "%+.1f", grew))
                    .append(" ms); without ")
                    .append(f(idle.off().p99())).append(" -> ").append(f(sat.off().p99())).append(" ms (")
                    .append(sat.suppression()).append(", on its defaults).")
                    .append(" With b's line full as well: ").append(f(both.on().p99())).append(" ms with duplication (")
                    .append(both.on().p99() - idle.on().p99() <= 10 ? "PASS" : "FAIL").append("), ")
                    .append(f(both.off().p99())).append(" ms without.\n");
            double product = lossA / 100.0 * lossB / 100.0;
            int n = loss.on().sent();
            double sd = Math.sqrt(n * product * (1 - product));
            int lost = loss.on().sent() - loss.on().up();
            sb.append("\n**Loss against the product**: the game lost ").append(lost).append(" of ").append(n)
                    .append(" on the way up, the product of both lines' losses expects ")
                    .append(String.format(Locale.ROOT, "%.1f (binomial sd %.1f): %s", n * product, sd,
                            Math.abs(lost - n * product) <= 4 * sd + 1 ? "within 4 sd" : "OUTSIDE 4 sd"))
                    .append(uplinkSpec == null ? "" : " (a's line also has the impaired link's own loss, so the"
                            + " product is a lower bound)").append(".\n");
        }
        return sb.toString();
    }
}
