package net.coopwan.lab;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One direction of an impaired link, as a pure model: given when a datagram arrives and its size,
 * {@link #admit} says when to release it, or why it is dropped. Time is passed in as
 * {@code nowNanos}, so tests drive it without sleeping.
 *
 * <p>Order of checks for an arriving datagram: outage (dropped if it arrives while an outage is on),
 * then loss (Bernoulli, or bursty with the Gilbert-Elliott model; both from a seeded {@link Random}),
 * then the rate limit. The rate limit is a
 * serialising link with a FIFO of at most {@code queueMs} of backlog: a datagram leaves when the link
 * has sent everything before it, taking {@code (payload + 28) * 8 / rate} (28 = IPv4 + UDP headers);
 * if the backlog at arrival exceeds {@code queueMs} it is tail-dropped. Then delay plus jitter,
 * uniform in [-jitter, +jitter], never before the datagram has left the rate limiter. Delay and
 * jitter may change on a schedule ({@link DelayStep}): a step in force when a datagram arrives
 * applies to it.
 *
 * <p>Reordering: by default release times are kept monotone (a datagram is never released before
 * the one admitted ahead of it), so jitter varies the gaps but never reorders, like a single queue.
 * With {@code reorder} on, release times are used as drawn, so datagrams closer together than the
 * jitter swap places, as much as the jitter implies and no more.
 */
public final class LinkImpairment {

    /**
     * Bursty loss, the Gilbert-Elliott model as netem's {@code loss gemodel} has it: a GOOD and a
     * BAD state, a move GOOD to BAD with probability {@code p} and BAD to GOOD with {@code r} at
     * each packet, then loss with {@code lossBad} in BAD and {@code lossGood} in GOOD, all in
     * percent. A burst of BAD lasts 1/r packets on average; the mean loss is
     * {@code (p * lossBad + r * lossGood) / (p + r)}.
     */
    public record GilbertElliott(double p, double r, double lossBad, double lossGood) {
        public GilbertElliott {
            percent("p", p);
            percent("r", r);
            percent("lossBad", lossBad);
            percent("lossGood", lossGood);
            if (r == 0) {
                throw new IllegalArgumentException("r must be above 0: a BAD state that never ends is an outage");
            }
        }

        /** {@code P,R,LOSS_BAD[,LOSS_GOOD]} in percent, e.g. {@code 1,30,100} (bursts of about 3 packets, 3.2 % mean). */
        public static GilbertElliott parse(String s) {
            String[] f = s.split(",");
            if (f.length < 3 || f.length > 4) {
                throw new IllegalArgumentException("ge wants P,R,LOSS_BAD[,LOSS_GOOD] in percent, got " + s);
            }
            try {
                return new GilbertElliott(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        f.length == 4 ? Double.parseDouble(f[3]) : 0);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ge wants numbers, got " + s);
            }
        }

        /**
         * The model from what a scenario says of it: {@code meanLossPct} of packets lost in bursts of
         * {@code meanBurstPackets} on average, every packet of BAD lost and none of GOOD
         * ({@code lossBad} 100, {@code lossGood} 0). A burst is then a run of BAD, so
         * {@code r = 1 / meanBurstPackets}; the mean loss {@code p / (p + r)} gives
         * {@code p = r * loss / (1 - loss)}. Refused when a GOOD run would be shorter than a packet
         * on average ({@code p} above 100 %: the loss is too high for bursts that short).
         */
        public static GilbertElliott ofMean(double meanLossPct, double meanBurstPackets) {
            if (!(meanLossPct >= 0 && meanLossPct < 100)) {
                throw new IllegalArgumentException("gemean's loss must be 0..100 % (100 excluded), got " + meanLossPct);
            }
            if (!(meanBurstPackets >= 1 && meanBurstPackets < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("gemean's mean burst must be at least 1 packet, got " + meanBurstPackets);
            }
            double r = 100 / meanBurstPackets;
            double p = r * meanLossPct / (100 - meanLossPct);
            if (p > 100) {
                throw new IllegalArgumentException("gemean: " + meanLossPct + " % loss cannot come in bursts of "
                        + meanBurstPackets + " packets (at least " + meanLossPct / (100 - meanLossPct)
                        + " packets wanted)");
            }
            return new GilbertElliott(p, r, 100, 0);
        }

        /** {@code LOSS_PCT,BURST_PACKETS}, e.g. {@code 1,4}: 1 % of packets lost, 4 in a row on average. */
        public static GilbertElliott parseMean(String s) {
            String[] f = s.split(",");
            if (f.length != 2) {
                throw new IllegalArgumentException("gemean wants LOSS_PCT,BURST_PACKETS, got " + s);
            }
            try {
                return ofMean(Double.parseDouble(f[0]), Double.parseDouble(f[1]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("gemean wants numbers, got " + s);
            }
        }

        /** The long-run share of packets lost, in percent. */
        public double meanLossPct() {
            return (p * lossBad + r * lossGood) / (p + r);
        }

        /** How many packets a BAD state lasts on average ({@code 1/r}): the mean burst when BAD loses all. */
        public double meanBadPackets() {
            return 100 / r;
        }

        @Override
        public String toString() {
            return p + "," + r + "," + lossBad + "," + lossGood;
        }

        private static void percent(String what, double v) {
            if (!(v >= 0 && v <= 100)) {
                throw new IllegalArgumentException(what + " must be 0..100 %, got " + v);
            }
        }
    }

    /** Why {@link #admit} refused a datagram; negative so it never looks like a release time. */
    public static final long DROP_OUTAGE = -1;
    public static final long DROP_LOSS = -2;
    public static final long DROP_QUEUE = -3;

    static final int HEADER_BYTES = 28;
    private static final long MS = 1_000_000L;

    private final Random random;
    private final long startNanos;
    private double delayMs;
    private double jitterMs;
    private double lossPct;
    private GilbertElliott ge;
    private boolean geBad;
    private Fades fades;
    private boolean inFade;
    private long fadeSwitchAtNanos = Long.MIN_VALUE;
    private long rateKbps;
    private double queueMs = 200;
    private boolean reorder;
    /** Delay steps still to come, in order, with their absolute times in nanos; applied ones are removed. */
    private final ArrayDeque<PendingStep> steps = new ArrayDeque<>();
    /** Outage windows as absolute [start, end) nanos pairs; expired ones are pruned. */
    private final List<long[]> outages = new ArrayList<>();
    private long linkFreeAt = Long.MIN_VALUE;
    private long lastRelease = Long.MIN_VALUE;

    private long received;
    private long forwarded;
    private long droppedLoss;
    private long droppedQueue;
    private long droppedOutage;
    private long errors;

    private record PendingStep(long atNanos, DelayStep step) {
    }

    public LinkImpairment(long seed, long startNanos) {
        this.random = new Random(seed);
        this.startNanos = startNanos;
    }

    /**
     * Bursty loss in time rather than per packet: GOOD and BAD periods of exponentially
     * distributed lengths with means {@code goodMs} and {@code badMs}, loss {@code lossBad} % in
     * BAD and {@code lossGood} % in GOOD. A radio fade or an impulse of noise lasts so long
     * whatever the packet rate; {@link GilbertElliott} per packet makes a burst of 4 packets last
     * 4 packet intervals, 200 ms on a direction that carries 20 packets per second. The mean loss
     * is {@code (badMs * lossBad + goodMs * lossGood) / (goodMs + badMs)}.
     */
    public record Fades(double goodMs, double badMs, double lossBad, double lossGood) {
        public Fades {
            if (!(goodMs > 0 && badMs > 0)) {
                throw new IllegalArgumentException("fades want GOOD_MS and BAD_MS above 0");
            }
            if (!(lossBad >= 0 && lossBad <= 100 && lossGood >= 0 && lossGood <= 100)) {
                throw new IllegalArgumentException("fades' losses are 0..100 %");
            }
        }

        /** {@code GOOD_MS,BAD_MS,LOSS_BAD[,LOSS_GOOD]}, e.g. {@code 450,50,100} (50 ms fades, 10 % mean loss). */
        public static Fades parse(String s) {
            String[] f = s.split(",");
            if (f.length < 3 || f.length > 4) {
                throw new IllegalArgumentException("fades want GOOD_MS,BAD_MS,LOSS_BAD[,LOSS_GOOD], got " + s);
            }
            try {
                return new Fades(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        f.length == 4 ? Double.parseDouble(f[3]) : 0);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("fades want numbers, got " + s);
            }
        }

        public double meanLossPct() {
            return (badMs * lossBad + goodMs * lossGood) / (goodMs + badMs);
        }

        @Override
        public String toString() {
            return goodMs + "," + badMs + "," + lossBad + "," + lossGood;
        }
    }

    /**
     * A change of the base delay on a schedule: {@code atMs} after the schedule's origin (the
     * relay's start for a schedule given at start, the moment it was set for one set at run time)
     * the delay becomes {@code delayMs} and, when given (not null), the jitter {@code jitterMs}; a
     * step without a jitter keeps the one in force. It holds for datagrams that arrive from then on;
     * those admitted before keep their release times, so with reordering off a step down makes the
     * next datagrams wait behind the earlier ones (a queue draining), never overtake them.
     */
    public record DelayStep(long atMs, double delayMs, Double jitterMs) {
        public DelayStep {
            if (atMs < 0) {
                throw new IllegalArgumentException("a step's offset must be >= 0 ms, got " + atMs);
            }
            nonNegative(delayMs, "a step's delay");
            if (jitterMs != null) {
                nonNegative(jitterMs, "a step's jitter");
            }
        }

        /**
         * {@code AT_MS:DELAY_MS[:JITTER_MS],...} with increasing offsets, e.g.
         * {@code 10000:60:10,20000:30:5}; {@code off} (or {@code none}) is no steps.
         */
        public static List<DelayStep> parseList(String s) {
            String v = s.strip();
            if (v.equals("off") || v.equals("none")) {
                return List.of();
            }
            List<DelayStep> steps = new ArrayList<>();
            for (String one : v.split(",")) {
                String[] f = one.strip().split(":");
                if (f.length < 2 || f.length > 3) {
                    throw new IllegalArgumentException("steps want AT_MS:DELAY_MS[:JITTER_MS],..., got " + s);
                }
                DelayStep step;
                try {
                    step = new DelayStep(Long.parseLong(f[0]), Double.parseDouble(f[1]),
                            f.length == 3 ? Double.valueOf(f[2]) : null);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("steps want numbers, got " + s);
                }
                if (!steps.isEmpty() && step.atMs() <= steps.get(steps.size() - 1).atMs()) {
                    throw new IllegalArgumentException("steps' offsets must increase, got " + s);
                }
                steps.add(step);
            }
            return List.copyOf(steps);
        }

        @Override
        public String toString() {
            return atMs + ":" + delayMs + (jitterMs == null ? "" : ":" + jitterMs);
        }
    }

    /** Counters of one direction; {@code received = forwarded + dropped* + errors + queued}. */
    public record Stats(long received, long forwarded, long droppedLoss, long droppedQueue, long droppedOutage,
                        long errors, long queued) {
        public boolean addsUp() {
            return received == forwarded + droppedLoss + droppedQueue + droppedOutage + errors + queued;
        }

        public long dropped() {
            return droppedLoss + droppedQueue + droppedOutage;
        }
    }

    /** Release time in nanos (same clock as nowNanos), or one of the negative DROP_ reasons. */
    public synchronized long admit(long nowNanos, int payloadBytes) {
        received++;
        applySteps(nowNanos);
        if (inOutage(nowNanos)) {
            droppedOutage++;
            return DROP_OUTAGE;
        }
        if (lost(nowNanos)) {
            droppedLoss++;
            return DROP_LOSS;
        }
        long departure = nowNanos;
        if (rateKbps > 0) {
            long backlog = linkFreeAt == Long.MIN_VALUE ? 0 : Math.max(0, linkFreeAt - nowNanos);
            if (backlog > (long) (queueMs * MS)) {
                droppedQueue++;
                return DROP_QUEUE;
            }
            long serialise = (payloadBytes + HEADER_BYTES) * 8L * 1_000_000L / rateKbps;
            departure = Math.max(nowNanos, linkFreeAt) + serialise;
            linkFreeAt = departure;
        }
        long release = departure + (long) (delayMs * MS);
        if (jitterMs > 0) {
            release += (long) ((random.nextDouble() * 2 - 1) * jitterMs * MS);
            release = Math.max(release, departure);
        }
        if (!reorder) {
            release = Math.max(release, lastRelease);
            lastRelease = release;
        }
        return release;
    }

    private boolean lost(long nowNanos) {
        if (fades != null) {
            if (fadeSwitchAtNanos == Long.MIN_VALUE) {
                fadeSwitchAtNanos = nowNanos + exponential(fades.goodMs());
            }
            while (nowNanos - fadeSwitchAtNanos >= 0) {
                inFade = !inFade;
                fadeSwitchAtNanos += exponential(inFade ? fades.badMs() : fades.goodMs());
            }
            double loss = inFade ? fades.lossBad() : fades.lossGood();
            return loss > 0 && random.nextDouble() * 100 < loss;
        }
        if (ge != null) {
            geBad = geBad ? random.nextDouble() * 100 >= ge.r() : random.nextDouble() * 100 < ge.p();
            double loss = geBad ? ge.lossBad() : ge.lossGood();
            return loss > 0 && random.nextDouble() * 100 < loss;
        }
        return lossPct > 0 && random.nextDouble() * 100 < lossPct;
    }

    /** Counts a datagram that arrived but could not be queued (the relay's memory bound). */
    public synchronized void dropOverflow() {
        received++;
        droppedQueue++;
    }

    public synchronized void forwarded() {
        forwarded++;
    }

    public synchronized void error() {
        errors++;
    }

    private boolean inOutage(long now) {
        boolean on = false;
        for (int i = outages.size() - 1; i >= 0; i--) {
            long[] w = outages.get(i);
            if (now >= w[1]) {
                outages.remove(i);
            } else if (now >= w[0]) {
                on = true;
            }
        }
        return on;
    }

    /** An outage from startOffsetMs after the relay started, lasting durationMs. */
    public synchronized void scheduleOutage(long startOffsetMs, long durationMs) {
        long s = startNanos + startOffsetMs * MS;
        outages.add(new long[] {s, s + durationMs * MS});
    }

    /** An outage starting now. */
    public synchronized void outageNow(long nowNanos, long durationMs) {
        outages.add(new long[] {nowNanos, nowNanos + durationMs * MS});
    }

    /** Delay steps with offsets from the relay's start, in place of those still to come. */
    public synchronized void scheduleDelaySteps(List<DelayStep> v) {
        setDelaySteps(startNanos, v);
    }

    /** Delay steps with offsets from {@code originNanos} (now, at run time), in place of those still to come. */
    public synchronized void setDelaySteps(long originNanos, List<DelayStep> v) {
        steps.clear();
        for (DelayStep step : v) {
            steps.add(new PendingStep(originNanos + step.atMs() * MS, step));
        }
    }

    private void applySteps(long nowNanos) {
        while (!steps.isEmpty() && nowNanos - steps.peekFirst().atNanos() >= 0) {
            DelayStep step = steps.pollFirst().step();
            delayMs = step.delayMs();
            if (step.jitterMs() != null) {
                jitterMs = step.jitterMs();
            }
        }
    }

    public synchronized void setDelayMs(double v) {
        delayMs = nonNegative(v, "delay");
    }

    public synchronized void setJitterMs(double v) {
        jitterMs = nonNegative(v, "jitter");
    }

    public synchronized void setLossPct(double v) {
        if (v < 0 || v > 100) {
            throw new IllegalArgumentException("loss must be 0..100, got " + v);
        }
        lossPct = v;
        ge = null;
        fades = null;
    }

    private long exponential(double meanMs) {
        return Math.max(1, (long) (-Math.log(1 - random.nextDouble()) * meanMs * MS));
    }

    /** Loss in fades of time in place of the other loss models; null goes back to the Bernoulli loss. */
    public synchronized void setFades(Fades v) {
        fades = v;
        inFade = false;
        fadeSwitchAtNanos = Long.MIN_VALUE;
        if (v != null) {
            lossPct = 0;
            ge = null;
        }
    }

    /** Bursty loss in place of the Bernoulli loss; null goes back to it. */
    public synchronized void setGilbertElliott(GilbertElliott v) {
        ge = v;
        geBad = false;
        if (v != null) {
            lossPct = 0;
            fades = null;
        }
    }

    /** 0 means unlimited. */
    public synchronized void setRateKbps(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("rate must be >= 0, got " + v);
        }
        rateKbps = v;
        linkFreeAt = Long.MIN_VALUE;
    }

    public synchronized void setQueueMs(double v) {
        queueMs = nonNegative(v, "queue");
    }

    public synchronized void setReorder(boolean v) {
        reorder = v;
    }

    /** No impairment, no outages, counters zero. */
    public synchronized void reset() {
        delayMs = 0;
        jitterMs = 0;
        lossPct = 0;
        ge = null;
        geBad = false;
        fades = null;
        inFade = false;
        fadeSwitchAtNanos = Long.MIN_VALUE;
        rateKbps = 0;
        queueMs = 200;
        reorder = false;
        outages.clear();
        steps.clear();
        linkFreeAt = Long.MIN_VALUE;
        lastRelease = Long.MIN_VALUE;
        received = forwarded = droppedLoss = droppedQueue = droppedOutage = errors = 0;
    }

    /**
     * Counters, with {@code queued} as counted by whoever holds the admitted datagrams (the relay's
     * release queue), so {@link Stats#addsUp()} is a real check, not arithmetic.
     */
    public synchronized Stats stats(long queued) {
        return new Stats(received, forwarded, droppedLoss, droppedQueue, droppedOutage, errors, queued);
    }

    public synchronized String settings() {
        return "delay=" + delayMs + " jitter=" + jitterMs + " loss=" + (fades != null ? "fades:" + fades : ge != null ? "ge:" + ge : lossPct) + " rate=" + rateKbps
                + " queue=" + queueMs + " reorder=" + reorder + " outages=" + outages.size() + " steps=" + steps.size();
    }

    private static double nonNegative(double v, String what) {
        if (v < 0 || Double.isNaN(v)) {
            throw new IllegalArgumentException(what + " must be >= 0, got " + v);
        }
        return v;
    }
}
