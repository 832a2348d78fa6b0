package net.coopwan.daemon.coop.commonisp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

import net.coopwan.daemon.coop.channel.SealedMessages;
import net.coopwan.daemon.counters.EnumCounters;

/**
 * Common-ISP detection on the channel (kind COMMON_ISP; docs/PROTOCOL.md 3.15): traces this
 * router's route to each needed common target (its own, and for each neighbour the pair's: the
 * smaller of the two routers' targets, so both trace the same one), exchanges the routes with every
 * paired neighbour, and keeps a verdict per neighbour ({@link NeighbourIsp}) that duplication and
 * suppression read through {@link CommonIspGate}.
 *
 * <p>Called under the channel's lock (receive thread and its 50 ms timer); a trace takes seconds, so
 * it runs on {@code traces} (a thread of its own in the daemon) and only its result is taken in
 * under this object's lock, never the channel's.
 */
public final class CommonIspService implements SealedMessages, CommonIspGate {

    /** Resend of an unacknowledged report. */
    static final long RESEND_MS = 5_000;
    /** At most this many targets traced (own + one per neighbour); more neighbours wait for a slot. */
    static final int MAX_TARGETS = 8;
    /** Method 2: one RTT sample to each needed target this often; 60 of them are the last 10 minutes. */
    static final long SAMPLE_PERIOD_MS = 10_000;
    /** A report goes out again with the samples of the last minute. */
    static final int SAMPLES_PER_REPORT = 6;

    /**
     * @param gate      apply the verdicts (gate_on_isp); off: they are only shown
     * @param target    this router's common target, 0 none
     * @param refreshMs how often each needed route is traced again
     */
    public record Settings(boolean gate, int target, long refreshMs) {
        public Settings {
            if (refreshMs < 1000) {
                throw new IllegalArgumentException("refresh at least 1 s");
            }
        }

        /** A route older than three refreshes (two traces missed) no longer gates anything. */
        long staleMs() {
            return 3 * refreshMs;
        }
    }

    private final RouteTracer tracer;
    private final RttProbe probe;
    private final Map<Integer, java.util.ArrayDeque<RttCorrelation.Timed>> samples = new HashMap<>();
    private final Set<Integer> sampling = new HashSet<>();
    private final Map<Integer, Integer> newSamples = new HashMap<>();
    private long nextSampleMs = Long.MIN_VALUE / 2;
    private final Executor traces;
    private final Clock clock;
    private final Supplier<Set<String>> peers;
    private final Consumer<String> log;
    private final EnumCounters<CommonIspDrop> drops = new EnumCounters<>(CommonIspDrop.class);
    private final Map<String, NeighbourIsp> neighbours = new LinkedHashMap<>();
    private final Map<Integer, Measured> own = new HashMap<>();
    private final Set<Integer> tracing = new HashSet<>();
    /** Published verdicts: read by the data path without this object's lock. */
    private final Map<String, IspVerdict> verdicts = new ConcurrentHashMap<>();
    private final Settings settings;
    private long nextSequence;

    /**
     * @param peers the paired neighbours to exchange with (read each tick)
     * @param firstSequence a random start, so a restarted router's reports are not taken for acknowledged ones
     */
    public CommonIspService(Settings settings, RouteTracer tracer, Executor traces, Clock clock, Supplier<Set<String>> peers,
            long firstSequence, Consumer<String> log) {
        this(settings, tracer, RttProbe.NONE, traces, clock, peers, firstSequence, log);
    }

    /** @param probe method 2's RTT samples to the common target ({@link RttProbe#NONE}: none) */
    public CommonIspService(Settings settings, RouteTracer tracer, RttProbe probe, Executor traces, Clock clock,
            Supplier<Set<String>> peers, long firstSequence, Consumer<String> log) {
        this.settings = settings;
        this.tracer = tracer;
        this.probe = probe;
        this.traces = traces;
        this.clock = clock;
        this.peers = peers;
        this.nextSequence = Math.max(1, firstSequence & 0xffff_ffffL);
        this.log = log;
    }

    @Override
    public synchronized void onMessage(String peerId, ByteBuffer plaintext, long now, Sender sender) {
        CommonIspMessage m;
        try {
            m = CommonIspCodec.parse(plaintext);
        } catch (CommonIspFormatException e) {
            drops.count(CommonIspDrop.COMMON_ISP_MALFORMED);
            return;
        }
        long nowMs = clock.millis();
        // an entry per paired peer at most: the channel authenticated peerId
        NeighbourIsp n = neighbours.computeIfAbsent(peerId, NeighbourIsp::new);
        boolean fresh = n.onReport(m, nowMs);
        if (!fresh) {
            drops.count(CommonIspDrop.COMMON_ISP_REPEATED);
        }
        int pair = pairTarget(n);
        evaluate(peerId, n, pair, nowMs);
        Measured mine = own.get(pair);
        // answer a new report at once (our report carries its acknowledgement), and a resent one whose
        // sender does not hold our latest
        if (mine != null && (fresh || m.acked() != mine.sequence()) && n.replyAllowed(nowMs)) {
            send(peerId, n, mine, nowMs, sender, true);
        }
    }

    @Override
    public synchronized void tick(long now, Sender sender) {
        long nowMs = clock.millis();
        Settings s = settings;
        Set<String> paired = peers.get();
        neighbours.keySet().retainAll(paired);
        verdicts.keySet().retainAll(paired);
        Set<Integer> needed = new HashSet<>();
        if (s.target() != 0 && !paired.isEmpty()) {
            // no neighbour, nobody to compare with: no probe leaves the router
            needed.add(s.target());
        }
        for (String p : paired) {
            NeighbourIsp n = neighbours.computeIfAbsent(p, NeighbourIsp::new);
            int pair = pairTarget(n);
            if (pair != 0 && (needed.contains(pair) || needed.size() < MAX_TARGETS)) {
                needed.add(pair);
            }
        }
        own.keySet().retainAll(needed);
        samples.keySet().retainAll(needed);
        for (int t : needed) {
            Measured m = own.get(t);
            if (!tracing.contains(t) && (m == null || nowMs - m.atMs() >= s.refreshMs())) {
                startTrace(t);
            }
        }
        if (probe != RttProbe.NONE && nowMs - nextSampleMs >= 0) {
            nextSampleMs = nowMs + SAMPLE_PERIOD_MS;
            for (int t : needed) {
                if (!sampling.contains(t)) {
                    startSample(t);
                }
            }
        }
        for (String p : paired) {
            NeighbourIsp n = neighbours.get(p);
            int pair = pairTarget(n);
            evaluate(p, n, pair, nowMs);
            Measured mine = own.get(pair);
            if (n.due(mine, nowMs)) {
                send(p, n, mine, nowMs, sender, false);
            }
        }
    }

    /** The pair's target: the smaller (unsigned) of ours and the neighbour's last reported one. */
    int pairTarget(NeighbourIsp n) {
        int mine = settings.target();
        int theirs = n.peerTarget();
        if (mine == 0 || theirs == 0) {
            return mine == 0 ? theirs : mine;
        }
        return Integer.compareUnsigned(mine, theirs) <= 0 ? mine : theirs;
    }

    private static Inet4Address address(int target) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) (target >>> 24), (byte) (target >>> 16),
                    (byte) (target >>> 8), (byte) target});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes always make an address
        }
    }

    private void startSample(int target) {
        sampling.add(target);
        Inet4Address address = address(target);
        try {
            traces.execute(() -> {
                int rtt;
                try {
                    rtt = probe.rttMs(address);
                } catch (IOException | RuntimeException e) {
                    rtt = -1;
                }
                sampled(target, rtt);
            });
        } catch (RuntimeException e) {
            sampling.remove(target);
        }
    }

    /** An RTT sample ended (on the tracing thread); every {@link #SAMPLES_PER_REPORT} the report goes out again. */
    synchronized void sampled(int target, int rttMs) {
        sampling.remove(target);
        java.util.ArrayDeque<RttCorrelation.Timed> q = samples.computeIfAbsent(target, t -> new java.util.ArrayDeque<>());
        q.addLast(new RttCorrelation.Timed(clock.millis(), Math.min(rttMs, CommonIspMessage.Samples.LOST - 1)));
        while (q.size() > CommonIspMessage.Samples.MAX) {
            q.removeFirst();
        }
        int fresh = newSamples.merge(target, 1, Integer::sum);
        Measured m = own.get(target);
        if (fresh >= SAMPLES_PER_REPORT && m != null) {
            newSamples.put(target, 0);
            own.put(target, new Measured(target, m.route(), m.atMs(), takeSequence()));
            neighbours.values().forEach(NeighbourIsp::sendNow);
        }
    }

    private long takeSequence() {
        long seq = nextSequence;
        nextSequence = nextSequence == 0xffff_ffffL ? 1 : nextSequence + 1;
        return seq;
    }

    private void startTrace(int target) {
        tracing.add(target);
        Inet4Address address = address(target);
        try {
            traces.execute(() -> {
                Route r;
                try {
                    r = tracer.trace(address);
                } catch (IOException | RuntimeException e) {
                    line(null, "trace to " + address.getHostAddress() + " failed: " + e.getMessage());
                    r = Route.NONE;
                }
                traced(target, r);
            });
        } catch (RuntimeException e) {
            tracing.remove(target); // the executor is shut down: the daemon stops
        }
    }

    /** A trace ended (on the tracing thread): kept with a new report number. */
    synchronized void traced(int target, Route route) {
        tracing.remove(target);
        Measured before = own.get(target);
        own.put(target, new Measured(target, route, clock.millis(), takeSequence()));
        // a new measurement goes out at the next tick, not after a resend wait of an older one
        neighbours.values().forEach(NeighbourIsp::sendNow);
        if (before == null || !before.route().equals(route)) {
            line(null, "route to " + Hop.of(target) + ": " + route);
        }
    }

    private void evaluate(String peerId, NeighbourIsp n, int pair, long nowMs) {
        NeighbourIsp.Changed c = n.evaluate(own.get(pair), pair, nowMs, settings.staleMs());
        verdicts.put(peerId, n.verdict());
        if (c != null) {
            line(peerId, "verdict " + name(c.from()) + " -> " + name(c.to()) + ": " + c.why()
                    + (settings.gate() ? "" : " (gate_on_isp off: not applied)"));
        }
    }

    private void send(String peerId, NeighbourIsp n, Measured mine, long nowMs, Sender sender, boolean reply) {
        long age = Math.max(0, (nowMs - mine.atMs()) / 1000);
        CommonIspMessage m = new CommonIspMessage(mine.sequence(), n.acknowledgement(), mine.target(), age, mine.route(),
                samplesOf(mine.target(), nowMs));
        sender.send(peerId, CommonIspCodec.encode(m));
        n.sent(nowMs, RESEND_MS, reply);
    }

    /** Our samples to {@code target} as the wire carries them: evenly spaced, the newest's age. */
    private CommonIspMessage.Samples samplesOf(int target, long nowMs) {
        java.util.ArrayDeque<RttCorrelation.Timed> q = samples.get(target);
        if (q == null || q.isEmpty()) {
            return CommonIspMessage.Samples.NONE;
        }
        List<Integer> v = new ArrayList<>();
        for (RttCorrelation.Timed t : q) {
            v.add(t.rttMs() < 0 ? CommonIspMessage.Samples.LOST : t.rttMs());
        }
        return new CommonIspMessage.Samples((int) (SAMPLE_PERIOD_MS / 1000), Math.max(0, (nowMs - q.getLast().atMs()) / 1000), v);
    }

    @Override
    public IspVerdict verdict(String peerId) {
        return settings.gate() ? verdicts.getOrDefault(peerId, IspVerdict.UNKNOWN) : IspVerdict.UNKNOWN;
    }

    public Settings settings() {
        return settings;
    }

    /** Per neighbour, what both owners see. */
    public synchronized List<CommonIspStatus> status() {
        List<CommonIspStatus> out = new ArrayList<>();
        for (NeighbourIsp n : neighbours.values()) {
            java.util.ArrayDeque<RttCorrelation.Timed> q = samples.get(pairTarget(n));
            out.add(n.status(q == null ? List.of() : List.copyOf(q)));
        }
        return out;
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        drops.snapshot().forEach((k, v) -> m.put(k.name(), v));
        return m;
    }

    private static String name(IspVerdict v) {
        return v.name().toLowerCase(java.util.Locale.ROOT);
    }

    private void line(String peerId, String text) {
        try {
            log.accept("common-isp: " + (peerId == null ? "" : peerId + ": ") + text);
        } catch (RuntimeException e) {
            // the log is best effort
        }
    }
}
