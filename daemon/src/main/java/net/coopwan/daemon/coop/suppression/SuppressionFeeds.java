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
            try {
                Thread.sleep(TICK_NANOS / 1_000_000);
            } catch (InterruptedException e) {
                return;
            }
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
