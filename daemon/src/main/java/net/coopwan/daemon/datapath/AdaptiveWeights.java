package net.coopwan.daemon.datapath;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.daemon.measure.BondWeights;
import net.coopwan.daemon.measure.InbandCapacity;
import net.coopwan.daemon.measure.MeasurementRound;
import net.coopwan.daemon.measure.SlopsSearch;
import net.coopwan.daemon.measure.SlopsStreamConfig;
import net.coopwan.daemon.measure.SlopsStreamPlan;
import net.coopwan.daemon.measure.StreamVerdict;
import net.coopwan.daemon.measure.WeightBoard;
import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.PacketType;
import net.coopwan.daemon.tunnel.TunnelHeader;

/**
 * Adaptive mode (seed 002 W1): measure each member link's available upstream bandwidth with
 * SLoPS streams through its tunnel, set the weights A_i / A_min in one step when every link is
 * measured, repeat every period. Runs on its own thread because a stream is paced (K packets T
 * apart) and its verdict is awaited; the data path is never blocked by it.
 *
 * <p>Links are measured one after another, not together: a router's CPU and (often) its LAN
 * side are shared by the links, and two streams at once would disturb each other's delays.
 *
 * <p>Between rounds, {@link InbandCapacity} refines the estimates from the bond's own traffic
 * (what the concentrator received on a loaded link while its queue never emptied); the timer
 * thread applies that every {@link #INBAND_UPDATE_NANOS}. All estimates are kept in bit/s on the
 * wire (IP and UDP headers included), the unit the links' rates are in.
 *
 * <p>A member down during a round keeps its last estimate, and a member that comes back with
 * an estimate of 0 gets its last one at the tick it is usable again (or its nominal rate, or an
 * equal share): its weight is back at once, not at the next round.
 */
final class AdaptiveWeights implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveWeights.class);
    /** Rmax when the uplink's nominal rate is not configured: 100 Mbit/s. */
    static final double UNKNOWN_RMAX_BPS = 100e6;
    static final long VERDICT_WAIT_NANOS = 500_000_000L;

    private record Verdict(int link, int stream, StreamVerdict verdict) {
    }

    private final BondDataPath path;
    private final BondDataPath.Settings settings;
    private final BondDataPath.Adaptive config;
    private final BlockingQueue<Verdict> verdicts = new ArrayBlockingQueue<>(64);
    private final Frame frame = new Frame();
    private final WeightBoard board;
    private volatile boolean running = true;
    private Thread thread;
    private int streamId;
    private final InbandCapacity inband;
    /** True while a SLoPS round runs: its streams load the links, so in-band windows are void. */
    private volatile boolean measuring;
    private long lastInbandUpdate;
    private double[] loggedWeights;
    /** Timer thread: each member's usability at the last tick, to see it come back. */
    private boolean[] wasUsable;
    static final long INBAND_UPDATE_NANOS = 500_000_000L;

    AdaptiveWeights(BondDataPath path, BondDataPath.Settings settings) {
        this.path = path;
        this.settings = settings;
        this.config = settings.adaptive();
        this.board = new WeightBoard(BondWeights.equal(Math.max(1, settings.members().size())));
        this.inband = new InbandCapacity(inbandConfig(settings.mechanisms().inbandJitter()),
                Math.max(1, settings.members().size()));
    }

    /** The estimator's config: its jitter, load and return rules on, or the rules before them (inband_jitter off). */
    static InbandCapacity.Config inbandConfig(boolean realLinkRules) {
        InbandCapacity.Config d = InbandCapacity.Config.DEFAULT;
        return realLinkRules ? d : new InbandCapacity.Config(d.windowNanos(), d.saturatedQueueNanos(), d.gain(),
                d.probeUpStep(), d.minWindowEchoes(), false, d.minLoadShare(), d.minLoadBps()).withMinLoad(0, 0);
    }

    private double rmax(int i) {
        long kbps = settings.members().get(i).upKbps();
        return kbps > 0 ? kbps * 1000.0 : UNKNOWN_RMAX_BPS;
    }

    /** Until the first measurement: weights from the nominal rates when all are known, else equal. */
    void applyNominal() {
        int n = settings.members().size();
        if (n == 0) {
            return;
        }
        double[] a = new double[n];
        boolean all = true;
        for (int i = 0; i < n; i++) {
            a[i] = settings.members().get(i).upKbps();
            all &= a[i] > 0;
        }
        double[] bps = null;
        if (all) {
            bps = new double[n];
            for (int i = 0; i < n; i++) {
                bps[i] = a[i] * 1000;
            }
        }
        // without every nominal rate there are no rates yet: earliest arrival runs as WRR until measured
        apply(all ? BondWeights.fromAvailable(a) : BondWeights.equal(n), bps, "nominal rates");
        if (all) {
            inband.reset(bps, bps);
        }
    }

    /**
     * Weights to the scheduler, with the rates they come from (bit/s on the wire, or null when
     * there are none): earliest arrival models each member's queue at its rate.
     */
    private void apply(BondWeights w, double[] bps, String why) {
        if (!w.usable()) {
            LOG.warn("bond {}: every member measured 0 bit/s; keeping the last weights", settings.bond());
            return;
        }
        setRatesAndWeights(bps, w.toArray());
        loggedWeights = w.toArray();
        LOG.info("bond {}: weights {} ({})", settings.bond(), Arrays.toString(round(w.toArray())), why);
    }

    /** Receiver thread: a keep-alive echo said what the far end received on {@code link}. */
    void onEcho(int link, long nowNanos, long deliveredWireBits, long queueNanos) {
        if (!measuring) {
            inband.onEcho(link, nowNanos, deliveredWireBits, queueNanos);
        }
    }

    /** A new session: the far end's counters start again. */
    void onSession() {
        inband.discard();
    }

    /**
     * Timer thread: applies the in-band estimates every {@link #INBAND_UPDATE_NANOS}. Logs only
     * when a weight moved by more than 10 % since the last logged weights, so a loaded bond does
     * not write a line every half second.
     */
    void onTick(long nowNanos) {
        if (measuring) {
            inband.discard();
            return;
        }
        restoreReturned();
        if (nowNanos - lastInbandUpdate < INBAND_UPDATE_NANOS) {
            return;
        }
        lastInbandUpdate = nowNanos;
        int n = settings.members().size();
        boolean[] usable = new boolean[n];
        for (int i = 0; i < n; i++) {
            usable[i] = path.scheduler().usable(i);
        }
        double[] e = inband.update(usable);
        if (e == null) {
            return;
        }
        BondWeights w = BondWeights.fromAvailable(e);
        if (!w.usable()) {
            return;
        }
        double[] weights = w.toArray();
        path.scheduler().setRates(e);
        if (LOG.isDebugEnabled()) {
            LOG.debug("bond {}: in-band estimates {} kbit/s on the wire", settings.bond(), Arrays.toString(round(scale(e, 1e-3))));
        }
        path.scheduler().setWeights(weights);
        path.weightsChanged();
        if (movedMoreThan(loggedWeights, weights, 0.10)) {
            loggedWeights = weights;
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "" : ", ").append(settings.members().get(i).uplink()).append(' ')
                        .append(Math.round(e[i] / 1000)).append(" kbit/s");
            }
            LOG.info("bond {}: weights {} (in-band: {} on the wire)", settings.bond(), Arrays.toString(round(weights)), sb);
        }
    }

    /**
     * Timer thread, every tick: a member usable again after an outage (or a new session) gets
     * its share at once, not at the next round: {@link InbandCapacity#onReturn} gives an
     * estimate of 0 its last good one (else the nominal rate, else an equal share), and the
     * weights go to the scheduler in this tick. Not while a round runs: its result decides, and
     * it keeps the last estimate of a member it could not measure; the return is seen after it.
     */
    private void restoreReturned() {
        int n = settings.members().size();
        if (wasUsable == null || wasUsable.length != n) {
            wasUsable = new boolean[n];
        }
        double[] restored = null;
        for (int i = 0; i < n; i++) {
            boolean usable = path.scheduler().usable(i);
            if (usable && !wasUsable[i]) {
                double[] e = inband.onReturn(i, nominalBps(i));
                if (e != null) {
                    restored = e;
                    LOG.info("bond {}: member {} back with weight from {} kbit/s, its last estimate", settings.bond(),
                            settings.members().get(i).uplink(), Math.round(e[i] / 1000));
                }
            }
            wasUsable[i] = usable;
        }
        if (restored != null) {
            BondWeights w = BondWeights.fromAvailable(restored);
            if (w.usable()) {
                setRatesAndWeights(restored, w.toArray());
                loggedWeights = w.toArray();
                path.weightsChanged();
            }
        }
    }

    /**
     * Rates (when known), then weights: two snapshots, which the sender may apply a packet apart;
     * harmless, as earliest arrival takes only eligibility (weight 0 or not) from the weights.
     */
    private void setRatesAndWeights(double[] bps, double[] weights) {
        if (bps != null) {
            path.scheduler().setRates(bps);
        }
        path.scheduler().setWeights(weights);
    }

    /** The member's nominal up rate (bit/s on the wire), 0 when not configured. */
    private double nominalBps(int i) {
        long kbps = settings.members().get(i).upKbps();
        return kbps > 0 ? kbps * 1000.0 : 0;
    }

    private static double[] scale(double[] v, double f) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i] * f;
        }
        return r;
    }

    static boolean movedMoreThan(double[] before, double[] after, double share) {
        if (before == null || before.length != after.length) {
            return true;
        }
        for (int i = 0; i < after.length; i++) {
            if (Math.abs(after[i] - before[i]) > share * Math.max(before[i], 1e-9)) {
                return true;
            }
        }
        return false;
    }

    private static double[] round(double[] w) {
        double[] r = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            r[i] = Math.round(w[i] * 100) / 100.0;
        }
        return r;
    }

    void start() {
        if (config == null || settings.members().isEmpty()) {
            return;
        }
        thread = new Thread(this, "bond-" + settings.bond() + "-slops");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Receiver thread: a SLOPS_VERDICT arrived. */
    void onVerdict(int link, Frame f, int len) {
        if (len < 5) {
            return;
        }
        ByteBuffer b = f.buffer();
        int stream = b.getInt(TunnelHeader.LENGTH);
        int v = b.get(TunnelHeader.LENGTH + 4) & 0xff;
        if (v < StreamVerdict.values().length) {
            verdicts.offer(new Verdict(link, stream, StreamVerdict.values()[v]));
        }
    }

    @Override
    public void run() {
        try {
            while (running) {
                awaitLinks();
                boolean measured = measureRound();
                // A round that found no usable link (links went down during it) is retried soon,
                // also when re-measuring is off: the bond must get measured weights once.
                Thread.sleep(measured ? TimeUnit.NANOSECONDS.toMillis(config.periodNanos()) : RETRY_MILLIS);
            }
        } catch (InterruptedException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("bond {}: adaptive weights stopped: {}", settings.bond(), e.toString(), e);
        }
    }

    static final long RETRY_MILLIS = 5_000;

    /**
     * Waits until the session is up and every member link is up (a link still coming up would be
     * measured at 0), or 10 s have passed with at least one link up (a member may be down for good).
     */
    private void awaitLinks() throws InterruptedException {
        long since = System.nanoTime();
        while (running) {
            int n = settings.members().size();
            int up = 0;
            for (int i = 0; i < n; i++) {
                up += path.established() && path.scheduler().usable(i) ? 1 : 0;
            }
            if (up == n || (up > 0 && System.nanoTime() - since > 10_000_000_000L)) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** One round; true when it produced weights. */
    private boolean measureRound() throws InterruptedException {
        int n = settings.members().size();
        List<SlopsSearch.Config> links = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            links.add(new SlopsSearch.Config(rmax(i), config.widthBps(), SlopsSearch.Config.DEFAULT_GREY_REPEATS));
        }
        MeasurementRound round = new MeasurementRound(
                new MeasurementRound.Config(true, Math.max(10_000_000_000L, config.periodNanos())), links, board);
        SlopsStreamConfig sc = new SlopsStreamConfig(config.packets(), 8L * config.packetBytes(), 512, 0.2);
        long t0 = System.nanoTime();
        int streams = 0;
        boolean[] abandoned = new boolean[n];
        measuring = true;
        inband.discard();
        try {
            for (int i = 0; i < n && running; i++) {
                while (running && !round.isFinished(i)) {
                    if (!path.scheduler().usable(i)) {
                        abandoned[i] = true;
                        round.abandon(i);
                        break;
                    }
                    double rate = round.nextRateBps(i);
                    StreamVerdict v = stream(i, plan(rate, sc), round);
                    streams++;
                    round.onVerdict(i, v);
                }
            }
        } finally {
            measuring = false;
        }
        if (round.isComplete()) {
            double[] a = new double[n];
            // A member down during the round (abandoned, or measured 0 and down at its end: that 0 is the outage's)
            // keeps its last estimate, so it has its share the moment it is back; issue 18 saw it
            // at weight 0 until the next round, 5 minutes later.
            boolean[] measuredByRound = new boolean[n];
            double[] nominal = new double[n];
            boolean anyMeasured = false;
            for (int i = 0; i < n; i++) {
                a[i] = round.availableBps(i);
                measuredByRound[i] = !abandoned[i] && (a[i] > 0 || path.scheduler().usable(i));
                anyMeasured |= measuredByRound[i] && a[i] > 0;
                nominal[i] = nominalBps(i);
            }
            double[] inForce = inband.resetFromRound(onTheWire(a), ceilings(a), measuredByRound, nominal);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "" : ", ").append(settings.members().get(i).uplink()).append(' ')
                        .append(measuredByRound[i] ? Math.round(a[i] / 1000) + " kbit/s"
                                : "down, kept " + Math.round(inForce[i] / 1000) + " kbit/s on the wire");
            }
            BondWeights w = BondWeights.fromAvailable(inForce);
            apply(w, inForce, "SLoPS: " + sb + "; " + streams + " streams in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            path.weightsChanged();
            // nothing measured (every member down): kept weights are no measurement, retry soon
            return w.usable() && anyMeasured;
        }
        return false;
    }

    /**
     * SLoPS rates count the probes' payload (L bits each); on the wire each probe also carries the
     * tunnel header, the tag, and IP and UDP headers.
     */
    private double[] onTheWire(double[] payloadBps) {
        int payload = Math.max(SlopsResponder.PROBE_HEADER, config.packetBytes());
        double factor = (payload + TunnelHeader.OVERHEAD + TunnelPeer.IP_UDP_HEADERS) / (double) payload;
        double[] w = new double[payloadBps.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = payloadBps[i] * factor;
        }
        return w;
    }

    /** How far in-band probing may raise a link: its nominal rate, else twice the SLoPS estimate. */
    private double[] ceilings(double[] payloadBps) {
        double[] wire = onTheWire(payloadBps);
        double[] c = new double[wire.length];
        for (int i = 0; i < c.length; i++) {
            long kbps = settings.members().get(i).upKbps();
            c[i] = kbps > 0 ? kbps * 1000.0 : 2 * wire[i];
        }
        return c;
    }

    /** Sends one paced stream on {@code link} and waits for its verdict. */
    private StreamVerdict stream(int link, SlopsStreamPlan plan, MeasurementRound round) throws InterruptedException {
        int id = ++streamId;
        verdicts.clear();
        int payload = Math.max(SlopsResponder.PROBE_HEADER, plan.packetBytes());
        int floor = noiseFloorMicros(config.widthBps(), plan);
        long txBefore = path.peer().counters.txBytes(link);
        long start = System.nanoTime();
        long probeBytes = 0;
        for (int k = 0; k < plan.packets() && running; k++) {
            long due = plan.dueNanos(k, start);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            ByteBuffer p = frame.payloadSpace();
            p.putInt(id).putShort((short) k).putShort((short) plan.packets()).putInt(floor);
            if (path.peer().sendControl(frame, payload, link, PacketType.SLOPS_PROBE, System.nanoTime()) >= 0) {
                probeBytes += frame.length();
            }
        }
        long duration = Math.max(1, System.nanoTime() - start);
        long own = path.peer().counters.txBytes(link) - txBefore - probeBytes;
        round.onOwnGoodput(link, Math.max(0, own) * 8e9 / duration);
        StreamVerdict v = awaitVerdict(link, id);
        if (v == null) {
            ByteBuffer p = frame.payloadSpace();
            p.putInt(id);
            path.peer().sendControl(frame, 4, link, PacketType.SLOPS_REQUEST, System.nanoTime());
            v = awaitVerdict(link, id);
        }
        return v == null ? StreamVerdict.LOST : v;
    }

    /** Streams last at least this long: see {@link #plan}. */
    static final long MIN_STREAM_NANOS = 300_000_000L;
    static final int MAX_STREAM_PACKETS = 1000;

    /**
     * K packets of L bits at rate R, with K raised so the stream lasts at least 300 ms. At high
     * rates K = 100 packets pass in a few ms, during which an overload of w builds a queue far
     * smaller than the delay noise of the path and of the two JVMs (measured: an 8 Mbit/s link
     * estimated 8 % low); a longer stream lets the queue grow above the noise floor. Capped at
     * 1,000 packets (1 MB of 1000-byte probes), so a fast link's round stays affordable on a
     * metered plan; such links have little delay noise relative to their queues anyway.
     */
    static SlopsStreamPlan plan(double rateBps, SlopsStreamConfig config) {
        double periodNanos = config.packetBits() * 1e9 / rateBps;
        int k = (int) Math.max(config.packets(), Math.min(MAX_STREAM_PACKETS, Math.ceil(MIN_STREAM_NANOS / periodNanos)));
        return new SlopsStreamPlan(k, config.packetBits(), rateBps);
    }

    /**
     * The smallest rise of the one-way delay over a stream that counts as "increasing": half of
     * what a stream sent just w above the available bandwidth builds up (its queue grows by
     * w/R of the stream's duration). Delay noise of the path and of two JVMs' scheduling (up to
     * a few ms here) is then far below what a real overload shows, so a flat but noisy stream is
     * not mistaken for an increasing one, which would bisect the estimate down (measured: -55 %
     * on a 2 Mbit/s link without this floor). Clamped to 0.2-50 ms.
     */
    static int noiseFloorMicros(double widthBps, SlopsStreamPlan plan) {
        double growthMicros = widthBps / plan.rateBps() * plan.durationNanos() / 1000.0;
        return (int) Math.max(200, Math.min(50_000, growthMicros / 2));
    }

    private StreamVerdict awaitVerdict(int link, int id) throws InterruptedException {
        long deadline = System.nanoTime() + VERDICT_WAIT_NANOS;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Verdict v = verdicts.poll(left, TimeUnit.NANOSECONDS);
            if (v != null && v.link() == link && v.stream() == id) {
                return v.verdict();
            }
        }
    }
}
