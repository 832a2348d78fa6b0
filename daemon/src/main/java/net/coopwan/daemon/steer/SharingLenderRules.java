package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sharer's kernel quota per borrower, both directions, over every path the borrower uses
 * through it (seed 001 [0131]'s quota per window T, which the issue asks the sharer to enforce
 * too): ONE limit per direction per borrower, whichever path a packet takes, so a borrower that
 * uses the per-session path and the per-packet variant's sealed forwarding at once still gets at
 * most the offer in each direction, whoever misbehaves (docs/PROTOCOL.md 3.13).
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
 * per borrower NAME:
 *   limit qd_NAME, qu_NAME { rate over R bytes/second }   (R from {@link EmergencyQuota}: any window of T within the quota)
 *   counter carried_down_NAME, over_down_NAME, carried_up_NAME, over_up_NAME
 *   chain b_NAME: limit name "qd_NAME" counter name "over_down_NAME" drop; counter name "carried_down_NAME"
 *   chain u_NAME: limit name "qu_NAME" counter name "over_up_NAME" drop; counter name "carried_up_NAME"
 * </pre>
 * Priority {@code filter - 1}: before {@code coopwan_help}'s chain (priority filter), so what the
 * shared quota drops is never counted as carried there; the helper's per-path limits (each at
 * the same quota) stay as they are and can only drop less. A borrower's sealed packet that the
 * helper then refuses (not to an allowed concentrator) has spent its own quota: only a
 * misbehaving borrower loses by that. The sealed entries exist only while the sealed forwarding
 * carries ({@link #sealed}); an emergency of mode concentrator from the same neighbour replaces
 * that forwarding and its quota is the emergency's alone.
 *
 * <p>The connections a borrower has through this router now are counted in conntrack by their
 * source, the borrower's inner tunnel address ({@link #sessions}).
 *
 * <p>Over the limit is dropped, never queued: the borrowed TCP sessions slow down to the share, the
 * sharer's own users never wait behind them; the per-packet variant's bond moves the rest to its
 * own members (its own bucket, sized to the offer, normally keeps it under this one). A new quota
 * (the offer changed) replaces the limits, which start full again; offers change at most every few
 * seconds, so that costs one window's burst at most. Idempotent; absent objects are fine on
 * removal. Not thread-safe.
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

    private final CommandRunner runner;
    private final Duration timeout;

    public SharingLenderRules(CommandRunner runner) {
        this.runner = runner;
        this.timeout = CommandRunner.DEFAULT_TIMEOUT;
    }

    /** Holds what goes down {@code tunDevice} to borrower {@code name}, and what comes up it, to {@code quota} each. */
    public void apply(String name, String tunDevice, EmergencyQuota quota) {
        runner.check(List.of("nft", "-f", "-"), render(name, tunDevice, quota), timeout);
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

    /** Replaces {@code map}'s element {@code key} by one jumping to {@code chain}, whatever it pointed to before. */
    private static void element(StringBuilder b, String map, String key, String chain) {
        b.append("add element ").append(T).append(' ').append(map).append(" { ").append(key).append(" : jump ")
                .append(chain).append(" }\n");
        b.append("delete element ").append(T).append(' ').append(map).append(" { ").append(key).append(" }\n");
        b.append("add element ").append(T).append(' ').append(map).append(" { ").append(key).append(" : jump ")
                .append(chain).append(" }\n");
    }

    /** The transaction {@link #apply} runs; deterministic. */
    public static String render(String name, String tunDevice, EmergencyQuota quota) {
        String n = EmergencyGrant.requireName(name);
        InterfaceNames.require(tunDevice);
        String tun = "\"" + tunDevice + "\"";
        StringBuilder b = new StringBuilder();
        skeleton(b);
        for (String d : DIRECTIONS) {
            String chain = chain(d, n);
            String limit = "q" + d.charAt(0) + "_" + n;
            b.append("add counter ").append(T).append(" carried_").append(d).append('_').append(n).append('\n');
            b.append("add counter ").append(T).append(" over_").append(d).append('_').append(n).append('\n');
            b.append("add chain ").append(T).append(' ').append(chain).append('\n');
            b.append("flush chain ").append(T).append(' ').append(chain).append('\n');
            // the chain that used the limit is empty now: the limit can be replaced with the new rate
            b.append("add limit ").append(T).append(' ').append(limit).append(" { rate over 1 bytes/second; }\n");
            b.append("delete limit ").append(T).append(' ').append(limit).append('\n');
            b.append("add limit ").append(T).append(' ').append(limit).append(" { ").append(quota.nftSpec()).append("; }\n");
            b.append("add rule ").append(T).append(' ').append(chain).append(" limit name \"").append(limit)
                    .append("\" counter name \"over_").append(d).append('_').append(n).append("\" drop\n");
            b.append("add rule ").append(T).append(' ').append(chain).append(" counter name \"carried_").append(d)
                    .append('_').append(n).append("\"\n");
        }
        element(b, "borrowers", tun, chain("down", n));
        element(b, "uploads", tun, chain("up", n));
        return b.toString();
    }

    private static String chain(String direction, String name) {
        return direction.charAt(0) == 'd' ? "b_" + name : "u_" + name;
    }

    /**
     * The per-packet variant's sealed forwarding for borrower {@code name} (applied before):
     * {@code on}, what {@code borrower} sends in on {@code peerDevice} and what the helper's NAT
     * sends back out of it to {@code borrower} charge the same two limits as its per-session
     * path; off, they no longer do. Idempotent both ways.
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
            String limit = "q" + d.charAt(0) + "_" + n;
            b.append("add chain ").append(T).append(' ').append(chain).append('\n');
            b.append("add element ").append(T).append(' ').append(map).append(" { ").append(tun).append(" : jump ")
                    .append(chain).append(" }\n");
            b.append("delete element ").append(T).append(' ').append(map).append(" { ").append(tun).append(" }\n");
            b.append("flush chain ").append(T).append(' ').append(chain).append('\n');
            b.append("delete chain ").append(T).append(' ').append(chain).append('\n');
            b.append("add limit ").append(T).append(' ').append(limit).append(" { rate over 1 bytes/second; }\n");
            b.append("delete limit ").append(T).append(' ').append(limit).append('\n');
            for (String c : List.of("carried_", "over_")) {
                b.append("add counter ").append(T).append(' ').append(c).append(d).append('_').append(n).append('\n');
                b.append("delete counter ").append(T).append(' ').append(c).append(d).append('_').append(n).append('\n');
            }
        }
        runner.check(List.of("nft", "-f", "-"), b.toString(), timeout);
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
        runner.check(List.of("nft", "-f", "-"), "add table " + T + "\ndelete table " + T + "\n", timeout);
    }

    /** Per borrower, what its traffic did both ways; empty without the table. */
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
