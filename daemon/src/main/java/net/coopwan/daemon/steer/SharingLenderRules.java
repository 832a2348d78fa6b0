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
 *   limit qd0_NAME, qd1_NAME { rate over R bytes/second }   (R from {@link EmergencyQuota}: any window of T within the quota)
 *   counter carried_down_NAME, over_down_NAME
 *   chain b_NAME: limit name "qdN_NAME" counter name "over_down_NAME" drop     (the quota in force)
 *                [limit name "qdM_NAME" counter name "over_down_NAME" drop]    (the one it replaced, for one window)
 *                 counter name "carried_down_NAME"
 * </pre>
 * Over the limit is dropped, never queued: the borrowed TCP sessions slow down to the share, the
 * sharer's own users never wait behind them.
 *
 * <p><b>A new quota</b> (the offer changed) is a new limit, and a new limit starts with a full
 * bucket: alone, it would let a window that starts before the change carry the old limit's
 * passes and the new one's whole bound (SharingLenderNetnsTest: 0.999 of the quota where the bound
 * is 0.990, a rise while the old bucket was full; the sharing benchmark's offers rise and fall at
 * every hand-back). So the limit it replaces keeps holding too, until
 * {@link #settle} (the caller's: one window later): a packet passes only under both, so any window
 * that starts before the change is within the old quota, and any that starts after within the
 * new. A fall takes effect at once (the smaller limit binds), a rise after one window. A third
 * quota within that window takes the second's place, and the first holds on until a window after
 * the last change (dropping the first would let the second's fresh bucket through). Idempotent; absent objects are fine on removal. Not thread-safe.
 */
public final class SharingLenderRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan_lend";
    private static final String T = FAMILY + " " + TABLE;
    private static final Pattern COUNTER = Pattern.compile(
            "counter (carried_down|over_down)_([a-z0-9][a-z0-9_]{0,23}) \\{\\s*packets ([0-9]+) bytes ([0-9]+)");

    /** What one borrower's downloads did: carried and dropped over the quota, in IP bytes. */
    public record Counters(String name, long carriedBytes, long droppedBytes) {
    }

    private final CommandRunner runner;
    private final Duration timeout;
    /** Per borrower: the slot (0 or 1) of the quota in force, and whether the other still holds (until settle). */
    private final java.util.Map<String, int[]> slots = new java.util.HashMap<>();

    public SharingLenderRules(CommandRunner runner) {
        this.runner = runner;
        this.timeout = CommandRunner.DEFAULT_TIMEOUT;
    }

    /**
     * Holds what goes down {@code tunDevice} to borrower {@code name} to {@code quota}; the quota it
     * replaces, if any, holds beside it until {@link #settle}. While one already does (a change
     * within the window of the last), the new quota takes the newer one's place and the older holds on.
     */
    public void apply(String name, String tunDevice, EmergencyQuota quota) {
        int[] st = slots.get(name);
        int slot;
        int keep;
        if (st == null) {
            slot = 0;
            keep = -1;
        } else if (st[1] == 1) {
            // the older limit still covers every window that began before this change: it stays, the newer goes
            slot = st[0];
            keep = 1 - st[0];
        } else {
            slot = 1 - st[0];
            keep = st[0];
        }
        runner.check(List.of("nft", "-f", "-"), render(name, tunDevice, quota, slot, keep), timeout);
        slots.put(name, new int[] {slot, keep < 0 ? 0 : 1});
    }

    /** The quota replaced stops holding (call it one window after the last {@link #apply}); nothing if none. */
    public void settle(String name, String tunDevice) {
        int[] st = slots.get(name);
        if (st == null || st[1] == 0) {
            return;
        }
        String n = EmergencyGrant.requireName(name);
        String old = "qd" + (1 - st[0]) + "_" + n;
        StringBuilder b = new StringBuilder();
        chain(b, n, st[0], -1);
        b.append("delete limit ").append(T).append(' ').append(old).append('\n');
        runner.check(List.of("nft", "-f", "-"), b.toString(), timeout);
        st[1] = 0;
    }

    /** The transaction of a first {@link #apply}, the quota alone; deterministic. */
    public static String render(String name, String tunDevice, EmergencyQuota quota) {
        return render(name, tunDevice, quota, 0, -1);
    }

    /** The transaction {@link #apply} runs: {@code quota} in {@code slot}, the limit in {@code keep} (-1: none) kept beside it. */
    static String render(String name, String tunDevice, EmergencyQuota quota, int slot, int keep) {
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
        // the chain that used the slot's limit is empty now: it can be replaced with the new rate
        String lim = "qd" + slot + "_" + n;
        b.append("add limit ").append(T).append(' ').append(lim).append(" { rate over 1 bytes/second; }\n");
        b.append("delete limit ").append(T).append(' ').append(lim).append('\n');
        b.append("add limit ").append(T).append(' ').append(lim).append(" { ").append(quota.nftSpec()).append("; }\n");
        rules(b, n, slot, keep);
        // the device's element, whatever it pointed to before
        b.append("add element ").append(T).append(" borrowers { ").append(tun).append(" : jump b_").append(n).append(" }\n");
        b.append("delete element ").append(T).append(" borrowers { ").append(tun).append(" }\n");
        b.append("add element ").append(T).append(" borrowers { ").append(tun).append(" : jump b_").append(n).append(" }\n");
        return b.toString();
    }

    /** Flushes borrower {@code n}'s chain and fills it again: the limit of {@code slot}, of {@code keep} (-1: none), the counter. */
    private static void chain(StringBuilder b, String n, int slot, int keep) {
        b.append("add chain ").append(T).append(" b_").append(n).append('\n');
        b.append("flush chain ").append(T).append(" b_").append(n).append('\n');
        rules(b, n, slot, keep);
    }

    private static void rules(StringBuilder b, String n, int slot, int keep) {
        for (int s : keep < 0 ? new int[] {slot} : new int[] {slot, keep}) {
            b.append("add rule ").append(T).append(" b_").append(n).append(" limit name \"qd").append(s).append('_')
                    .append(n).append("\" counter name \"over_down_").append(n).append("\" drop\n");
        }
        b.append("add rule ").append(T).append(" b_").append(n).append(" counter name \"carried_down_").append(n)
                .append("\"\n");
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
        for (int s = 0; s < 2; s++) {
            b.append("add limit ").append(T).append(" qd").append(s).append('_').append(n)
                    .append(" { rate over 1 bytes/second; }\n");
            b.append("delete limit ").append(T).append(" qd").append(s).append('_').append(n).append('\n');
        }
        for (String c : List.of("carried_down_", "over_down_")) {
            b.append("add counter ").append(T).append(' ').append(c).append(n).append('\n');
            b.append("delete counter ").append(T).append(' ').append(c).append(n).append('\n');
        }
        runner.check(List.of("nft", "-f", "-"), b.toString(), timeout);
        slots.remove(name);
    }

    /** Removes the table (stop, start after a kill -9). */
    public void removeAll() {
        slots.clear();
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
        java.util.Map<String, long[]> by = new java.util.TreeMap<>();
        Matcher m = COUNTER.matcher(r.stdout());
        while (m.find()) {
            long[] v = by.computeIfAbsent(m.group(2), k -> new long[2]);
            v[m.group(1).equals("carried_down") ? 0 : 1] = Long.parseLong(m.group(4));
        }
        List<Counters> out = new ArrayList<>();
        by.forEach((k, v) -> out.add(new Counters(k, v[0], v[1])));
        return out;
    }
}
