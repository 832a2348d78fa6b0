package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Latency-critical classification in the kernel (seed 001 [0229]-[0237]; docs/latency.md): the
 * connection of a packet from the LAN gets {@link SteerMarks#LATENCY_CRITICAL} in its conntrack
 * mark at the first packet a rule matches, and keeps it for its life, both directions.
 *
 * <p>Table {@code inet coopwan_lc}, one chain at prerouting priority {@link #HOOK_PRIORITY} (before
 * every mangle chain, ours included, so they all see the bit):
 * <pre>
 *   ct mark has LC: counter lc_packets, return      (classified already: one compare per packet)
 *   iifname != @lans: return
 *   ip daddr . PROTO dport @app_NAME: mark, counter app_NAME       (each application type)
 *   ip dscp @dscp: mark, counter by_dscp                           (rule a or b)
 *   ip saddr . udp sport . ip daddr . udp dport @adhoc: mark, counter by_adhoc   (upgraded by the daemon)
 *   ip daddr . udp dport @learned: mark, counter by_learned        ([0237], entries time out)
 * </pre>
 * Each counter counts connections (a marked connection never reaches the rules again). Nothing
 * is queued, copied or delayed: a packet meets compares and at most one mark write. The ad hoc rule
 * is the daemon's, from conntrack's counters ({@link #udpFlows}); an upgraded flow's 5-tuple goes
 * into {@code adhoc} and its next packet gets the mark.
 *
 * <p>Idempotent: {@link #apply} replaces the table whole (elements of {@code learned} and {@code
 * adhoc} are given again by the owner); {@link #removeAll} deletes it, absent or not, so a start
 * after a kill -9 begins clean. Not thread-safe.
 */
public final class LatencyRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan_lc";
    /** mangle (-150) minus 5: the LC bit is set before any of our mangle chains (sharing, suppression) looks. */
    public static final int HOOK_PRIORITY = -155;
    /** Most entries of {@code learned} and {@code adhoc}. */
    public static final int SET_SIZE = 4096;
    /** Longest timeout of a set entry, s (30 days, the config's longest learned lifetime). */
    public static final long MAX_TIMEOUT_S = 30L * 86_400;
    /** How long an upgraded flow stays in {@code adhoc}: until its next packet marks it, or it is gone. */
    static final int ADHOC_SECONDS = 30;
    static final String BY_DSCP = "by_dscp";
    static final String BY_LEARNED = "by_learned";
    static final String BY_ADHOC = "by_adhoc";
    /** Packets of connections already LC (their first packets are in the per-rule counters). */
    static final String LC_PACKETS = "lc_packets";
    static final String APP_PREFIX = "app_";
    private static final Pattern COUNTER = Pattern.compile("counter ([a-z_A-Z0-9]+) \\{\\s*packets ([0-9]+) bytes ([0-9]+)");

    /**
     * Connections classified since the table was made (per application type, by DSCP, learned, ad
     * hoc), and the packets of LC connections after their first ({@code lcPackets}).
     */
    public record Counters(Map<String, Long> byApp, long byDscp, long byLearned, long byAdHoc, long lcPackets) {
        public Counters {
            byApp = Map.copyOf(byApp);
        }

        /** Connections classified. */
        public long total() {
            return byApp.values().stream().mapToLong(Long::longValue).sum() + byDscp + byLearned + byAdHoc;
        }

        /** Every LC packet seen: grows while LC traffic flows ("current LC traffic", [0248]). */
        public long packets() {
            return total() + lcPackets;
        }
    }

    private final CommandRunner runner;
    private final Duration timeout;

    public LatencyRules(CommandRunner runner) {
        this.runner = runner;
        this.timeout = CommandRunner.DEFAULT_TIMEOUT;
    }

    /** The table for {@code plan}, replacing any of ours; learned and ad hoc sets start empty. */
    public void apply(LatencyPlan plan) {
        nft(render(plan));
    }

    /** Connection accounting on, so {@link #udpFlows} has packet and byte counts (OpenWrt's default). */
    public void account() {
        runner.check(List.of("sysctl", "-q", "-w", "net.netfilter.nf_conntrack_acct=1"), null, timeout);
    }

    /** Learns (address, port) pairs with their timeouts (whole seconds, 1..{@link #MAX_TIMEOUT_S}). */
    public void learn(Map<String, Duration> pairs) {
        if (!pairs.isEmpty()) {
            nft(renderLearned(pairs));
        }
    }

    /** These flows were upgraded by the ad hoc rule: their next packet marks them. */
    public void upgrade(List<ConntrackUdpFlow> flows) {
        if (!flows.isEmpty()) {
            nft(renderAdHoc(flows));
        }
    }

    /** The UDP connections conntrack lists now, or null when it cannot be read. */
    public List<ConntrackUdpFlow> udpFlows(long[] skipped) {
        CommandResult r = runner.run(List.of("cat", "/proc/net/nf_conntrack"), null, timeout);
        return r.succeeded() ? ConntrackUdpFlow.parse(r.stdout(), skipped) : null;
    }

    /** The IPv4 networks of these devices ({@code ip -4 -o addr show}), for telling LAN hosts' flows apart. */
    public List<Ipv4Cidr> networks(List<String> devices) {
        List<Ipv4Cidr> out = new ArrayList<>();
        for (String d : devices) {
            CommandResult r = runner.run(List.of("ip", "-4", "-o", "addr", "show", "dev", InterfaceNames.require(d)),
                    null, timeout);
            if (r.succeeded()) {
                out.addAll(parseNetworks(r.stdout()));
            }
        }
        return out;
    }

    /** The {@code inet A.B.C.D/N} of {@code ip -o addr} lines, as networks; others skipped. */
    static List<Ipv4Cidr> parseNetworks(String ipAddr) {
        List<Ipv4Cidr> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\binet ([0-9.]+/[0-9]+)").matcher(ipAddr);
        while (m.find()) {
            try {
                out.add(Ipv4Cidr.parse(m.group(1)).network());
            } catch (IllegalArgumentException e) {
                // not an address we can use: skipped
            }
        }
        return out;
    }

    /** The table's counters, or null without the table. */
    public Counters counters() {
        String listing = Absent.counters(runner, FAMILY, TABLE, timeout);
        if (listing == null) {
            return null;
        }
        return parseCounters(listing);
    }

    /** What {@link #packetsOfJson} reads: every counter of the table, in nft's JSON ({@code nft -j -i}). */
    public static final String LIST_COUNTERS_COMMAND = "list counters table " + FAMILY + " " + TABLE;
    private static final Pattern JSON_PACKETS = Pattern.compile("\\{\"counter\": \\{[^{}]*\"packets\": ([0-9]{1,18})(?![0-9])");

    /**
     * Every LC packet seen ({@link Counters#packets}: the packets of all the table's counters) from
     * a JSON listing of {@link #LIST_COUNTERS_COMMAND}; -1 when it holds no counter (no table yet,
     * or not nft's answer). For a reading many times a second through a long-lived {@code nft -j -i}.
     */
    public static long packetsOfJson(String json) {
        long sum = 0;
        boolean any = false;
        Matcher m = JSON_PACKETS.matcher(json);
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
            any = true;
        }
        return any ? sum : -1;
    }

    /** The connections each counter counted (its packets: one per connection). */
    static Counters parseCounters(String listing) {
        Map<String, Long> apps = new TreeMap<>();
        long dscp = 0;
        long learned = 0;
        long adhoc = 0;
        long packets = 0;
        Matcher m = COUNTER.matcher(listing);
        while (m.find()) {
            long n = Long.parseLong(m.group(2));
            switch (m.group(1)) {
                case BY_DSCP -> dscp = n;
                case BY_LEARNED -> learned = n;
                case BY_ADHOC -> adhoc = n;
                case LC_PACKETS -> packets = n;
                default -> {
                    if (m.group(1).startsWith(APP_PREFIX)) {
                        apps.put(m.group(1).substring(APP_PREFIX.length()), n);
                    }
                }
            }
        }
        return new Counters(apps, dscp, learned, adhoc, packets);
    }

    /** The table gone (stop, start after a kill -9); absent is fine. */
    public void removeAll() {
        nft("add table " + FAMILY + " " + TABLE + "\ndelete table " + FAMILY + " " + TABLE + "\n");
    }

    /** The table, replaced whole; deterministic for a plan. */
    public static String render(LatencyPlan plan) {
        String lc = SteerMarks.hex(SteerMarks.LATENCY_CRITICAL);
        String mark = "ct mark set ct mark or " + lc;
        StringBuilder b = new StringBuilder();
        b.append("add table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("delete table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("table ").append(FAMILY).append(' ').append(TABLE).append(" {\n");
        List<String> counters = new ArrayList<>();
        plan.apps().forEach(a -> counters.add(APP_PREFIX + a.name()));
        counters.addAll(List.of(BY_DSCP, BY_LEARNED, BY_ADHOC, LC_PACKETS));
        for (String c : counters) {
            b.append("\tcounter ").append(c).append(" {\n\t}\n");
        }
        String lans = plan.lanDevices().stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(", ", "{ ", " }"));
        b.append("\tset lans {\n\t\ttype ifname\n\t\telements = ").append(lans).append("\n\t}\n");
        for (LatencyPlan.AppMatch a : plan.apps()) {
            b.append("\tset ").append(APP_PREFIX).append(a.name())
                    .append(" {\n\t\ttype ipv4_addr . inet_service\n\t\tflags interval\n\t\telements = { ")
                    .append(elements(a)).append(" }\n\t}\n");
        }
        b.append("\tset dscp {\n\t\ttype dscp\n");
        if (!plan.dscp().isEmpty()) {
            b.append("\t\telements = ").append(plan.dscp().stream().sorted().distinct().map(String::valueOf)
                    .collect(Collectors.joining(", ", "{ ", " }"))).append('\n');
        }
        b.append("\t}\n");
        b.append("\tset learned {\n\t\ttype ipv4_addr . inet_service\n\t\tsize ").append(SET_SIZE)
                .append("\n\t\tflags timeout\n");
        if (!plan.learnedLifetime().isZero()) {
            b.append("\t\ttimeout ").append(plan.learnedLifetime().toSeconds()).append("s\n");
        }
        b.append("\t}\n");
        b.append("\tset adhoc {\n\t\ttype ipv4_addr . inet_service . ipv4_addr . inet_service\n\t\tsize ").append(SET_SIZE)
                .append("\n\t\tflags timeout\n\t\ttimeout ").append(ADHOC_SECONDS).append("s\n\t}\n");
        b.append("\tchain pre {\n");
        b.append("\t\ttype filter hook prerouting priority ").append(HOOK_PRIORITY).append("; policy accept;\n");
        b.append("\t\tct mark and ").append(lc).append(" == ").append(lc).append(" counter name \"").append(LC_PACKETS)
                .append("\" return\n");
        b.append("\t\tiifname != @lans return\n");
        for (LatencyPlan.AppMatch a : plan.apps()) {
            String p = a.transport().nft();
            b.append("\t\tip daddr . ").append(p).append(" dport @").append(APP_PREFIX).append(a.name()).append(' ')
                    .append(mark).append(" counter name \"").append(APP_PREFIX).append(a.name()).append("\" return\n");
        }
        b.append("\t\tip dscp @dscp ").append(mark).append(" counter name \"").append(BY_DSCP).append("\" return\n");
        // ad hoc before learned: an upgraded flow counts as ad hoc though its pair is learned at once
        b.append("\t\tip saddr . udp sport . ip daddr . udp dport @adhoc ").append(mark).append(" counter name \"")
                .append(BY_ADHOC).append("\" return\n");
        if (!plan.learnedLifetime().isZero()) {
            b.append("\t\tip daddr . udp dport @learned ").append(mark).append(" counter name \"").append(BY_LEARNED)
                    .append("\" return\n");
        }
        b.append("\t}\n");
        b.append("}\n");
        return b.toString();
    }

    /** Destinations times port ranges; none of either: any. */
    private static String elements(LatencyPlan.AppMatch a) {
        List<String> dsts = a.destinations().isEmpty() ? List.of("0.0.0.0/0") : a.destinations();
        List<String> ports = a.ports().isEmpty() ? List.of("0-65535")
                : a.ports().stream().map(LatencyPlan.Ports::nft).toList();
        List<String> out = new ArrayList<>();
        for (String d : dsts) {
            for (String p : ports) {
                out.add(d + " . " + p);
            }
        }
        return String.join(", ", out);
    }

    /**
     * The transaction of {@link #learn}: each pair added (a no-op when present) and deleted, then
     * added with its timeout, so a refreshed pair gets its full lifetime again; applied whole.
     *
     * @param pairs "ADDRESS . PORT" to timeout
     */
    public static String renderLearned(Map<String, Duration> pairs) {
        String set = FAMILY + " " + TABLE + " learned";
        StringBuilder all = new StringBuilder();
        StringBuilder timed = new StringBuilder();
        for (Map.Entry<String, Duration> e : new TreeMap<>(pairs).entrySet()) {
            long s = e.getValue().toSeconds();
            if (s < 1 || s > MAX_TIMEOUT_S) {
                throw new IllegalArgumentException("timeout of " + e.getKey() + " is 1.." + MAX_TIMEOUT_S + " s, got " + s);
            }
            all.append(all.length() == 0 ? "" : ", ").append(e.getKey());
            timed.append(timed.length() == 0 ? "" : ", ").append(e.getKey()).append(" timeout ").append(s).append('s');
        }
        return "add element " + set + " { " + all + " }\n"
                + "delete element " + set + " { " + all + " }\n"
                + "add element " + set + " { " + timed + " }\n";
    }

    /** The transaction of {@link #upgrade}. */
    public static String renderAdHoc(List<ConntrackUdpFlow> flows) {
        StringBuilder b = new StringBuilder("add element ").append(FAMILY).append(' ').append(TABLE).append(" adhoc { ");
        for (int i = 0; i < flows.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(flows.get(i).nftElement());
        }
        return b.append(" }\n").toString();
    }

    private void nft(String text) {
        runner.check(List.of("nft", "-f", "-"), text, timeout);
    }
}
