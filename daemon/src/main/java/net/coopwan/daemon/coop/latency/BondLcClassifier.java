package net.coopwan.daemon.coop.latency;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import net.coopwan.config.Latency;
import net.coopwan.daemon.coop.duplication.LcClassifier;
import net.coopwan.daemon.coop.duplication.LcRoute;
import net.coopwan.daemon.coop.duplication.PathCopies;

/**
 * The router's {@link LcClassifier}: which inner packets leaving through the bond are
 * latency-critical, and over which members their copies go (docs/latency.md section 8).
 *
 * <p>A packet is LC when the same rules as the kernel's table say so, in the kernel's order: a
 * flow the ad hoc rule upgraded, an application type, a learned (address, port), DSCP
 * ({@link LatencyPolicy#classify}); the first packet's verdict holds for the flow until its idle
 * timeout (the kernel keeps it in the connection's mark the same way). The packets that reach
 * the bond's TUN because they are LC (steer.LatencyRouteRules) are LC here by the same rules;
 * ordinary bonded traffic is not.
 *
 * <p>Paths: every own member gets {@code dup_own_copies} copies; the members through the
 * neighbour get {@code dup_neighbour_copies} only while {@link #viaNeighbour} is on (an agreement
 * enables duplication and the channel is up), and never for an upgraded ad hoc session ([0236],
 * the notes' mapping: a copy via the neighbour changes the source address).
 *
 * <p>Threads: {@link #route} runs on the bond's sending thread only and owns the flow table;
 * the learned pairs, upgraded flows and the neighbour switch are published by the latency reader
 * as immutable values; the counters are written by the sender alone and read by anyone.
 */
public final class BondLcClassifier implements LcClassifier {

    /** Flows followed at once: as many as the data path numbers packets for. */
    public static final int MAX_FLOWS = 1024;

    /**
     * @param own       member link indexes of the router's own uplinks
     * @param neighbour member link indexes of the path through the neighbour
     */
    public record Members(List<Integer> own, List<Integer> neighbour) {
        public Members {
            own = List.copyOf(own);
            neighbour = List.copyOf(neighbour);
        }
    }

    /**
     * What the sender read since the start: LC packets, sessions started, packets of upgraded ad
     * hoc sessions kept off the neighbour, packets kept off it by the agreement's rate, flows followed.
     */
    public record Counters(long packets, long sessions, long withheldFromNeighbour, long overNeighbourCap, int followed) {
    }

    /** Wire bytes of one copy beyond the inner packet: LC_COPY 16 + tunnel 44 + IPv4/UDP 28 (PROTOCOL 4.7). */
    public static final int COPY_OVERHEAD = 88;

    /** Gaps a session without a known interval is measured over before its tau follows them. */
    public static final int MEASURED_AFTER = 8;

    private static final class Followed {
        final int id;
        final Classification classification;
        /** Whether tau comes from the session's own gaps (no configured tau, no application type). */
        final boolean measured;
        long tauNanos;
        long lastNanos;
        int gaps;
        long gapSum;
        LcRoute withNeighbour;
        LcRoute ownOnly;

        Followed(int id, Classification classification, long tauNanos, boolean measured, long nowNanos) {
            this.id = id;
            this.classification = classification;
            this.tauNanos = tauNanos;
            this.measured = measured;
            this.lastNanos = nowNanos;
        }

        /**
         * One more gap; after {@link #MEASURED_AFTER} of them a measured session's tau becomes
         * their mean (clamped to 1 ms-1 s, the app types' range), once: the copies of a packet
         * should not spread wider than the gap to the next one ([0289]).
         */
        void gap(long nanos) {
            if (!measured || gaps >= MEASURED_AFTER) {
                return;
            }
            gapSum += nanos;
            if (++gaps == MEASURED_AFTER) {
                tauNanos = Math.max(1_000_000L, Math.min(1_000_000_000L, gapSum / MEASURED_AFTER));
                withNeighbour = null;
                ownOnly = null;
            }
        }
    }

    private final LatencyPolicy policy;
    private final Members members;
    private final Latency.Duplication settings;
    private final Consumer<String> log;
    // the sender thread's
    private final Map<Flow, Followed> flows = new LinkedHashMap<>(64, 0.75f, true);
    private final java.util.function.IntSupplier ids;
    // published by the reader thread
    private volatile Set<Flow.Destination> learned = Set.of();
    private volatile Set<Flow> upgraded = Set.of();
    private volatile boolean viaNeighbour;
    /** The agreement's {@code bandwidth_kbps} for the copies through the neighbour, 0 none. */
    private volatile long neighbourKbps;
    // the sender thread's: the bucket of neighbourKbps, made again when it changes
    private net.coopwan.daemon.schedule.TokenBucket neighbourBucket;
    private long bucketKbps;
    // written by the sender thread only
    private volatile long packets;
    private volatile long sessions;
    private volatile long withheld;
    private volatile long overCap;
    private volatile int followed;

    /** With session ids from 1 up: for a classifier that is the first and only one of its tunnel (tests). */
    public BondLcClassifier(LatencyPolicy policy, Members members, Consumer<String> log) {
        this(policy, members, new java.util.concurrent.atomic.AtomicInteger(1)::getAndIncrement, log);
    }

    /**
     * @param ids the LC session ids, never one twice within a tunnel session: the far end's
     *            windows outlive this classifier when duplication is turned off and on again, so the
     *            ids come from the bond ({@code BondDataPath.nextLcSessionId})
     */
    public BondLcClassifier(LatencyPolicy policy, Members members, java.util.function.IntSupplier ids,
            Consumer<String> log) {
        this.ids = ids;
        this.policy = policy;
        this.members = members;
        this.settings = policy.config().duplication();
        this.log = log;
    }

    /** The learned (address, port) pairs as of now (the reader's copy of {@link LearnedDestinations}). */
    public void learned(Set<Flow.Destination> now) {
        learned = Set.copyOf(now);
    }

    /** Flows the ad hoc rule upgraded and that may still run (from {@link AdHocWatch#tick}). */
    public void upgraded(Set<Flow> now) {
        upgraded = Set.copyOf(now);
    }

    /** Whether the members through the neighbour may carry copies (agreement and channel). */
    public void viaNeighbour(boolean on) {
        viaNeighbour = on;
    }

    public boolean viaNeighbour() {
        return viaNeighbour;
    }

    /**
     * The duplication agreement's rate ({@code bandwidth_kbps}, [0115]) for the copies through the
     * neighbour; 0: no cap. A packet whose neighbour copies the rate cannot take goes over the own
     * members only (counted), so the neighbour's line never carries more than it approved.
     */
    public void neighbourKbps(long kbps) {
        neighbourKbps = Math.max(0, kbps);
    }

    public Counters counters() {
        return new Counters(packets, sessions, withheld, overCap, followed);
    }

    @Override
    public LcRoute route(ByteBuffer packet, int at, int length, long nowNanos) {
        Flow f = flowOf(packet, at, length);
        if (f == null) {
            return null;
        }
        Followed s = flows.get(f);
        if (s == null || nowNanos - s.lastNanos > s.classification.idleTimeout().toNanos()) {
            s = start(f, dscpOf(packet, at), nowNanos);
            if (s == null) {
                return null;
            }
        }
        if (nowNanos != s.lastNanos) {
            s.gap(nowNanos - s.lastNanos);
        }
        s.lastNanos = nowNanos;
        packets++;
        boolean neighbour = viaNeighbour && !members.neighbour().isEmpty() && settings.neighbourCopies() > 0;
        if (neighbour && s.classification.upgradedAdHoc()) {
            withheld++;
            neighbour = false;
        }
        if (neighbour && !withinNeighbourRate(settings.neighbourCopies() * members.neighbour().size()
                * (length + COPY_OVERHEAD), nowNanos)) {
            overCap++;
            neighbour = false;
        }
        if (neighbour) {
            if (s.withNeighbour == null) {
                s.withNeighbour = route(s, true);
            }
            return s.withNeighbour;
        }
        if (s.ownOnly == null) {
            s.ownOnly = route(s, false);
        }
        return s.ownOnly;
    }

    private boolean withinNeighbourRate(int bytes, long nowNanos) {
        long kbps = neighbourKbps;
        if (kbps == 0) {
            return true;
        }
        if (neighbourBucket == null || kbps != bucketKbps) {
            long rate = kbps * 125;
            neighbourBucket = new net.coopwan.daemon.schedule.TokenBucket(rate,
                    net.coopwan.daemon.schedule.TokenBucket.depthFor(rate), nowNanos);
            bucketKbps = kbps;
        }
        return neighbourBucket.tryTake(bytes, nowNanos);
    }

    private Followed start(Flow f, int dscp, long nowNanos) {
        Classification c;
        if (upgraded.contains(f)) {
            c = policy.adHoc(); // before learned, as in the kernel: its pair was learned at the upgrade
        } else {
            Set<Flow.Destination> l = learned;
            Optional<Classification> o = policy.classify(f, dscp, l::contains);
            if (o.isEmpty()) {
                flows.remove(f);
                return null;
            }
            c = o.get();
        }
        if (flows.size() >= MAX_FLOWS) {
            flows.remove(flows.keySet().iterator().next()); // the least recently seen
        }
        boolean measured = settings.tauMs() == 0 && c.origin() != Origin.APP;
        Followed s = new Followed(ids.getAsInt(), c, tauNanos(c), measured, nowNanos);
        flows.put(f, s);
        sessions++;
        followed = flows.size();
        log.accept("lc duplication: session " + Integer.toUnsignedString(s.id) + " " + f + " (" + c.origin().name()
                .toLowerCase(java.util.Locale.ROOT) + " " + c.app() + "): " + settings.ownCopies() + " copies per own member"
                + (c.upgradedAdHoc() ? ", never via the neighbour (upgraded ad hoc)" : ", " + settings.neighbourCopies()
                        + " via the neighbour while allowed"));
        return s;
    }

    private LcRoute route(Followed s, boolean neighbour) {
        List<PathCopies> paths = new ArrayList<>();
        for (int i : members.own()) {
            paths.add(new PathCopies(i, settings.ownCopies()));
        }
        if (neighbour) {
            for (int i : members.neighbour()) {
                paths.add(new PathCopies(i, settings.neighbourCopies()));
            }
        }
        return new LcRoute(s.id, s.tauNanos, paths, settings.raic5());
    }

    /**
     * tau: the configured one, else the application type's interval, else the seed's 20 ms until
     * the session's own gaps are measured ({@link #MEASURED_AFTER}).
     */
    private long tauNanos(Classification c) {
        int ms = settings.tauMs();
        if (ms == 0 && c.origin() == Origin.APP) {
            ms = policy.config().apps().stream().filter(a -> a.name().equals(c.app())).findFirst()
                    .map(Latency.App::expectedIntervalMs).orElse(Latency.Duplication.DEFAULT_TAU_MS);
        }
        return Duration.ofMillis(ms == 0 ? Latency.Duplication.DEFAULT_TAU_MS : ms).toNanos();
    }

    /**
     * The flow of an IPv4 UDP or TCP packet with its ports (a first or only fragment), else null.
     * Any bytes are safe: a short or odd packet is simply not LC.
     */
    static Flow flowOf(ByteBuffer b, int at, int length) {
        if (length < 20 || at < 0 || at + length > b.limit() || (b.get(at) & 0xf0) != 0x40) {
            return null;
        }
        int ihl = (b.get(at) & 0x0f) * 4;
        int proto = b.get(at + 9) & 0xff;
        int fragOffset = b.getShort(at + 6) & 0x1fff;
        if (ihl < 20 || length < ihl + 4 || fragOffset != 0 || (proto != 6 && proto != 17)) {
            return null;
        }
        int sport = b.getShort(at + ihl) & 0xffff;
        int dport = b.getShort(at + ihl + 2) & 0xffff;
        if (sport == 0 || dport == 0) {
            return null;
        }
        return new Flow(proto == 6 ? Latency.Protocol.TCP : Latency.Protocol.UDP, b.getInt(at + 12), sport,
                b.getInt(at + 16), dport);
    }

    private static int dscpOf(ByteBuffer b, int at) {
        return (b.get(at + 1) & 0xff) >>> 2;
    }
}
