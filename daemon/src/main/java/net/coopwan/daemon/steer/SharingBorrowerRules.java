package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The borrower's side of bandwidth sharing in the kernel: which NEW sessions move onto the sharer,
 * and that they stay there for their whole life (seed 001 [0145], claim 50).
 *
 * <p>Table {@code inet coopwan_share}:
 * <pre>
 * prerouting (mangle):
 *   iifname @lans ct state new tcp dport @ports ip daddr != @avoid counter eligible numgen random mod 1000 vmap @share
 *       share: { 0-(perMille-1) : jump move }  (empty: no new session moves)
 *       move:  ct mark |= SHARED, counter moved
 *   iifname @lans ct mark has SHARED: meta mark |= SHARED       (every packet of a moved session)
 * forward: jump terminate (empty, or: established TCP with SHARED gets reject with tcp reset)
 *          counters via_sharer_up (into the tunnel) and via_sharer_down (back)
 * postrouting (srcnat): oifname TUN masquerade
 * ip rule: fwmark SHARED/SHARED lookup TABLE (priority P); TABLE: default dev TUN
 * </pre>
 * The decision is the first packet's and lives in conntrack, so a session never changes path; the
 * share changes only the {@code share} map, in one transaction, so the counters and the sessions
 * already moved are untouched. {@code avoid} (addresses of download hosts, filled with a timeout)
 * keeps those at home. {@link SteerMarks#SHARED} is a bit of its own; the other marks survive.
 *
 * <p>Idempotent: the table is created whole only when absent or its devices changed, the rule at P
 * deleted before it is added, the route replaced. Not thread-safe.
 */
public final class SharingBorrowerRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan_share";
    /** Below the emergency's (3190, 31090): a failover's rules for the whole LAN come after. */
    public static final int DEFAULT_TABLE = 3185;
    public static final int DEFAULT_PRIORITY = 31085;
    /**
     * Most addresses {@code avoid} holds: twice the most the daemon keeps learned
     * ({@code coop.sharing.hosts.DownloadHosts}), so an add never meets a set that is full of
     * entries already timed out but not yet collected by the kernel.
     */
    public static final int AVOID_SIZE = 4096;
    /** Longest timeout of an {@code avoid} entry, s. */
    public static final long AVOID_MAX_TIMEOUT_S = 86_400;
    static final String MOVED = "moved";
    /** Counter of the new sessions the split acted on (moved or not). */
    static final String ELIGIBLE = "eligible";
    /** How long a session chosen for reset stays in the set: its next packet, or it is gone. */
    static final int DOOMED_SECONDS = 30;
    static final String UP = "via_sharer_up";
    static final String DOWN = "via_sharer_down";
    private static final java.util.regex.Pattern COUNTER = java.util.regex.Pattern.compile(
            "counter (moved|eligible|via_sharer_up|via_sharer_down) \\{\\s*packets ([0-9]+) bytes ([0-9]+)");
    private static final java.util.regex.Pattern CT_MARK = java.util.regex.Pattern.compile("\\bmark=([0-9]+)");

    /**
     * What went through the sharer: sessions moved since the table was made, the new sessions the
     * split acted on (moved or not), bytes both ways.
     */
    public record Counters(long sessionsMoved, long eligibleSessions, long bytesUp, long bytesDown) {
    }

    private final CommandRunner runner;
    private final int table;
    private final int priority;
    private final Duration timeout;
    private final FwmarkRoute route;

    public SharingBorrowerRules(CommandRunner runner, SteerRanges ranges, int table, int priority) {
        this.runner = runner;
        this.table = ranges.requireTable(table);
        this.priority = ranges.requirePriority(priority);
        this.timeout = CommandRunner.DEFAULT_TIMEOUT;
        this.route = new FwmarkRoute(runner, SteerMarks.SHARED, this.table, this.priority, timeout);
    }

    /** The path is open: table, route and rule; no new session moves until {@link #share}. */
    public void open(SharingBorrowerPlan plan) {
        nft(render(plan));
        route.open(plan.tunDevice());
    }

    /** Moves {@code perMille} of the eligible new sessions (0: none); the moved ones stay where they are. */
    public void share(int perMille) {
        nft(renderShare(perMille));
    }

    /**
     * Conntrack's accounting and timestamps on (this namespace, new connections), so {@link
     * #movedFlows} can tell each moved session's bytes and age; OpenWrt has accounting on by
     * default, and neither changes what the kernel forwards. Left on at close: another program
     * may rely on it, and it costs a few bytes per connection.
     */
    public void account() {
        runner.check(List.of("sysctl", "-q", "-w", "net.netfilter.nf_conntrack_acct=1",
                "net.netfilter.nf_conntrack_timestamp=1"), null, timeout);
    }

    /** The moved sessions, as conntrack lists them; null when conntrack cannot be read. */
    public List<ConntrackFlow> movedFlows() {
        CommandResult r = runner.run(List.of("cat", "/proc/net/nf_conntrack"), null, timeout);
        return r.succeeded() ? ConntrackFlow.parse(r.stdout(), SteerMarks.SHARED) : null;
    }

    /**
     * The TCP connections to {@code ports}, moved (the SHARED mark) and not, from one reading of
     * conntrack (what the split of new sessions compares); null when conntrack cannot be read.
     */
    public Eligible eligibleFlows(java.util.Set<Integer> ports) {
        CommandResult r = runner.run(List.of("cat", "/proc/net/nf_conntrack"), null, timeout);
        return r.succeeded() ? Eligible.of(ConntrackFlow.parse(r.stdout(), 0), ports) : null;
    }

    /** Connections to the ports whose sessions may move: those that did, those that stayed home. */
    public record Eligible(List<ConntrackFlow> moved, List<ConntrackFlow> home) {
        static Eligible of(List<ConntrackFlow> all, java.util.Set<Integer> ports) {
            List<ConntrackFlow> moved = new java.util.ArrayList<>();
            List<ConntrackFlow> home = new java.util.ArrayList<>();
            for (ConntrackFlow f : all) {
                if (ports.contains(f.destinationPort())) {
                    ((f.mark() & SteerMarks.SHARED) == SteerMarks.SHARED ? moved : home).add(f);
                }
            }
            return new Eligible(List.copyOf(moved), List.copyOf(home));
        }
    }

    /** These moved sessions are reset at their next packet from the LAN host (for the next 30 s). */
    public void resetFlows(List<ConntrackFlow> flows) {
        if (flows.isEmpty()) {
            return;
        }
        nft(renderDoomed(flows));
    }

    /** The transaction that adds {@code flows} to the set of sessions to reset. */
    public static String renderDoomed(List<ConntrackFlow> flows) {
        StringBuilder b = new StringBuilder("add element ").append(FAMILY).append(' ').append(TABLE).append(" doomed { ");
        for (int i = 0; i < flows.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(flows.get(i).nftElement()).append(" timeout ").append(DOOMED_SECONDS).append('s');
        }
        return b.append(" }\n").toString();
    }

    /**
     * Download hosts that stay home from now on, in one transaction: each address with its timeout
     * (its entry replaced, so a later answer's longer TTL counts), or out of {@code avoid} with
     * {@link Duration#ZERO}. Nothing without the table (not borrowing): the learned hosts are given
     * again when the path opens.
     *
     * @param batch IPv4 address (as an int) to timeout (whole seconds, at most {@link #AVOID_MAX_TIMEOUT_S})
     */
    public void avoid(java.util.Map<Integer, Duration> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<String> argv = List.of("nft", "-f", "-");
        CommandResult r = runner.run(argv, renderAvoid(batch), timeout);
        if (!r.succeeded() && !Absent.matches(r)) {
            throw CommandRunner.failed(argv, r);
        }
    }

    /**
     * The transaction of {@link #avoid}: every address added (a no-op when present) and deleted, so
     * the delete never fails, then added again with its new timeout; the kernel applies it whole.
     */
    public static String renderAvoid(java.util.Map<Integer, Duration> batch) {
        String set = FAMILY + " " + TABLE + " avoid";
        StringBuilder all = new StringBuilder();
        StringBuilder timed = new StringBuilder();
        for (java.util.Map.Entry<Integer, Duration> e : new java.util.TreeMap<>(batch).entrySet()) {
            String a = Ipv4Cidr.format(e.getKey());
            all.append(all.length() == 0 ? "" : ", ").append(a);
            long s = e.getValue().toSeconds();
            if (s < 0 || s > AVOID_MAX_TIMEOUT_S) {
                throw new IllegalArgumentException("timeout of " + a + " is 0.." + AVOID_MAX_TIMEOUT_S + " s, got " + s);
            }
            if (s > 0) {
                timed.append(timed.length() == 0 ? "" : ", ").append(a).append(" timeout ").append(s).append('s');
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("add element ").append(set).append(" { ").append(all).append(" }\n");
        b.append("delete element ").append(set).append(" { ").append(all).append(" }\n");
        if (timed.length() > 0) {
            b.append("add element ").append(set).append(" { ").append(timed).append(" }\n");
        }
        return b.toString();
    }

    /** With {@code on}, every moved TCP session is reset at its next packet (forced termination); off again. */
    public void resetMoved(boolean on) {
        nft(renderReset(on));
    }

    /** The table's counters, or null without the table. */
    public Counters counters() {
        String listing = Absent.counters(runner, FAMILY, TABLE, timeout);
        if (listing == null) {
            return null;
        }
        long moved = 0;
        long eligible = 0;
        long up = 0;
        long down = 0;
        java.util.regex.Matcher m = COUNTER.matcher(listing);
        while (m.find()) {
            switch (m.group(1)) {
                case MOVED -> moved = Long.parseLong(m.group(2));
                case ELIGIBLE -> eligible = Long.parseLong(m.group(2));
                case UP -> up = Long.parseLong(m.group(3));
                default -> down = Long.parseLong(m.group(3));
            }
        }
        return new Counters(moved, eligible, up, down);
    }

    /** The connections in conntrack with {@link SteerMarks#SHARED}, or -1 when conntrack cannot be read. */
    public int sessions() {
        CommandResult r = runner.run(List.of("cat", "/proc/net/nf_conntrack"), null, timeout);
        return r.succeeded() ? countShared(r.stdout()) : -1;
    }

    /** Counts the lines of {@code /proc/net/nf_conntrack} whose mark has the SHARED bit. */
    static int countShared(String conntrack) {
        int n = 0;
        java.util.regex.Matcher m = CT_MARK.matcher(conntrack);
        while (m.find()) {
            long mark;
            try {
                mark = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                continue;
            }
            if ((mark & SteerMarks.SHARED) != 0) {
                n++;
            }
        }
        return n;
    }

    /** Rule, route and table gone (close, stop, start after a kill -9); absent is fine. */
    public void removeAll() {
        route.remove();
        nft("add table " + FAMILY + " " + TABLE + "\ndelete table " + FAMILY + " " + TABLE + "\n");
    }

    /** The table, replaced whole (share 0, no reset); deterministic for a plan. */
    public static String render(SharingBorrowerPlan plan) {
        String lans = plan.lanDevices().stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(", ", "{ ", " }"));
        String ports = new TreeSet<>(plan.ports()).stream().map(String::valueOf).collect(Collectors.joining(", ", "{ ", " }"));
        String tun = "\"" + plan.tunDevice() + "\"";
        String shared = SteerMarks.hex(SteerMarks.SHARED);
        StringBuilder b = new StringBuilder();
        b.append("add table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("delete table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("table ").append(FAMILY).append(' ').append(TABLE).append(" {\n");
        for (String c : List.of(MOVED, ELIGIBLE, UP, DOWN)) {
            b.append("\tcounter ").append(c).append(" {\n\t}\n");
        }
        b.append("\tset lans {\n\t\ttype ifname\n\t\telements = ").append(lans).append("\n\t}\n");
        b.append("\tset ports {\n\t\ttype inet_service\n\t\telements = ").append(ports).append("\n\t}\n");
        b.append("\tset avoid {\n\t\ttype ipv4_addr\n\t\tsize ").append(AVOID_SIZE).append("\n\t\tflags timeout\n\t}\n");
        b.append("\tset doomed {\n\t\ttype ipv4_addr . inet_service . ipv4_addr . inet_service\n\t\tflags timeout\n\t\tsize 4096\n\t}\n");
        b.append("\tmap share {\n\t\ttypeof numgen random mod 1000 : verdict\n\t\tflags interval\n\t}\n");
        b.append("\tchain pre {\n");
        b.append("\t\ttype filter hook prerouting priority mangle; policy accept;\n");
        // "eligible" counts every new session the split acts on, moved or not: the split learns only
        // when there were some (NewSessionShare)
        b.append("\t\tiifname @lans ct state new tcp dport @ports ip daddr != @avoid counter name \"").append(ELIGIBLE)
                .append("\" numgen random mod 1000 vmap @share\n");
        b.append("\t\tiifname @lans ct mark and ").append(shared).append(" == ").append(shared)
                .append(" meta mark set meta mark or ").append(shared).append('\n');
        b.append("\t}\n");
        b.append("\tchain move {\n");
        b.append("\t\tct mark set ct mark or ").append(shared).append(" counter name \"").append(MOVED).append("\"\n");
        b.append("\t}\n");
        // not "reset": a keyword of nft
        b.append("\tchain terminate {\n\t}\n");
        b.append("\tchain forward {\n");
        b.append("\t\ttype filter hook forward priority filter; policy accept;\n");
        b.append("\t\tiifname @lans ip saddr . tcp sport . ip daddr . tcp dport @doomed counter reject with tcp reset\n");
        b.append("\t\tjump terminate\n");
        b.append("\t\toifname ").append(tun).append(" counter name \"").append(UP).append("\"\n");
        b.append("\t\tiifname ").append(tun).append(" counter name \"").append(DOWN).append("\"\n");
        b.append("\t}\n");
        b.append("\tchain postrouting {\n");
        b.append("\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        b.append("\t\toifname ").append(tun).append(" masquerade\n");
        b.append("\t}\n");
        b.append("}\n");
        return b.toString();
    }

    /** The transaction that sets the share: the map emptied and refilled at once. */
    public static String renderShare(int perMille) {
        if (perMille < 0 || perMille > 1000) {
            throw new IllegalArgumentException("per mille is 0..1000, got " + perMille);
        }
        String map = FAMILY + " " + TABLE + " share";
        StringBuilder b = new StringBuilder("flush map ").append(map).append('\n');
        if (perMille > 0) {
            b.append("add element ").append(map).append(" { 0-").append(perMille - 1).append(" : jump move }\n");
        }
        return b.toString();
    }

    /** The transaction that turns the reset of moved sessions on or off. */
    public static String renderReset(boolean on) {
        String chain = FAMILY + " " + TABLE + " terminate";
        StringBuilder b = new StringBuilder("flush chain ").append(chain).append('\n');
        if (on) {
            String shared = SteerMarks.hex(SteerMarks.SHARED);
            b.append("add rule ").append(chain).append(" iifname @lans meta l4proto tcp ct state established ct mark and ")
                    .append(shared).append(" == ").append(shared).append(" counter reject with tcp reset\n");
        }
        return b.toString();
    }

    private void nft(String text) {
        runner.check(List.of("nft", "-f", "-"), text, timeout);
    }
}
