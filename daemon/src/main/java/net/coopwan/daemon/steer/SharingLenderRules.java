package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sharer's limit on what it sends DOWN to a borrower (seed 001 [0131]'s quota per window T,
 * which the issue asks the sharer to enforce too): the emergency helper's rules
 * ({@link EmergencyHelperRules}) hold a borrower's uploads to the quota; downloads, the bulk of
 * what a borrowed session carries, are held here, on the way into the borrower's tunnel.
 *
 * <p>Table {@code inet coopwan_lend}, apart from {@code coopwan_help} so that neither rewrites the
 * other's buckets:
 * <pre>
 * map borrowers { type ifname : verdict }        "cwh1" : jump b_NAME
 * chain forward (filter hook forward, priority filter): oifname vmap @borrowers
 * per borrower NAME:
 *   limit qd_NAME { rate over R bytes/second }   (R from {@link EmergencyQuota}: any window of T within the quota)
 *   counter carried_down_NAME, over_down_NAME
 *   chain b_NAME: limit name "qd_NAME" counter name "over_down_NAME" drop
 *                 counter name "carried_down_NAME"
 * map lenders { type ifname : verdict }          "cwh1" : jump u_NAME
 * chain forward_up (filter hook forward, priority 10): iifname vmap @lenders
 *   chain u_NAME: counter name "carried_up_NAME"
 * </pre>
 * The up counter, what the borrower's uploads took of the uplink, sits after the emergency
 * helper's quota (priority 10, after its priority filter), so what that drops is not counted as
 * lent; it lives here, not in {@code coopwan_help}, so that sharing's totals and what a kill -9 left
 * of them are all in this one table. The connections a borrower has through this router now are
 * counted in conntrack by their source, the borrower's inner tunnel address ({@link #sessions}).
 * Over the limit is dropped, never queued: the borrowed TCP sessions slow down to the share, the
 * sharer's own users never wait behind them. A new quota (the offer changed) replaces the limit,
 * which starts full again; offers change at most every few seconds, so that costs one window's
 * burst at most. Idempotent; absent objects are fine on removal. Not thread-safe.
 */
public final class SharingLenderRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan_lend";
    private static final String T = FAMILY + " " + TABLE;
    private static final Pattern COUNTER = Pattern.compile(
            "counter (carried_down|over_down|carried_up)_([a-z0-9][a-z0-9_]{0,23}) \\{\\s*packets ([0-9]+) bytes ([0-9]+)");
    /** The original direction's source of a conntrack line: the first {@code src=}. */
    private static final Pattern ORIGINAL_SOURCE = Pattern.compile("^\\S.*?\\bsrc=([0-9.]+)\\s", Pattern.MULTILINE);

    /**
     * What one borrower's traffic did, in IP bytes: downloads carried and dropped over the quota,
     * uploads carried out of the uplink.
     */
    public record Counters(String name, long carriedBytes, long droppedBytes, long carriedUpBytes) {
        public Counters(String name, long carriedBytes, long droppedBytes) {
            this(name, carriedBytes, droppedBytes, 0);
        }
    }

    private final CommandRunner runner;
    private final Duration timeout;

    public SharingLenderRules(CommandRunner runner) {
        this.runner = runner;
        this.timeout = CommandRunner.DEFAULT_TIMEOUT;
    }

    /** Holds what goes down {@code tunDevice} to borrower {@code name} to {@code quota}. */
    public void apply(String name, String tunDevice, EmergencyQuota quota) {
        runner.check(List.of("nft", "-f", "-"), render(name, tunDevice, quota), timeout);
    }

    /** The transaction {@link #apply} runs; deterministic. */
    public static String render(String name, String tunDevice, EmergencyQuota quota) {
        String n = EmergencyGrant.requireName(name);
        InterfaceNames.require(tunDevice);
        String tun = "\"" + tunDevice + "\"";
        StringBuilder b = new StringBuilder();
        b.append("add table ").append(T).append('\n');
        b.append("add map ").append(T).append(" borrowers { type ifname : verdict; }\n");
        b.append("add chain ").append(T).append(" forward { type filter hook forward priority filter; policy accept; }\n");
        b.append("flush chain ").append(T).append(" forward\n");
        b.append("add rule ").append(T).append(" forward oifname vmap @borrowers\n");
        b.append("add counter ").append(T).append(" carried_down_").append(n).append('\n');
        b.append("add counter ").append(T).append(" over_down_").append(n).append('\n');
        b.append("add chain ").append(T).append(" b_").append(n).append('\n');
        b.append("flush chain ").append(T).append(" b_").append(n).append('\n');
        // the chain that used the limit is empty now: the limit can be replaced with the new rate
        b.append("add limit ").append(T).append(" qd_").append(n).append(" { rate over 1 bytes/second; }\n");
        b.append("delete limit ").append(T).append(" qd_").append(n).append('\n');
        b.append("add limit ").append(T).append(" qd_").append(n).append(" { ").append(quota.nftSpec()).append("; }\n");
        b.append("add rule ").append(T).append(" b_").append(n).append(" limit name \"qd_").append(n)
                .append("\" counter name \"over_down_").append(n).append("\" drop\n");
        b.append("add rule ").append(T).append(" b_").append(n).append(" counter name \"carried_down_").append(n)
                .append("\"\n");
        // the device's element, whatever it pointed to before
        b.append("add element ").append(T).append(" borrowers { ").append(tun).append(" : jump b_").append(n).append(" }\n");
        b.append("delete element ").append(T).append(" borrowers { ").append(tun).append(" }\n");
        b.append("add element ").append(T).append(" borrowers { ").append(tun).append(" : jump b_").append(n).append(" }\n");
        // uploads: counted after the helper's quota (priority filter) has dropped what it drops
        b.append("add map ").append(T).append(" lenders { type ifname : verdict; }\n");
        b.append("add chain ").append(T).append(" forward_up { type filter hook forward priority 10; policy accept; }\n");
        b.append("flush chain ").append(T).append(" forward_up\n");
        b.append("add rule ").append(T).append(" forward_up iifname vmap @lenders\n");
        b.append("add counter ").append(T).append(" carried_up_").append(n).append('\n');
        b.append("add chain ").append(T).append(" u_").append(n).append('\n');
        b.append("flush chain ").append(T).append(" u_").append(n).append('\n');
        b.append("add rule ").append(T).append(" u_").append(n).append(" counter name \"carried_up_").append(n).append("\"\n");
        b.append("add element ").append(T).append(" lenders { ").append(tun).append(" : jump u_").append(n).append(" }\n");
        b.append("delete element ").append(T).append(" lenders { ").append(tun).append(" }\n");
        b.append("add element ").append(T).append(" lenders { ").append(tun).append(" : jump u_").append(n).append(" }\n");
        return b.toString();
    }

    /** Removes borrower {@code name} on {@code tunDevice}; nothing of it left is fine. */
    public void remove(String name, String tunDevice) {
        String n = EmergencyGrant.requireName(name);
        InterfaceNames.require(tunDevice);
        String tun = "\"" + tunDevice + "\"";
        StringBuilder b = new StringBuilder();
        b.append("add table ").append(T).append('\n');
        b.append("add map ").append(T).append(" borrowers { type ifname : verdict; }\n");
        b.append("add chain ").append(T).append(" b_").append(n).append('\n');
        b.append("add element ").append(T).append(" borrowers { ").append(tun).append(" : jump b_").append(n).append(" }\n");
        b.append("delete element ").append(T).append(" borrowers { ").append(tun).append(" }\n");
        b.append("flush chain ").append(T).append(" b_").append(n).append('\n');
        b.append("delete chain ").append(T).append(" b_").append(n).append('\n');
        b.append("add map ").append(T).append(" lenders { type ifname : verdict; }\n");
        b.append("add chain ").append(T).append(" u_").append(n).append('\n');
        b.append("add element ").append(T).append(" lenders { ").append(tun).append(" : jump u_").append(n).append(" }\n");
        b.append("delete element ").append(T).append(" lenders { ").append(tun).append(" }\n");
        b.append("flush chain ").append(T).append(" u_").append(n).append('\n');
        b.append("delete chain ").append(T).append(" u_").append(n).append('\n');
        b.append("add limit ").append(T).append(" qd_").append(n).append(" { rate over 1 bytes/second; }\n");
        b.append("delete limit ").append(T).append(" qd_").append(n).append('\n');
        for (String c : List.of("carried_down_", "over_down_", "carried_up_")) {
            b.append("add counter ").append(T).append(' ').append(c).append(n).append('\n');
            b.append("delete counter ").append(T).append(' ').append(c).append(n).append('\n');
        }
        runner.check(List.of("nft", "-f", "-"), b.toString(), timeout);
    }

    /** Removes the table (stop, start after a kill -9). */
    public void removeAll() {
        runner.check(List.of("nft", "-f", "-"), "add table " + T + "\ndelete table " + T + "\n", timeout);
    }

    /** Per borrower, what its downloads did; empty without the table. */
    public List<Counters> counters() {
        List<String> argv = List.of("nft", "list", "counters", "table", FAMILY, TABLE);
        CommandResult r = runner.run(argv, null, timeout);
        if (!r.succeeded()) {
            if (Absent.matches(r)) {
                return List.of();
            }
            throw CommandRunner.failed(argv, r);
        }
        return parseCounters(r.stdout());
    }

    /** Per borrower, the counters in {@code nft list counters} output; unknown lines are skipped. */
    static List<Counters> parseCounters(String listed) {
        java.util.Map<String, long[]> by = new java.util.TreeMap<>();
        Matcher m = COUNTER.matcher(listed);
        while (m.find()) {
            long[] v = by.computeIfAbsent(m.group(2), k -> new long[3]);
            int i = switch (m.group(1)) {
                case "carried_down" -> 0;
                case "over_down" -> 1;
                default -> 2;
            };
            try {
                v[i] = Long.parseLong(m.group(4));
            } catch (NumberFormatException e) {
                // more than a long: not a counter of ours
            }
        }
        List<Counters> out = new ArrayList<>();
        by.forEach((k, v) -> out.add(new Counters(k, v[0], v[1], v[2])));
        return out;
    }

    /**
     * The connections in conntrack whose original source is {@code source} (a borrower's inner
     * tunnel address: the borrower masquerades its LAN onto the tunnel), or -1 when conntrack
     * cannot be read.
     */
    public int sessions(String source) {
        CommandResult r = runner.run(List.of("cat", "/proc/net/nf_conntrack"), null, timeout);
        return r.succeeded() ? countFrom(r.stdout(), source) : -1;
    }

    /** Counts the lines of {@code /proc/net/nf_conntrack} whose original source is {@code source}. */
    static int countFrom(String conntrack, String source) {
        int n = 0;
        Matcher m = ORIGINAL_SOURCE.matcher(conntrack);
        while (m.find()) {
            if (m.group(1).equals(source)) {
                n++;
            }
        }
        return n;
    }
}
