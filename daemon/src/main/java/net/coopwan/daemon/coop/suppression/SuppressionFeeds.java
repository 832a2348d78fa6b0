package net.coopwan.daemon.coop.suppression;

import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * The detectors' feeders on one thread ({@code coopwan-suppression-feeds}): every
 * {@link #TICK_NANOS} (50 ms, a quarter of the probe interval) the uplink probes (RTT, loss),
 * the uplink byte counters (traffic caps) and, once duplication runs, the bond's LC copy counters
 * (loss on every path, {@link LcLossDetector}). Runs apart from the channel so a probe socket or a
 * sysfs read never delays a channel message; the detectors are read by the channel thread under
 * the service's lock, so each feed step takes the same lock ({@code lock}).
 */
public final class SuppressionFeeds implements AutoCloseable {
    static final long TICK_NANOS = 50_000_000L;
    /**
     * The step while a probe waits for its reply: a reply is timed when the step reads it, so the
     * step bounds the RTT's resolution (at 50 ms the idle RTT of a 0.1 ms line read as 0-50 ms and
     * its jitter as 11 ms, measured in SuppressionFeedsNetnsTest); 2 ms is well under the 10 ms
     * jitter and 20 ms RTT steps, and it runs only while LC traffic is current and a probe is out.
     */
    static final long WAITING_TICK_NANOS = 2_000_000L;

    private final List<LcPathProbe> probes;
    private final UplinkLoad load;
    private final LongPredicate lcCurrent;
    private final Object lock;
    private final LcLossDetector loss;
    /** {delivered, missing} of the bond's LC copies; null until duplication starts. */
    private volatile Supplier<long[]> bond;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param probes    one per uplink with a gateway (may be empty)
     * @param load      the uplinks' byte counters, or null without traffic caps
     * @param loss      the detector the bond's counters feed once {@link #bond} is set
     * @param lcCurrent whether LC traffic is current at a time (the policy's)
     * @param lock      the lock the detectors' reader holds
     */
    public SuppressionFeeds(List<LcPathProbe> probes, UplinkLoad load, LcLossDetector loss, LongPredicate lcCurrent,
            Object lock) {
        this.loss = loss;
        this.probes = List.copyOf(probes);
        this.load = load;
        this.lcCurrent = lcCurrent;
        this.lock = lock;
        this.thread = new Thread(this::run, "coopwan-suppression-feeds");
        this.thread.setDaemon(true);
    }

    /** The bond's LC copy counters {delivered, missing} from now on (duplication started). */
    public void bond(Supplier<long[]> counters) {
        this.bond = counters;
    }

    public void start() {
        thread.start();
    }

    /** One feed step at {@code nowNanos} (the thread's loop body; tests call it directly). */
    public void step(long nowNanos) {
        synchronized (lock) {
            boolean lc = lcCurrent.test(nowNanos);
            for (LcPathProbe p : probes) {
                p.tick(nowNanos, lc);
            }
            if (load != null) {
                load.tick(nowNanos);
            }
            Supplier<long[]> b = bond;
            long[] c = b == null ? null : b.get();
            if (c != null) {
                loss.counters(nowNanos, c[0], c[1]);
            }
        }
    }

    private void run() {
        while (!closed) {
            try {
                step(System.nanoTime());
            } catch (RuntimeException e) {
                // a feed that failed once (a device renamed mid-read) is tried again next tick
            }
            long tick = waiting() ? WAITING_TICK_NANOS : TICK_NANOS;
            java.util.concurrent.locks.LockSupport.parkNanos(tick);
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    /** Whether a probe waits for its reply (the next step comes sooner then). */
    public boolean waiting() {
        synchronized (lock) {
            for (LcPathProbe p : probes) {
                if (p.outstanding() > 0) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probes.forEach(LcPathProbe::close);
    }
}
