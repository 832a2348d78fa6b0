package net.coopwan.daemon.uplink.failure;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * An uplink in simulated time that feeds an {@link UplinkFailureDetector} as the runner would:
 * each tick it delivers the replies that arrived, sends the probes that are due (staggered across
 * the targets), reads the device counters and ticks the detector. Probes and replies are dropped
 * with the given probabilities (fixed seed) or all of them when the line is dead; background
 * traffic adds packets to the counters without probing.
 */
final class SimulatedUplink {
    static final long MS = 1_000_000L;

    final UplinkFailureSettings settings;
    final UplinkFailureDetector detector;
    final long tickNanos;
    final List<UplinkVerdict> verdicts = new ArrayList<>();
    private final Random random;
    private final ArrayDeque<long[]> inFlight = new ArrayDeque<>(); // {arrivalNanos, target, seq}
    private final long[] nextSendNanos;
    private final long[] nextSeq;

    long now;
    long rx;
    long tx;
    boolean carrier = true;
    /** Everything dropped beyond the device, both directions (a silent black-hole). */
    boolean dead;
    double probeLoss;
    double replyLoss;
    long rttNanos = 20 * MS;
    /** Per-target: its probes are all lost (a dead server). */
    boolean[] targetDead;
    long backgroundRxPerTick;
    long backgroundTxPerTick;
    /** While dead, one frame is still received every this many ticks (ARP from the modem); 0: none. */
    long deadChatterEveryTicks;
    private long ticks;

    SimulatedUplink(UplinkFailureSettings settings, long seed) {
        this(settings, seed, 1_000 * MS);
    }

    /** @param startNanos the first time; System.nanoTime() may be negative, so tests try that too */
    SimulatedUplink(UplinkFailureSettings settings, long seed, long startNanos) {
        this.now = startNanos;
        this.settings = settings;
        this.detector = new UplinkFailureDetector(settings);
        this.tickNanos = settings.tickMs() * MS;
        this.random = new Random(seed);
        int n = settings.targets().size();
        this.nextSendNanos = new long[n];
        this.nextSeq = new long[n];
        this.targetDead = new boolean[n];
        for (int i = 0; i < n; i++) {
            nextSendNanos[i] = now + i * settings.probeIntervalMs() * MS / n;
        }
    }

    /** One tick; returns the verdict when the state changed. */
    Optional<UplinkVerdict> step() {
        now += tickNanos;
        // Replies are in arrival order because the RTT is the same for all.
        while (!inFlight.isEmpty() && inFlight.peekFirst()[0] <= now) {
            long[] r = inFlight.pollFirst();
            if (dead) {
                continue; // dropped on the way back
            }
            rx++;
            detector.onProbeReply((int) r[1], r[2], now);
        }
        for (int i = 0; i < nextSendNanos.length; i++) {
            if (now >= nextSendNanos[i]) {
                nextSendNanos[i] += settings.probeIntervalMs() * MS;
                long seq = nextSeq[i]++;
                tx++;
                detector.onProbeSent(i, seq, now);
                boolean probeArrives = !dead && !targetDead[i] && random.nextDouble() >= probeLoss;
                boolean replyArrives = random.nextDouble() >= replyLoss;
                if (probeArrives && replyArrives) {
                    inFlight.addLast(new long[] {now + rttNanos, i, seq});
                }
            }
        }
        tx += backgroundTxPerTick;
        ticks++;
        if (!dead) {
            rx += backgroundRxPerTick;
        } else if (deadChatterEveryTicks > 0 && ticks % deadChatterEveryTicks == 0) {
            rx++;
        }
        detector.onLink(carrier, rx, tx, now);
        Optional<UplinkVerdict> v = detector.tick(now);
        v.ifPresent(verdicts::add);
        return v;
    }

    /** Runs for {@code ms}; returns how many state changes happened. */
    int run(long ms) {
        int changes = 0;
        long end = now + ms * MS;
        while (now < end) {
            if (step().isPresent()) {
                changes++;
            }
        }
        return changes;
    }

    /** Runs until the state changes, at most {@code maxMs}; the verdict, or empty. */
    Optional<UplinkVerdict> runUntilChange(long maxMs) {
        long end = now + maxMs * MS;
        while (now < end) {
            Optional<UplinkVerdict> v = step();
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }
}
