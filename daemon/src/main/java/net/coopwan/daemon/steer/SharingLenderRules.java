package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sharer's kernel quota per borrower, both directions, over every path the borrower uses
 * through it (seed 001 [0131]'s quota per window T, which the issue asks the sharer to enforce
 * too): ONE quota per direction per borrower, whichever path a packet takes, so a borrower that
 * uses the per-session path and the per-packet variant's sealed forwarding at once still gets at
 * most the offer in each direction, whoever misbehaves (docs/PROTOCOL.md 3.13). Each direction
 * follows its own offer (a sharer whose users take its download still offers its idle upload).
 *
 * <p>Table {@code inet coopwan_lend}, apart from {@code coopwan_help} so that neither rewrites the
 * other's buckets:
 * <pre>
 * map borrowers   { type ifname : verdict }              "cwh4" : jump b_NAME       (down, per session)
 * map uploads     { type ifname : verdict }              "cwh4" : jump u_NAME       (up, per session)
 * map sealed_down { type ifname . ipv4_addr : verdict }  "peer" . 100.64.79.1 : jump b_NAME (down, per packet)
 * map sealed_up   { type ifname . ipv4_addr : verdict }  "peer" . 100.64.79.1 : jump u_NAME (up, per packet)
 * chain forward (filter hook forward, priority filter - 1):
 *   oifname vmap @borrowers
 *   iifname vmap @uploads
 *   ct mark HELPED, oifname . ip daddr vmap @sealed_down   (what the helper's NAT carries back, nothing else)
 *   iifname . ip saddr vmap @sealed_up
 * per borrower NAME, per direction (d: down, chain b_NAME; u: up, chain u_NAME):
 *   limit qd0_NAME, qd1_NAME, qu0_NAME, qu1_NAME { rate over R bytes/second }
 *                                          (R from {@link EmergencyQuota}: any window of T within the quota)
 *   counter carried_down_NAME, over_down_NAME, carried_up_NAME, over_up_NAME
 *   chain b_NAME: limit name "qdN_NAME" counter name "over_down_NAME" drop     (the quota in force)
 *                [limit name "qdM_NAME" counter name "over_down_NAME" drop]    (the one it replaced, for one window)
 *                 counter name "carried_down_NAME"
 *   chain u_NAME: the same with qu0/qu1_NAME, over_up_NAME, carried_up_NAME
 * </pre>
 * Priority {@code filter - 1}: before {@code coopwan_help}'s chain (priority filter), so what the
 * shared quota drops is never counted as carried there; the helper's per-path limits (each at
 * the upload's quota, on uploads only) stay as they are and can only drop less. A borrower's
 * sealed packet that the helper then refuses (not to an allowed concentrator) has spent its own
 * quota: only a misbehaving borrower loses by that. The sealed entries exist only while the sealed
 * forwarding carries ({@link #sealed}); an emergency of mode concentrator from the same neighbour
 * replaces that forwarding and its quota is the emergency's alone. They jump to the same chains,
 * so whatever a chain holds (one limit or two) holds for both paths.
 *
 * <p><b>A new quota</b> (the offer changed in that direction) is a new limit, and a new limit
 * starts with a full bucket: alone, it would let a window that starts before the change carry the
 * old limit's passes and the new one's whole bound (SharingLenderNetnsTest: 0.999 of the quota
 * where the bound is 0.990, a rise while the old bucket was full; the sharing benchmark's offers
 * rise and fall at every hand-back). So the limit it replaces keeps holding too, until
 * {@link #settle} (the caller's: one window after the last change): a packet passes only under
 * both, so any window that starts before the change is within the old quota, and any that starts
 * after within the new. A fall takes effect at once (the smaller limit binds), a rise after one
 * window. A third quota within that window takes the second's place, and the first holds on
 * until a window after the last change (dropping the first would let the second's fresh bucket
 * through). A direction whose quota did not change is not touched: its bucket keeps its state.
 *
 * <p>The connections a borrower has through this router now are counted in conntrack by their
 * source, the borrower's inner tunnel address ({@link #sessions}).
 *
 * <p>Over the limit is dropped, never queued: the borrowed TCP sessions slow down to the share, the
 * sharer's own users never wait behind them; the per-packet variant's bond moves the rest to its
 * own members (its own bucket, sized to what this quota sustains, normally keeps it under this
 * one). Idempotent; absent objects are fine on removal. Not thread-safe.
 */
public final class SharingLenderRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan_lend";
    private static final String T = FAMILY + " " + TABLE;
    private static final Pattern COUNTER = Pattern.compile(
            "counter (carried_down|over_down|carried_up|over_up)_([a-z0-9][a-z0-9_]{0,23}) \\{\\s*packets ([0-9]+) bytes ([0-9]+)");
    /** An element of a sealed map as nft lists it: {@code "peer0" . 100.64.79.1 : jump b_r4795}. */
    private static final Pattern SEALED = Pattern.compile(
            "\"([^\"]+)\" \\. ([0-9.]+) : jump ([bu])_([a-z0-9][a-z0-9_]{0,23})");
    /** The original direction's source of a conntrack line: the first {@code src=}. */
    private static final Pattern ORIGINAL_SOURCE = Pattern.compile("^\\S.*?\\bsrc=([0-9.]+)\\s", Pattern.MULTILINE);
    private static final List<String> DIRECTIONS = List.of("down", "up");

    /**
     * What one borrower's traffic did, in IP bytes: down (carried, dropped over the quota) and up
     * (carried, dropped), over every path through this router.
     */
    public record Counters(String name, long carriedBytes, long droppedBytes, long carriedUpBytes, long droppedUpBytes) {
        /** Without the dropped uploads (known only where the shared up quota exists). */
        public Counters(String name, long carriedBytes, long droppedBytes, long carriedUpBytes) {
            this(name, carriedBytes, droppedBytes, carriedUpBytes, 0);
        }
    }

    /**
     * One direction's limits of one borrower as they are in the kernel: the quota in force in
     * {@code slot} (0 or 1), and whether the limit it replaced still holds in the other slot.
     */
    private record Slots(EmergencyQuota quota, int slot, boolean olderHolds) {
    }

    private final CommandRunner runner;
    private final Duration timeout;
    /** Per borrower name: its directions' limits, down then up. */
    private final Map<String, Slots[]> slots = new HashMap<>();

    public SharingLenderRules(CommandRunner runner) {
        this.runner = runner;
        this.timeout = CommandRunner.DEFAULT_TIMEOUT;
    }

    /** Holds what goes down {@code tunDevice} to borrower {@code name}, and what comes up it, to {@code quota} each. */
    public void apply(String name, String tunDevice, EmergencyQuota quota) {
        apply(name, tunDevice, quota, quota);
    }

    /**
     * Holds what goes down {@code tunDevice} to borrower {@code name} to {@code down}, and what comes
     * up it to {@code up}. In a direction whose quota changed, the quota it replaces holds beside it
     * until {@link #settle}; while one already does (a change within the window of the last), the new
     * quota takes the newer one's place and the older holds on. A direction whose quota is the one in
     * force is left as it is.
     */
    public void apply(String name, String tunDevice, EmergencyQuota down, EmergencyQuota up) {
        String n = EmergencyGrant.requireName(name);
        InterfaceNames.require(tunDevice);
        String tun = "\"" + tunDevice + "\"";
        Slots[] was = slots.getOrDefault(name, new Slots[2]);
        Slots[] now = was.clone();
        StringBuilder b = new StringBuilder();
        skeleton(b);
        for (int i = 0; i < 2; i++) {
            EmergencyQuota q = i == 0 ? down : up;
            Slots s = was[i];
            if (s != null && s.quota().equals(q)) {
                continue;
            }
            int slot;
            int keep;
            if (s == null) {
                slot = 0;
                keep = -1;
            } else if (s.olderHolds()) {
                // the older limit still covers every window that began before this change: it stays, the newer goes
                slot = s.slot();
                keep = 1 - s.slot();
            } else {
                slot = 1 - s.slot();
                keep = s.slot();
            }
            String d = DIRECTIONS.get(i);
            String limit = limit(d, slot, n);
            b.append("add counter ").append(T).append(" carried_").append(d).append('_').append(n).append('\n');
            b.append("add counter ").append(T).append(" over_").append(d).append('_').append(n).append('\n');
            b.append("add chain ").append(T).append(' ').append(chain(d, n)).append('\n');
            b.append("flush chain ").append(T).append(' ').append(chain(d, n)).append('\n');
            // the chain that used the slot's limit is empty now: it can be replaced with the new rate
            b.append("add limit ").append(T).append(' ').append(limit).append(" { rate over 1 bytes/second; }\n");
            b.append("delete limit ").append(T).append(' ').append(limit).append('\n');
            b.append("add limit ").append(T).append(' ').append(limit).append(" { ").append(q.nftSpec()).append("; }\n");
            rules(b, d, n, slot, keep);
            now[i] = new Slots(q, slot, keep >= 0);
        }
        element(b, "borrowers", tun, chain("down", n));
        element(b, "uploads", tun, chain("up", n));
        runner.check(List.of("nft", "-f", "-"), b.toString(), timeout);
        slots.put(name, now);
    }

    /**
     * The quotas replaced stop holding, in each direction where one does (call it one window after
     * the last {@link #apply}); nothing if none does.
     */
    public void settle(String name, String tunDevice) {
        Slots[] st = slots.get(name);
        if (st == null) {
            return;
        }
        String n = EmergencyGrant.requireName(name);
        InterfaceNames.require(tunDevice);
        Slots[] now = st.clone();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            Slots s = st[i];
            if (s == null || !s.olderHolds()) {
                continue;
            }
            String d = DIRECTIONS.get(i);
            b.append("add chain ").append(T).append(' ').append(chain(d, n)).append('\n');
            b.append("flush chain ").append(T).append(' ').append(chain(d, n)).append('\n');
            rules(b, d, n, s.slot(), -1);
            b.append("delete limit ").append(T).append(' ').append(limit(d, 1 - s.slot(), n)).append('\n');
            now[i] = new Slots(s.quota(), s.slot(), false);
        }
        if (!b.isEmpty()) {
            runner.check(List.of("nft", "-f", "-"), b.toString(), timeout);
            slots.put(name, now);
        }
    }

    /** The skeleton: table, maps and the base chain; idempotent (the base chain holds no state). */
    private static void skeleton(StringBuilder b) {
        b.append("add table ").append(T).append('\n');
        b.append("add map ").append(T).append(" borrowers { type ifname : verdict; }\n");
        b.append("add map ").append(T).append(" uploads { type ifname : verdict; }\n");
        b.append("add map ").append(T).append(" sealed_down { type ifname . ipv4_addr : verdict; }\n");
        b.append("add map ").append(T).append(" sealed_up { type ifname . ipv4_addr : verdict; }\n");
        b.append("add chain ").append(T).append(" forward { type filter hook forward priority filter - 1; policy accept; }\n");
        b.append("flush chain ").append(T).append(" forward\n");
        b.append("add rule ").append(T).append(" forward oifname vmap @borrowers\n");
        b.append("add rule ").append(T).append(" forward iifname vmap @uploads\n");
        b.append("add rule ").append(T).append(" forward ").append(SteerMarks.match("==", SteerMarks.HELPED))
                .append(" oifname . ip daddr vmap @sealed_down\n");
        b.append("add rule ").append(T).append(" forward iifname . ip saddr vmap @sealed_up\n");
    }

    /**
     * The rules of direction {@code d}'s chain of borrower {@code n} (flushed before): the limit of
     * {@code slot}, the one of {@code keep} (-1: none) beside it, the counter of what both passed.
     */
    private static void rules(StringBuilder b, String d, String n, int slot, int keep) {
        for (int s : keep < 0 ? new int[] {slot} : new int[] {slot, keep}) {
            b.append("add rule ").append(T).append(' ').append(chain(d, n)).append(" limit name \"").append(limit(d, s, n))
                    .append("\" counter name \"over_").append(d).append('_').append(n).append("\" drop\n");
        }
        b.append("add rule ").append(T).append(' ').append(chain(d, n)).append(" counter name \"carried_").append(d)
                .append('_').append(n).append("\"\n");
    }

    /** Replaces {@code map}'s element {@code key} by one jumping to {@code chain}, whatever it pointed to before. */
    private static void element(StringBuilder b, String map, String key, String chain) {
        b.append("add element ").append(T).append(' ').append(map).append(" { ").append(key).append(" : jump ")
                .append(chain).append(" }\n");
        b.append("delete element ").append(T).append(' ').append(map).append(" { ").append(key).append(" }\n");
        b.append("add element ").append(T).append(' ').append(map).append(" { ").append(key).append(" : jump ")
                .append(chain).append(" }\n");
    }

    private static String chain(String direction, String name) {
        return direction.charAt(0) == 'd' ? "b_" + name : "u_" + name;
    }

    /** The limit of {@code direction} in {@code slot}: {@code qd0_NAME}, {@code qu1_NAME}, ... */
    private static String limit(String direction, int slot, String name) {
        return "q" + direction.charAt(0) + slot + "_" + name;
    }

    /**
     * The per-packet variant's sealed forwarding for borrower {@code name} (applied before):
     * {@code on}, what {@code borrower} sends in on {@code peerDevice} and what the helper's NAT
     * sends back out of it to {@code borrower} charge the same limits as its per-session path;
     * off, they no longer do. Idempotent both ways.
     */
    public void sealed(String name, String peerDevice, java.net.Inet4Address borrower, boolean on) {
        String n = EmergencyGrant.requireName(name);
        InterfaceNames.require(peerDevice);
        String key = "\"" + peerDevice + "\" . " + borrower.getHostAddress();
        StringBuilder b = new StringBuilder();
        for (String d : DIRECTIONS) {
            if (on) {
                element(b, "sealed_" + d, key, chain(d, n));
            } else if (sealedKeys("sealed_" + d, chain(d, n)).contains(key)) {
                b.append("delete element ").append(T).append(" sealed_").append(d).append(" { ").append(key).append(" }\n");
            }
        }
        if (!b.isEmpty()) {
            runner.check(List.of("nft", "-f", "-"), b.toString(), timeout);
        }
    }

    /** Removes borrower {@code name} on {@code tunDevice}, its sealed entries too; nothing of it left is fine. */
    public void remove(String name, String tunDevice) {
        String n = EmergencyGrant.requireName(name);
        InterfaceNames.require(tunDevice);
        String tun = "\"" + tunDevice + "\"";
        StringBuilder b = new StringBuilder();
        skeleton(b);
        // whatever sealed entry still jumps to its chains goes first, or the chains could not
        for (String d : DIRECTIONS) {
            for (String key : sealedKeys("sealed_" + d, chain(d, n))) {
                b.append("delete element ").append(T).append(" sealed_").append(d).append(" { ").append(key).append(" }\n");
            }
        }
        for (String d : DIRECTIONS) {
            String map = d.equals("down") ? "borrowers" : "uploads";
            String chain = chain(d, n);
            b.append("add chain ").append(T).append(' ').append(chain).append('\n');
            b.append("add element ").append(T).append(' ').append(map).append(" { ").append(tun).append(" : jump ")
                    .append(chain).append(" }\n");
            b.append("delete element ").append(T).append(' ').append(map).append(" { ").append(tun).append(" }\n");
            b.append("flush chain ").append(T).append(' ').append(chain).append('\n');
            b.append("delete chain ").append(T).append(' ').append(chain).append('\n');
            for (int s = 0; s < 2; s++) {
                b.append("add limit ").append(T).append(' ').append(limit(d, s, n)).append(" { rate over 1 bytes/second; }\n");
                b.append("delete limit ").append(T).append(' ').append(limit(d, s, n)).append('\n');
            }
            for (String c : List.of("carried_", "over_")) {
                b.append("add counter ").append(T).append(' ').append(c).append(d).append('_').append(n).append('\n');
                b.append("delete counter ").append(T).append(' ').append(c).append(d).append('_').append(n).append('\n');
            }
        }
        runner.check(List.of("nft", "-f", "-"), b.toString(), timeout);
        slots.remove(name);
    }

    /** The keys of {@code map}'s elements that jump to {@code chain}; empty without the table. */
    private List<String> sealedKeys(String map, String chain) {
        List<String> argv = List.of("nft", "list", "map", FAMILY, TABLE, map);
        CommandResult r = runner.run(argv, null, timeout);
        if (!r.succeeded()) {
            if (Absent.matches(r)) {
                return List.of();
            }
            throw CommandRunner.failed(argv, r);
        }
        return keysJumpingTo(r.stdout(), chain);
    }

    /** From a listing of a sealed map: the keys of the elements that jump to {@code chain}. */
    static List<String> keysJumpingTo(String listing, String chain) {
        List<String> out = new ArrayList<>();
        Matcher m = SEALED.matcher(listing);
        while (m.find()) {
            if ((m.group(3) + "_" + m.group(4)).equals(chain)) {
                out.add("\"" + m.group(1) + "\" . " + m.group(2));
            }
        }
        return out;
    }

    /** Removes the table (stop, start after a kill -9). */
    public void removeAll() {
        slots.clear();
        runner.check(List.of("nft", "-f", "-"), "add table " + T + "\ndelete table " + T + "\n", timeout);
    }

    /** Per borrower, what its traffic did both ways; empty without the table. */
    public List<Counters> counters() {
        String listing = Absent.counters(runner, FAMILY, TABLE, timeout);
        return listing == null ? List.of() : parseCounters(listing);
    }

    /** Per borrower, the counters in {@code nft list counters} output; unknown lines are skipped. */
    static List<Counters> parseCounters(String listed) {
        java.util.Map<String, long[]> by = new java.util.TreeMap<>();
        Matcher m = COUNTER.matcher(listed);
        List<String> kinds = List.of("carried_down", "over_down", "carried_up", "over_up");
        while (m.find()) {
            long[] v = by.computeIfAbsent(m.group(2), k -> new long[4]);
            try {
                v[kinds.indexOf(m.group(1))] = Long.parseLong(m.group(4));
            } catch (NumberFormatException e) {
                // more than a long: not a counter of ours
            }
        }
        List<Counters> out = new ArrayList<>();
        by.forEach((k, v) -> out.add(new Counters(k, v[0], v[1], v[2], v[3])));
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
