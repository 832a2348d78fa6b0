package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Suppression of other traffic in the kernel while latency-critical (LC) traffic needs the line
 * (issue 17 item 4, seed 001 [0314]-[0321], [0326], [0329]). The table exists only while
 * suppression is enforced: {@link #apply} creates or replaces it, {@link #stop} deletes it, so
 * "no enforcement" is "no table" and nothing of it can linger in a queue.
 *
 * <p>Table {@code inet coopwan_supp}, one base chain at the forward hook (it sees both directions
 * of forwarded traffic after routing, so the incoming direction needs no ifb here):
 * <pre>
 * forward (filter, priority mangle):
 *   ct mark has LATENCY_CRITICAL: counter lc, accept            (LC is never dropped or marked)
 *   oifname @uplinks jump up       iifname @uplinks jump down
 * up / down (per direction):
 *   counter other_DIR; ip/ip6 dscp set cs1                       ([0329])
 *   per connection: update @conn_DIR4/6 { 5-tuple limit rate over C } jump over_DIR
 *   in total:       limit name total_DIR (rate over T)           jump over_DIR
 *   (no cap at all: every other packet jumps to over_DIR)
 * over_DIR (a packet over a cap):
 *   ECT(0)/ECT(1)/CE: ecn set ce, counter ecn_DIR, accept        (RFC 3168: mark, never drop)
 *   numgen inc mod den &lt; num: counter dropped_DIR, drop       (num/den = maxDropPercent/100)
 *   accept
 * </pre>
 * <b>The drop cap.</b> Only non-ECT packets over a cap are dropped, and only {@code num} of every
 * {@code den} consecutive ones ({@code numgen inc}, deterministic, the fraction reduced: 20 % is
 * 1 of 5), so in any window no more than maxDropPercent of the other packets (plus at most one)
 * are dropped ([0318]). A packet over a cap that is not dropped passes: the caps are policers
 * that decide <i>which</i> packets the suppression may hit, not shapers, because a shaper (tc htb
 * or tbf) drops everything above its rate and would break the percentage cap.
 *
 * <p><b>Heaviest first</b> ([0326]): the per-connection meter is evaluated before the total cap,
 * so while a connection runs above its own cap only its packets are over the limit, and the light
 * connections (below it) are hit only by the total cap's excess, in proportion to their rate.
 *
 * <p>The meters' burst is 100 ms of the rate (at least one 1500-byte packet). Idempotent: the
 * table is replaced whole in one transaction. Not thread-safe.
 */
public final class SuppressionRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan_supp";
    /** Connections one meter holds; a full meter stops adding (the packet then meets only the total cap). */
    static final int METER_SIZE = 65535;
    /** A connection's meter entry goes this long after its last packet. */
    static final int METER_TIMEOUT_S = 30;
    static final String LC = "lc";
    private static final Pattern COUNTER = Pattern.compile(
            "counter ([a-z_]+) \\{\\s*packets ([0-9]+) bytes ([0-9]+)");

    /** Packets per direction since the table was made; {@code lcSpared} counts LC packets passed untouched. */
    public record Counters(long lcSpared, long otherUp, long otherDown, long ecnUp, long ecnDown,
            long droppedUp, long droppedDown) {
        public long dropped() {
            return droppedUp + droppedDown;
        }

        public long ecnMarked() {
            return ecnUp + ecnDown;
        }
    }

    /**
     * The handle of the shaper's root qdisc on a LAN device (0xc0f: "coopwan"): how a start after a
     * kill -9 tells ours from a qdisc someone else put there.
     */
    static final String SHAPER_HANDLE = "c0f:";
    /** The shaper's class for LC traffic (skb priority, set by the table) and for the rest (htb's default). */
    static final String LC_CLASS = "c0f:10";
    static final String OTHER_CLASS = "c0f:20";

    private final CommandRunner runner;
    private final Duration timeout;
    /** The LAN devices whose root qdisc is our shaper now. */
    private final java.util.Set<String> shaped = new java.util.LinkedHashSet<>();
    /**
     * The bucket of each shaped device's tbf, which never shrinks while our shaper is on it: a
     * packet of many segments that fitted the old bucket would stay at the head of the queue,
     * larger than the new one, and nothing would leave it again (SharingLenderRules#bursts, where
     * the sharing benchmark found it).
     */
    private final java.util.Map<String, Long> bursts = new java.util.HashMap<>();
    /** Shapers made at {@link #DRAIN_PERCENT} of their rate, with the rate {@link #settle} gives them. */
    private final java.util.Map<String, Long> draining = new java.util.LinkedHashMap<>();
    /**
     * A new shaper's share of its rate until {@link #settle}: the caller settles it after {@link
     * #DRAIN_MILLIS}. Suppression begins when the ISP's queue is already full (that is what it
     * detects), and at 85 % of the line that queue drains at 15 % of it: 50 ms of queue took 330
     * ms, and an LC packet meanwhile still waited up to 50 ms (the latency benchmark, upload: the
     * game's worst 10 packets of 500 came in the first 420 ms). At half the rate for 300 ms a queue of
     * up to 150 ms drains first; the other traffic loses a sixth of a second of half its rate.
     */
    public static final int DRAIN_PERCENT = 50;
    public static final long DRAIN_MILLIS = 300;
    /** The devices whose root qdisc is someone else's (no shaper of ours there), for the log's one line each. */
    private final java.util.Set<String> foreign = new java.util.HashSet<>();
    /** The handle of a root qdisc as tc shows it: {@code qdisc fq_codel 0: root ...}. */
    private static final Pattern ROOT_HANDLE = Pattern.compile("qdisc \\S+ ([0-9a-f]+:) root");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SuppressionRules.class);

    public SuppressionRules(CommandRunner runner) {
        this.runner = runner;
        this.timeout = CommandRunner.DEFAULT_TIMEOUT;
    }

    /**
     * Enforces {@code plan} from now on (the table replaced whole: meters and counters start again;
     * the shaper on each LAN device replaced in place).
     */
    public boolean apply(SuppressionPlan plan) {
        // the devices a shaper of ours may go on: never one whose root qdisc is someone else's (an
        // SQM's cake, a lab's line): replacing it would lose it when ours is removed
        java.util.Set<String> mine = new java.util.LinkedHashSet<>();
        for (String d : plan.shaper().devices().keySet()) {
            if (shaped.contains(d) || ourOrDefaultRoot(d)) {
                mine.add(d);
                foreign.remove(d);
            } else if (foreign.add(d)) {
                LOG.info("suppression: {} has a root qdisc of its own; no shaper of ours there", d);
            }
        }
        SuppressionPlan effective = new SuppressionPlan(plan.uplinks(), plan.maxDropPercent(),
                plan.perConnectionBytesPerSecond(), plan.totalUpBytesPerSecond(), plan.totalDownBytesPerSecond(),
                plan.dscpCs1(), plan.shaper().only(mine));
        nft(render(effective));
        java.util.Map<String, Long> now = effective.shaper().devices();
        for (String d : List.copyOf(shaped)) {
            if (!now.containsKey(d)) {
                unshape(d);
            }
        }
        now.forEach((d, rate) -> {
            boolean fresh = !shaped.contains(d);
            if (fresh) {
                bursts.remove(d);
            }
            List<List<String>> argv = shaper(d, fresh ? Math.max(1, rate * DRAIN_PERCENT / 100) : rate, mtu(d),
                    bursts.getOrDefault(d, 0L));
            bursts.put(d, burstOf(argv));
            // htb cannot be changed in place ("change operation not supported"): an htb of ours keeps
            // its root, and only its classes and queue take the new rate
            for (List<String> a : fresh ? argv : argv.subList(1, argv.size())) {
                runner.check(a, null, timeout);
            }
            shaped.add(d);
            if (fresh) {
                draining.put(d, rate);
            } else {
                draining.remove(d);
            }
        });
        return !draining.isEmpty();
    }

    /**
     * The shapers made at {@link #DRAIN_PERCENT} of their rate get their rate (the caller's timer,
     * {@link #DRAIN_MILLIS} after the {@link #apply} that made them); nothing draining is fine.
     */
    public void settle() {
        for (java.util.Map.Entry<String, Long> e : java.util.List.copyOf(draining.entrySet())) {
            List<List<String>> argv = shaper(e.getKey(), e.getValue(), mtu(e.getKey()), bursts.getOrDefault(e.getKey(), 0L));
            for (List<String> a : argv.subList(1, argv.size())) {
                runner.check(a, null, timeout);
            }
            bursts.put(e.getKey(), burstOf(argv));
        }
        draining.clear();
    }

    /** Enforcement off: the table and the shapers are gone; absent is fine. */
    public void stop() {
        removeAll();
    }

    /** The table gone, and the shapers this instance made (stop). */
    public void removeAll() {
        removeAll(List.of());
    }

    /**
     * The table gone, and our shaper on the devices this instance shaped and on {@code devices}
     * (the daemon's start after a kill -9: the config's LAN devices and uplinks; a root qdisc of
     * another handle is left alone).
     */
    public void removeAll(List<String> devices) {
        nft("add table " + FAMILY + " " + TABLE + "\ndelete table " + FAMILY + " " + TABLE + "\n");
        java.util.Set<String> all = new java.util.LinkedHashSet<>(shaped);
        devices.forEach(InterfaceNames::require);
        all.addAll(devices);
        for (String d : all) {
            unshape(d);
        }
    }

    /** {@code device}'s MTU from sysfs, 1500 when it cannot be read. */
    private int mtu(String device) {
        CommandResult r = runner.run(List.of("cat", "/sys/class/net/" + device + "/mtu"), null, timeout);
        try {
            int m = r.succeeded() ? Integer.parseInt(r.stdout().strip()) : 1500;
            return m >= 68 && m <= 65_535 ? m : 1500;
        } catch (NumberFormatException e) {
            return 1500;
        }
    }

    /** {@link #shaper(String, long, int, long)} on a device of MTU 1500, a new one. */
    static List<List<String>> shaper(String device, long bytesPerSecond) {
        return shaper(device, bytesPerSecond, 1500, 0);
    }

    /** The tbf bucket in {@code argv} of {@link #shaper} (its last command's {@code burst}). */
    static long burstOf(List<List<String>> argv) {
        List<String> last = argv.get(argv.size() - 1);
        return Long.parseLong(last.get(last.indexOf("burst") + 1));
    }

    /**
     * The tc commands of the shaper on device {@code device} (of MTU {@code mtu}): an htb at
     * {@code bytesPerSecond} with two classes, LC traffic first (any share of the rate it needs)
     * and the rest at the rate with a queue of 50 ms of it, so that the queue forms here instead of
     * at the ISP. Replaced in place: a new rate keeps the device shaped throughout.
     *
     * <p>The rest's queue is a tbf at the class's rate, its bucket one full frame or a millisecond
     * of the rate, not a packet fifo: htb sends a packet of many segments (GSO: up to 64 kB of a
     * LAN host's upload, or what GRO merged) as one, so the line behind it got 64 kB at once, the
     * ISP's queue held 50 ms of it, and an LC packet that came next waited behind that (the latency
     * benchmark: the game's p99 up 10-27 ms over idle with the shaper on). tbf cuts such a packet
     * into its segments when it is larger than its bucket, and sends them at the rate.
     */
    static List<List<String>> shaper(String device, long bytesPerSecond, int mtu, long burstBefore) {
        InterfaceNames.require(device);
        String rate = bytesPerSecond * 8 + "bit";
        long frame = mtu + 14L;
        // never smaller than the bucket before (bursts: a packet it took whole would never leave)
        long burst = Math.max(burstBefore, Math.max(frame, bytesPerSecond / 1000));
        long limit = Math.max(10 * frame, Math.min(300 * frame, bytesPerSecond / 20));
        return List.of(
                List.of("tc", "qdisc", "replace", "dev", device, "root", "handle", SHAPER_HANDLE, "htb", "default", "20"),
                List.of("tc", "class", "replace", "dev", device, "parent", SHAPER_HANDLE, "classid", "c0f:1", "htb",
                        "rate", rate),
                List.of("tc", "class", "replace", "dev", device, "parent", "c0f:1", "classid", LC_CLASS, "htb",
                        "rate", Math.max(8_000, bytesPerSecond * 8 / 10) + "bit", "ceil", rate, "prio", "0"),
                List.of("tc", "class", "replace", "dev", device, "parent", "c0f:1", "classid", OTHER_CLASS, "htb",
                        "rate", rate, "ceil", rate, "prio", "1"),
                List.of("tc", "qdisc", "replace", "dev", device, "parent", OTHER_CLASS, "handle", "c20:", "tbf",
                        "rate", rate, "burst", String.valueOf(burst), "limit", String.valueOf(limit)));
    }

    /**
     * Whether {@code device}'s root qdisc is ours or the kernel's default (handle {@code 0:}: what a
     * device gets without a tc command); a missing device is neither. A root someone configured has
     * a handle of its own (tc's automatic ones are 8001: and up).
     */
    private boolean ourOrDefaultRoot(String device) {
        String handle = rootHandle(device);
        return handle != null && (handle.equals("0:") || handle.equals(SHAPER_HANDLE));
    }

    /**
     * The handle of {@code device}'s root qdisc ({@code 0:} when tc lists none); null without the
     * device (or when tc fails).
     */
    private String rootHandle(String device) {
        CommandResult r = runner.run(List.of("tc", "qdisc", "show", "dev", device, "root"), null, timeout);
        if (r.exit() != 0) {
            return null;
        }
        Matcher m = ROOT_HANDLE.matcher(r.stdout());
        return m.find() ? m.group(1) : "0:";
    }

    /** Our shaper off {@code device}: only a root qdisc with our handle; no device or another qdisc is fine. */
    private void unshape(String device) {
        shaped.remove(device);
        draining.remove(device);
        bursts.remove(device);
        if (SHAPER_HANDLE.equals(rootHandle(device))) {
            runner.run(List.of("tc", "qdisc", "del", "dev", device, "root", "handle", SHAPER_HANDLE), null, timeout);
        }
    }

    /** The counters, or null without the table (not enforcing). */
    public Counters counters() {
        String listing = Absent.counters(runner, FAMILY, TABLE, timeout);
        return listing == null ? null : parseCounters(listing);
    }

    static Counters parseCounters(String listing) {
        java.util.Map<String, Long> n = new java.util.HashMap<>();
        Matcher m = COUNTER.matcher(listing);
        while (m.find()) {
            n.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return new Counters(n.getOrDefault(LC, 0L), n.getOrDefault("other_up", 0L), n.getOrDefault("other_down", 0L),
                n.getOrDefault("ecn_up", 0L), n.getOrDefault("ecn_down", 0L),
                n.getOrDefault("dropped_up", 0L), n.getOrDefault("dropped_down", 0L));
    }

    /** The whole table for {@code plan}; deterministic. */
    public static String render(SuppressionPlan plan) {
        String uplinks = ifnames(plan.uplinks());
        String lc = SteerMarks.hex(SteerMarks.LATENCY_CRITICAL);
        StringBuilder b = new StringBuilder();
        b.append("add table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("delete table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("table ").append(FAMILY).append(' ').append(TABLE).append(" {\n");
        b.append("\tcounter ").append(LC).append(" {\n\t}\n");
        for (String dir : List.of("up", "down")) {
            for (String c : List.of("other_", "ecn_", "dropped_")) {
                b.append("\tcounter ").append(c).append(dir).append(" {\n\t}\n");
            }
        }
        b.append("\tset uplinks {\n\t\ttype ifname\n\t\telements = ").append(uplinks).append("\n\t}\n");
        SuppressionShaper shaper = plan.shaper();
        if (!shaper.devices().isEmpty()) {
            shapeChain(b, shaper, lc);
        }
        if (plan.perConnectionBytesPerSecond() > 0) {
            for (String dir : List.of("up", "down")) {
                meterSet(b, "conn_" + dir + "4", "ipv4_addr . ipv4_addr");
                meterSet(b, "conn_" + dir + "6", "ipv6_addr . ipv6_addr");
            }
        }
        limitObject(b, "total_up", plan.totalUpBytesPerSecond());
        limitObject(b, "total_down", plan.totalDownBytesPerSecond());
        b.append("\tchain forward {\n");
        b.append("\t\ttype filter hook forward priority mangle; policy accept;\n");
        b.append("\t\tct mark and ").append(lc).append(" == ").append(lc).append(" counter name \"").append(LC).append("\" accept\n");
        b.append("\t\toifname @uplinks jump up\n");
        b.append("\t\tiifname @uplinks jump down\n");
        b.append("\t}\n");
        direction(b, plan, "up", plan.totalUpBytesPerSecond());
        direction(b, plan, "down", plan.totalDownBytesPerSecond());
        b.append("}\n");
        return b.toString();
    }

    /**
     * The shaper's classes (docs/PROTOCOL.md 3.14): htb takes a packet's skb priority as its class
     * (this kernel has no tc fw classifier and no connmark action to read the ct mark), so this
     * chain, late in postrouting, sets it for what skips the queue on a shaped device:
     * <ul>
     *   <li>LC connections by their conntrack mark, into the LAN and out of an uplink;</li>
     *   <li>the bond's LC copies on their way up: sealed tunnel packets of version 1 and type
     *       LC_COPY (bytes 0-1 of the UDP payload, sent in clear) to a concentrator the config names;
     *       the router's own packets, which no LC mark covers;</li>
     *   <li>TCP packets of at most 80 bytes (acknowledgements without data, SYN, FIN): held behind a
     *       queue of the other direction's transfer they come out in bursts, and the sender answers a
     *       burst of acknowledgements with a burst of data at the line's rate, which fills the ISP's
     *       queue in front of the LC packets again (the latency benchmark: p99 75 ms each way with an
     *       upload beside the download). They are a few per cent of the other direction's rate.</li>
     * </ul>
     */
    private static void shapeChain(StringBuilder b, SuppressionShaper shaper, String lc) {
        b.append("\tset shaped {\n\t\ttype ifname\n\t\telements = ").append(ifnames(List.copyOf(shaper.devices().keySet())))
                .append("\n\t}\n");
        if (!shaper.lcCopyTargets().isEmpty()) {
            b.append("\tset lc_copy_targets {\n\t\ttype ipv4_addr . inet_service\n\t\telements = { ")
                    .append(shaper.lcCopyTargets().stream().map(t -> t.replace(":", " . ")).collect(Collectors.joining(", ")))
                    .append(" }\n\t}\n");
        }
        b.append("\tchain shape {\n");
        b.append("\t\ttype filter hook postrouting priority mangle; policy accept;\n");
        b.append("\t\toifname @shaped ct mark and ").append(lc).append(" == ").append(lc).append(" meta priority set ")
                .append(LC_CLASS).append('\n');
        if (!shaper.lcCopyTargets().isEmpty()) {
            b.append("\t\toifname @shaped ip daddr . udp dport @lc_copy_targets @th,64,16 0x").append(LC_COPY_HEADER)
                    .append(" meta priority set ").append(LC_CLASS).append('\n');
        }
        b.append("\t\toifname @shaped meta l4proto tcp meta length <= 80 meta priority set ").append(LC_CLASS).append('\n');
        b.append("\t}\n");
    }

    /** Version 1 and type LC_COPY, the first two bytes of a sealed LC copy (TunnelHeader, PacketType). */
    static final String LC_COPY_HEADER = "010b";

    /** The elements of an ifname set: {@code { "a", "b" }}. */
    private static String ifnames(List<String> devices) {
        return devices.stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(", ", "{ ", " }"));
    }

    private static void meterSet(StringBuilder b, String name, String addrs) {
        b.append("\tset ").append(name).append(" {\n\t\ttype ").append(addrs)
                .append(" . inet_proto . inet_service . inet_service\n\t\tsize ").append(METER_SIZE)
                .append("\n\t\tflags dynamic,timeout\n\t\ttimeout ").append(METER_TIMEOUT_S).append("s\n\t}\n");
    }

    private static void limitObject(StringBuilder b, String name, long bytesPerSecond) {
        if (bytesPerSecond > 0) {
            b.append("\tlimit ").append(name).append(" {\n\t\trate over ").append(rate(bytesPerSecond)).append("\n\t}\n");
        }
    }

    /** {@code N bytes/second burst B bytes}, B = 100 ms of the rate, at least one full packet. */
    static String rate(long bytesPerSecond) {
        return bytesPerSecond + " bytes/second burst " + Math.max(1500, bytesPerSecond / 10) + " bytes";
    }

    private static void direction(StringBuilder b, SuppressionPlan plan, String dir, long total) {
        String over = "over_" + dir;
        b.append("\tchain ").append(dir).append(" {\n");
        b.append("\t\tcounter name \"other_").append(dir).append("\"\n");
        if (plan.dscpCs1()) {
            b.append("\t\tip dscp set cs1\n");
            b.append("\t\tip6 dscp set cs1\n");
        }
        long perConn = plan.perConnectionBytesPerSecond();
        if (perConn > 0) {
            b.append("\t\tmeta nfproto ipv4 update @conn_").append(dir).append("4 { ip saddr . ip daddr . meta l4proto . th sport . th dport limit rate over ")
                    .append(rate(perConn)).append(" } jump ").append(over).append('\n');
            b.append("\t\tmeta nfproto ipv6 update @conn_").append(dir).append("6 { ip6 saddr . ip6 daddr . meta l4proto . th sport . th dport limit rate over ")
                    .append(rate(perConn)).append(" } jump ").append(over).append('\n');
        }
        if (total > 0) {
            b.append("\t\tlimit name \"total_").append(dir).append("\" jump ").append(over).append('\n');
        }
        if (plan.uncapped()) {
            b.append("\t\tjump ").append(over).append('\n');
        }
        b.append("\t}\n");
        b.append("\tchain ").append(over).append(" {\n");
        b.append("\t\tip ecn != not-ect ip ecn set ce counter name \"ecn_").append(dir).append("\" accept\n");
        b.append("\t\tip6 ecn != not-ect ip6 ecn set ce counter name \"ecn_").append(dir).append("\" accept\n");
        if (!plan.shaper().devices().isEmpty()) {
            // out of a shaped device the shaper's queue holds other traffic back (its tail drops are
            // the congestion signal): a deliberate drop on top only cost the transfers more (the
            // latency benchmark: bulk goodput 24-36 % lower with suppression on lossy lines)
            b.append("\t\toifname @shaped accept\n");
        }
        int[] f = dropFraction(plan.maxDropPercent());
        if (f[0] == f[1]) {
            b.append("\t\tcounter name \"dropped_").append(dir).append("\" drop\n");
        } else if (f[0] > 0) {
            b.append("\t\tnumgen inc mod ").append(f[1]).append(" < ").append(f[0])
                    .append(" counter name \"dropped_").append(dir).append("\" drop\n");
        }
        b.append("\t\taccept\n");
        b.append("\t}\n");
    }

    /** {@code percent}/100 reduced: {num, den}; 20 gives {1, 5}, 0 gives {0, 1}. */
    static int[] dropFraction(int percent) {
        int g = gcd(percent, 100);
        return new int[] {percent / g, 100 / g};
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private void nft(String text) {
        runner.check(List.of("nft", "-f", "-"), text, timeout);
    }
}
