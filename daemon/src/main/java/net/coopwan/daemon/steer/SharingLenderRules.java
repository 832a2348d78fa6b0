package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
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
 * map sealed_down { type ifname . ipv4_addr : verdict }  "peer" . 100.64.79.1 : jump sb_NAME (down, per packet)
 * map sealed_up   { type ifname . ipv4_addr : verdict }  "peer" . 100.64.79.1 : jump su_NAME (up, per packet)
 * chain forward (filter hook forward, priority filter - 1):
 *   oifname vmap @borrowers
 *   iifname vmap @uploads
 *   ct mark HELPED, oifname . ip daddr vmap @sealed_down   (what the helper's NAT carries back, nothing else)
 *   iifname . ip saddr vmap @sealed_up
 * per borrower NAME, per direction (d: down, chain b_NAME; u: up, chain u_NAME):
 *   quota qd_NAME, qu_NAME { over L bytes }   (L moved by {@link #refresh}: {@link SlidingWindowQuota})
 *   quota sqd_NAME, squ_NAME { over S bytes } (S moved by {@link #refresh}: {@link HeavyFirstShedding})
 *   set hd_NAME, hu_NAME                      (a meter per session, at the protected rate R)
 *   counter seen_down_NAME, carried_down_NAME, over_down_NAME, heavy_down_NAME, shed_down_NAME, and the same _up_
 *   chain b_NAME: update @hd_NAME { ip daddr . meta l4proto . th dport limit rate over R bytes/second burst B bytes }
 *                     counter name "heavy_down_NAME" quota name "sqd_NAME" counter name "shed_down_NAME" drop
 *                 counter name "seen_down_NAME" quota name "qd_NAME" counter name "over_down_NAME" drop
 *                 counter name "carried_down_NAME"
 *   chain u_NAME: the same with ip saddr . th sport, hu_NAME, squ_NAME, qu_NAME and the _up_ counters
 *   chain sb_NAME, su_NAME: the last two rules of b_NAME, u_NAME only (the sealed forwarding: no meter)
 * </pre>
 * The first rule makes the heaviest sessions lose first when the quota binds
 * ({@link HeavyFirstShedding}): a borrower's small sessions beside its downloads keep their packets.
 * Priority {@code filter - 1}: before {@code coopwan_help}'s chain (priority filter), so what the
 * shared quota drops is never counted as carried there; the helper's per-path limits (each at
 * the upload's quota, on uploads only) stay as they are and can only drop less. A borrower's
 * sealed packet that the helper then refuses (not to an allowed concentrator) has spent its own
 * quota: only a misbehaving borrower loses by that. The sealed entries exist only while the sealed
 * forwarding carries ({@link #sealed}); an emergency of mode concentrator from the same neighbour
 * replaces that forwarding and its quota is the emergency's alone. They jump to the same chains,
 * so whatever a chain holds holds for both paths.
 *
 * <p><b>The quota is the seed's sliding window</b>, not a token bucket: the daemon moves each quota
 * object's bound every tick ({@link #refresh}, the caller's: {@link SlidingWindowQuota#tickMs}) so that no window of T
 * carries more than the offer's bytes ({@link SlidingWindowQuota} says why that holds whatever the
 * ticks do). A kernel token bucket (nft {@code limit}) cannot be shallower than a second of rate,
 * so it sustained only {@code 0.99 T / (1 + T)} of the offer: half of it for T = 1 s (the sharing
 * benchmark's T = 1 s gain stayed under a fifth of the offer). Paced and behind the tunnel's queue
 * ({@link #shape}), this one sustains {@code 0.99 T / (T + 2 ticks)}, 90 %. The objects live in the kernel: a daemon that stops ticking leaves bounds that are
 * used up and then drop everything of the borrower (fails closed), until stop or a restart removes
 * the table. The quota object's consumption is what the {@code seen} counter before it counts
 * (every packet it judged; nft lists a quota's consumption capped at its bound, so the listing
 * cannot say how far past it the dropped packets went). A new quota (the offer changed) is a new threshold of the same object: a fall binds at
 * once, a rise after a window; nothing is re-created, so no bucket starts full.
 *
 * <p>The connections a borrower has through this router now are counted in conntrack by their
 * source, the borrower's inner tunnel address ({@link #sessions}).
 *
 * <p>Over the quota is dropped, never queued: the borrowed TCP sessions slow down to the share, the
 * sharer's own users never wait behind them; the per-packet variant's bond moves the rest to its
 * own members (its own bucket, sized to what this quota sustains, normally keeps it under this
 * one). Idempotent; absent objects are fine on removal. Not thread-safe: the caller serialises
 * {@link #apply}, {@link #refresh} and the rest.
 */
public final class SharingLenderRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan_lend";
    private static final String T = FAMILY + " " + TABLE;
    private static final Pattern COUNTER = Pattern.compile(
            "counter (carried_down|over_down|shed_down|carried_up|over_up|shed_up)_([a-z0-9][a-z0-9_]{0,23}) \\{\\s*packets ([0-9]+) bytes ([0-9]+)");
    /** An element of a sealed map as nft lists it: {@code "peer0" . 100.64.79.1 : jump sb_r4795}. */
    private static final Pattern SEALED = Pattern.compile(
            "\"([^\"]+)\" \\. ([0-9.]+) : jump (s?[bu])_([a-z0-9][a-z0-9_]{0,23})");
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

    /** One borrower's two directions' sliding windows and the bounds last written, down then up. */
    private static final class Borrower {
        final SlidingWindowQuota[] windows = new SlidingWindowQuota[2];
        final long[] written = new long[2];
        /** The shedding quotas' bounds last written and their state, down then up ({@link HeavyFirstShedding}). */
        final HeavyFirstShedding[] shedding = {new HeavyFirstShedding(), new HeavyFirstShedding()};
        final long[] shedWritten = new long[2];
        /** The sessions' protected rate in the rules now, bytes per second, down then up. */
        final long[] protectedRate = new long[2];
        /** When its objects were removed (a retired borrower's windows go on if it comes back within them). */
        long removedNanos;
    }

    /** How long a reading of the objects may take before it counts as failed (and nft is restarted). */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    /** A counter object in nft's JSON: {@code {"counter": {"family": ..., "name": ..., "bytes": ...}}}. */
    private static final Pattern JSON_COUNTER = Pattern.compile("\\{\"counter\": \\{([^{}]*)\\}\\}");
    private static final Pattern JSON_NAME = Pattern.compile("\"name\": \"([^\"]*)\"");
    private static final Pattern JSON_BYTES = Pattern.compile("\"bytes\": ([0-9]{1,18})");

    private final CommandRunner runner;
    private final NftSession session;
    private final LongSupplier nanos;
    private final Duration timeout;
    /**
     * The tbf bucket of each tunnel device, which never shrinks while the device lives: tbf takes a
     * packet of many segments (GSO, as the sharer's ISP link hands them over) whole when it fits
     * its bucket, and a new, smaller bucket leaves such a packet at the head of the queue, larger
     * than any bucket can ever hold: the queue sends nothing again until the bucket grows (the
     * sharing benchmark: the offer fell to the drain, the bucket from 5625 to 3000 B, and the
     * tunnel sent nothing for 60 s with 121 kB queued; every moved session stalled or timed out).
     */
    private final Map<String, Long> bursts = new HashMap<>();
    /** Per borrower name (in the kernel's spelling). */
    private final Map<String, Borrower> borrowers = new HashMap<>();
    /** Borrowers removed less than a window ago, whose windows a new path of theirs continues. */
    private final Map<String, Borrower> retired = new HashMap<>();

    /**
     * @param runner  for the changes of structure ({@code nft -f -})
     * @param session for the readings and bounds of {@link #refresh}, many times a second
     * @param nanos   the daemon's monotonic clock
     */
    public SharingLenderRules(CommandRunner runner, NftSession session, LongSupplier nanos) {
        this.runner = runner;
        this.session = session;
        this.nanos = nanos;
        this.timeout = CommandRunner.DEFAULT_TIMEOUT;
    }

    /** Holds what goes down {@code tunDevice} to borrower {@code name}, and what comes up it, to {@code quota} each. */
    public void apply(String name, String tunDevice, EmergencyQuota quota) {
        apply(name, tunDevice, quota, quota);
    }

    /**
     * Holds what goes down {@code tunDevice} to borrower {@code name} to {@code down}, and what comes
     * up it to {@code up}: a borrower new here gets its chains, counters and quota objects (at
     * zero); one already here gets the new thresholds (a fall binds at once, a rise after a
     * window) and its objects keep their counts. The window is the grant's, fixed for the path.
     */
    public void apply(String name, String tunDevice, EmergencyQuota down, EmergencyQuota up) {
        String n = EmergencyGrant.requireName(name);
        InterfaceNames.require(tunDevice);
        String tun = "\"" + tunDevice + "\"";
        Borrower known = borrowers.get(n);
        if (known != null) {
            EmergencyQuota[] q = {down, up};
            for (int i = 0; i < 2; i++) {
                if (q[i].windowMs() != known.windows[i].windowMs()) {
                    throw new IllegalArgumentException("the window of " + n + "'s quota is " + known.windows[i].windowMs()
                            + " ms for the life of its path, not " + q[i].windowMs());
                }
            }
            // a reading just before the change: a new threshold binds from the last reading on (what
            // passed between that reading and the change counts against it too)
            refreshQuietly();
            long now = nanos.getAsLong();
            known.windows[0].threshold(threshold(down), now);
            known.windows[1].threshold(threshold(up), now);
            StringBuilder b = new StringBuilder();
            skeleton(b);
            for (int i = 0; i < 2; i++) {
                long rate = HeavyFirstShedding.protectedBytesPerSecond(threshold(q[i]), q[i].windowMs());
                if (rate != known.protectedRate[i]) {
                    // the meters of the sessions there were set at the old rate: they start again at the new one
                    rules(b, DIRECTIONS.get(i), n, rate);
                    b.append("flush set ").append(T).append(' ').append(heavySet(DIRECTIONS.get(i), n)).append('\n');
                    known.protectedRate[i] = rate;
                }
            }
            element(b, "borrowers", tun, chain("down", n));
            element(b, "uploads", tun, chain("up", n));
            runner.check(List.of("nft", "-f", "-"), b.toString(), timeout);
            shape(tunDevice, down);
            refreshQuietly();
            return;
        }
        // before the objects exist nothing has passed: this moment is a base for every later window,
        // unless this borrower had a path less than a window ago: then its windows go on
        long created = nanos.getAsLong();
        Borrower fresh = continued(n, down, up, created);
        boolean again = fresh != null;
        if (!again) {
            fresh = new Borrower();
            fresh.windows[0] = new SlidingWindowQuota(threshold(down), down.windowMs(), created);
            fresh.windows[1] = new SlidingWindowQuota(threshold(up), up.windowMs(), created);
        }
        StringBuilder b = new StringBuilder();
        skeleton(b);
        EmergencyQuota[] q = {down, up};
        for (int i = 0; i < 2; i++) {
            String d = DIRECTIONS.get(i);
            fresh.written[i] = again ? fresh.windows[i].reopened(created) : fresh.windows[i].initialBound();
            fresh.shedWritten[i] = Math.max(0, fresh.written[i] - HeavyFirstShedding.NEW_SESSION_PACKETS * EmergencyQuota.MTU);
            fresh.shedding[i] = new HeavyFirstShedding();
            fresh.protectedRate[i] = HeavyFirstShedding.protectedBytesPerSecond(threshold(q[i]), q[i].windowMs());
            // each object anew at zero: nothing of an earlier life may count in this one's windows. In
            // this order: the kernel dumps objects in their order of creation, and refresh needs each
            // direction's seen read before its carried (SlidingWindowQuota)
            for (String c : COUNTERS) {
                fresh(b, "counter", c + d + "_" + n, "");
            }
            fresh(b, "quota", quota(d, n), " { over " + fresh.written[i] + " bytes; }");
            fresh(b, "quota", shedQuota(d, n), " { over " + fresh.shedWritten[i] + " bytes; }");
            fresh(b, "set", heavySet(d, n), HEAVY_SET_SPEC);
            rules(b, d, n, fresh.protectedRate[i]);
        }
        element(b, "borrowers", tun, chain("down", n));
        element(b, "uploads", tun, chain("up", n));
        runner.check(List.of("nft", "-f", "-"), b.toString(), timeout);
        borrowers.put(n, fresh);
        shape(tunDevice, down);
    }

    /** The counters of one direction, in the order they are created (seen before carried: refresh reads them so). */
    private static final List<String> COUNTERS = List.of("seen_", "carried_", "over_", "heavy_", "shed_");
    /**
     * A direction's meters: one per session (address, protocol, port), forgotten 5 s after its last
     * packet, at most 4096 (a session beyond them is not metered: it is judged by the hard quota only).
     */
    private static final String HEAVY_SET_SPEC =
            " { type ipv4_addr . inet_proto . inet_service; flags dynamic,timeout; timeout 5s; size 4096; }";

    /**
     * The rules of direction {@code d}'s chain, anew: what a session sends beyond {@code protectedRate}
     * meets the shedding quota first ({@link HeavyFirstShedding}); everything meets the quota of the
     * window; what passes is counted. The session is the borrower's end: its address and port (down:
     * the destination, up: the source), which the borrower's masquerade makes one per session.
     */
    private static void rules(StringBuilder b, String d, String n, long protectedRate) {
        String c = chain(d, n);
        String key = d.equals("down") ? "ip daddr . meta l4proto . th dport" : "ip saddr . meta l4proto . th sport";
        b.append("add chain ").append(T).append(' ').append(c).append('\n');
        b.append("flush chain ").append(T).append(' ').append(c).append('\n');
        b.append("add rule ").append(T).append(' ').append(c).append(" update @").append(heavySet(d, n)).append(" { ")
                .append(key).append(" limit rate over ").append(protectedRate).append(" bytes/second burst ")
                .append(HeavyFirstShedding.protectedBurstBytes(protectedRate)).append(" bytes } counter name \"heavy_")
                .append(d).append('_').append(n).append("\" quota name \"").append(shedQuota(d, n))
                .append("\" counter name \"shed_").append(d).append('_').append(n).append("\" drop\n");
        windowRules(b, c, d, n);
        // the per-packet variant's sealed forwarding: one flow, the bond's member, which the bond's own
        // bucket already holds to what the window sustains (docs/PROTOCOL.md 3.13); as one "session" it
        // would always be heavy and be shed before the window (SharingPerPacketLabIT lost 77 of 10 000)
        String sealed = sealedChain(d, n);
        b.append("add chain ").append(T).append(' ').append(sealed).append('\n');
        b.append("flush chain ").append(T).append(' ').append(sealed).append('\n');
        windowRules(b, sealed, d, n);
    }

    /** Into chain {@code c}: the window's quota for direction {@code d} of borrower {@code n}, and what passes counted. */
    private static void windowRules(StringBuilder b, String c, String d, String n) {
        b.append("add rule ").append(T).append(' ').append(c).append(" counter name \"seen_").append(d)
                .append('_').append(n).append("\" quota name \"").append(quota(d, n)).append("\" counter name \"over_")
                .append(d).append('_').append(n).append("\" drop\n");
        b.append("add rule ").append(T).append(' ').append(c).append(" counter name \"carried_").append(d)
                .append('_').append(n).append("\"\n");
    }

    /** The chain the sealed forwarding of direction {@code d} jumps to: {@code sb_NAME}, {@code su_NAME}. */
    private static String sealedChain(String d, String n) {
        return "s" + chain(d, n);
    }

    /**
     * The windows of borrower {@code n}'s last path when it was removed less than a window ago and
     * its windows are the same, with the new thresholds; null for a fresh start. Retired borrowers
     * older than their window are forgotten here.
     */
    private Borrower continued(String n, EmergencyQuota down, EmergencyQuota up, long now) {
        retired.values().removeIf(r -> now - r.removedNanos >= Math.max(r.windows[0].windowMs(),
                r.windows[1].windowMs()) * 1_000_000L);
        Borrower last = retired.remove(n);
        if (last == null || last.windows[0].windowMs() != down.windowMs() || last.windows[1].windowMs() != up.windowMs()) {
            return null;
        }
        last.windows[0].threshold(threshold(down), now);
        last.windows[1].threshold(threshold(up), now);
        return last;
    }

    /**
     * Queues what goes down {@code tunDevice} at the rate its quota sustains for {@code down}
     * ({@link SlidingWindowQuota#shapedBytesPerSecond}, 5 % under the pacing bucket's): a tbf as
     * the device's root qdisc, its queue {@link #queueBytes}. The quota alone only drops, and TCP over
     * a dropping limiter does not fill it: sessions in slow start lose their retransmissions too and
     * back off for seconds (the sharing benchmark saw moved sessions read nothing for 5 s). Behind a
     * queue at the rate the quota sustains, the sessions' own congestion control finds that rate and
     * the quota, which judges them before the queue, rarely has to drop. What the borrower receives
     * is what the quota passed, up to {@link #queueNanos} later. The upload comes in on the device
     * (ingress) and stays policed only.
     */
    private void shape(String tunDevice, EmergencyQuota down) {
        long bytesPerSecond = SlidingWindowQuota.shapedBytesPerSecond(threshold(down), down.windowMs());
        long burst = Math.max(bursts.getOrDefault(tunDevice, 0L), Math.max(2 * EmergencyQuota.MTU, bytesPerSecond / 100));
        bursts.put(tunDevice, burst);
        runner.check(List.of("tc", "qdisc", "replace", "dev", tunDevice, "root", "tbf", "rate", bytesPerSecond * 8 + "bit",
                "burst", String.valueOf(burst), "limit", String.valueOf(queueBytes(down))), null, timeout);
    }

    /**
     * The tunnel's queue for {@code down}: 100 ms of its rate, at least 20 full packets. A queue of
     * 30 ms or 10 packets brought the stalls back (2 to 5 of 50-odd sessions a load read nothing
     * for 5 s in the benchmark, none with 100 ms); not under 20 packets, so that sessions held to the
     * floor quota while the sharer's users take its line back still get their turn (with one packet
     * of queue the benchmark's trickling sessions timed out).
     */
    public static long queueBytes(EmergencyQuota down) {
        return Math.max(20 * EmergencyQuota.MTU, SlidingWindowQuota.shapedBytesPerSecond(threshold(down), down.windowMs()) / 10);
    }

    /** The longest a packet waits in the tunnel's queue for {@code down}, in ns. */
    public static long queueNanos(EmergencyQuota down) {
        return queueBytes(down) * 1_000_000_000L / SlidingWindowQuota.shapedBytesPerSecond(threshold(down), down.windowMs());
    }

    /**
     * The kernel's threshold for a quota: 99 % of it. The kernel holds its own count exactly; the
     * margin is for whoever counts on the wire (a window judged by timestamps taken before a queue,
     * a packet counted once by the hook and as segments after it), so that they never see more
     * than the offer either.
     */
    static long threshold(EmergencyQuota q) {
        return q.quotaBytes() * 99 / 100;
    }

    /** Creates {@code kind} {@code object} anew (deleting one of that name first), with {@code spec}. */
    private static void fresh(StringBuilder b, String kind, String object, String spec) {
        b.append("add ").append(kind).append(' ').append(T).append(' ').append(object).append(spec).append('\n');
        b.append("delete ").append(kind).append(' ').append(T).append(' ').append(object).append('\n');
        b.append("add ").append(kind).append(' ').append(T).append(' ').append(object).append(spec).append('\n');
    }

    /**
     * One tick of the sliding windows: reads every {@code seen} counter (the quota objects'
     * consumption) and every {@code carried} counter, each after its seen (the order of the dump),
     * and moves the bounds that changed. Call it every {@link SlidingWindowQuota#tickMs} while a borrower
     * exists; throws when nft cannot be read (the bounds in force stay: the next tick tries again).
     */
    public void refresh() {
        if (borrowers.isEmpty()) {
            return;
        }
        long refusedBefore = session.refused();
        // one listing: the kernel dumps a table's objects in the order they were created, and apply
        // creates each direction's seen counter before its carried one, so each seen is read first
        Map<String, Long> counters = counterBytes(session.list("list counters table " + T, READ_TIMEOUT));
        long read = nanos.getAsLong();
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Borrower> e : borrowers.entrySet()) {
            String n = e.getKey();
            Borrower br = e.getValue();
            for (int i = 0; i < 2; i++) {
                String d = DIRECTIONS.get(i);
                Long consumed = counters.get("seen_" + d + "_" + n);
                Long carried = counters.get("carried_" + d + "_" + n);
                if (consumed == null || carried == null) {
                    continue;
                }
                long bound = br.windows[i].bound(consumed, carried, read, nanos.getAsLong());
                if (bound != br.written[i]) {
                    b.append("add quota ").append(T).append(' ').append(quota(d, n)).append(" { over ").append(bound)
                            .append(" bytes; }\n");
                    br.written[i] = bound;
                }
                Long heavy = counters.get("heavy_" + d + "_" + n);
                Long shed = counters.get("shed_" + d + "_" + n);
                if (heavy != null && shed != null) {
                    long shedBound = br.shedding[i].bound(heavy, shed, carried, br.windows[i].lastGranted(),
                            br.windows[i].lastDepth());
                    if (shedBound != br.shedWritten[i]) {
                        b.append("add quota ").append(T).append(' ').append(shedQuota(d, n)).append(" { over ")
                                .append(shedBound).append(" bytes; }\n");
                        br.shedWritten[i] = shedBound;
                    }
                }
            }
        }
        if (!b.isEmpty()) {
            session.send(b.toString());
        }
        if (session.refused() != refusedBefore) {
            // a bound nft refused is not in force: write every one again at the next tick
            borrowers.values().forEach(br -> {
                java.util.Arrays.fill(br.written, -1);
                java.util.Arrays.fill(br.shedWritten, -1);
            });
        }
    }

    /** {@link #refresh} where a failure only means the next tick moves the bounds. */
    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // the tick will
        }
    }

    /** From nft's JSON listing of counters, each counter's bytes by name; anything else is skipped. */
    static Map<String, Long> counterBytes(String json) {
        Map<String, Long> out = new HashMap<>();
        Matcher m = JSON_COUNTER.matcher(json);
        while (m.find()) {
            Matcher name = JSON_NAME.matcher(m.group(1));
            Matcher bytes = JSON_BYTES.matcher(m.group(1));
            if (name.find() && bytes.find()) {
                out.put(name.group(1), Long.parseLong(bytes.group(1)));
            }
        }
        return out;
    }

    /** The shortest window among the borrowers here (the tick follows it), or 0 when there is none. */
    public long shortestWindowMs() {
        long w = 0;
        for (Borrower br : borrowers.values()) {
            for (SlidingWindowQuota q : br.windows) {
                w = w == 0 ? q.windowMs() : Math.min(w, q.windowMs());
            }
        }
        return w;
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

    private static String chain(String direction, String name) {
        return direction.charAt(0) == 'd' ? "b_" + name : "u_" + name;
    }

    /** The quota object of {@code direction}: {@code qd_NAME}, {@code qu_NAME}. */
    private static String quota(String direction, String name) {
        return "q" + direction.charAt(0) + "_" + name;
    }

    /** The shedding quota of {@code direction}, which only heavy sessions meet: {@code sqd_NAME}, {@code squ_NAME}. */
    private static String shedQuota(String direction, String name) {
        return "sq" + direction.charAt(0) + "_" + name;
    }

    /** The meters of {@code direction}'s sessions: {@code hd_NAME}, {@code hu_NAME}. */
    private static String heavySet(String direction, String name) {
        return "h" + direction.charAt(0) + "_" + name;
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
                element(b, "sealed_" + d, key, sealedChain(d, n));
            } else if (sealedKeys("sealed_" + d, sealedChain(d, n)).contains(key)) {
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
            for (String key : sealedKeys("sealed_" + d, sealedChain(d, n))) {
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
            for (String c : List.of(chain, sealedChain(d, n))) {
                b.append("add chain ").append(T).append(' ').append(c).append('\n');
                b.append("flush chain ").append(T).append(' ').append(c).append('\n');
                b.append("delete chain ").append(T).append(' ').append(c).append('\n');
            }
            for (String qo : List.of(quota(d, n), shedQuota(d, n))) {
                b.append("add quota ").append(T).append(' ').append(qo).append(" { over 0 bytes; }\n");
                b.append("delete quota ").append(T).append(' ').append(qo).append('\n');
            }
            b.append("add set ").append(T).append(' ').append(heavySet(d, n)).append(HEAVY_SET_SPEC).append('\n');
            b.append("delete set ").append(T).append(' ').append(heavySet(d, n)).append('\n');
            for (String c : COUNTERS) {
                b.append("add counter ").append(T).append(' ').append(c).append(d).append('_').append(n).append('\n');
                b.append("delete counter ").append(T).append(' ').append(c).append(d).append('_').append(n).append('\n');
            }
        }
        runner.check(List.of("nft", "-f", "-"), b.toString(), timeout);
        bursts.remove(tunDevice); // the device goes with the path; a new one starts with a new tbf
        Borrower gone = borrowers.remove(n);
        if (gone != null) {
            gone.removedNanos = nanos.getAsLong();
            retired.put(n, gone);
        }
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
        borrowers.clear();
        bursts.clear();
        retired.clear();
        session.close();
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
        // what the shedding quota dropped is dropped over the quota too (the heavy sessions' share of it)
        List<String> kinds = List.of("carried_down", "over_down", "carried_up", "over_up");
        while (m.find()) {
            long[] v = by.computeIfAbsent(m.group(2), k -> new long[4]);
            try {
                v[kinds.indexOf(m.group(1).replace("shed_", "over_"))] += Long.parseLong(m.group(4));
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
