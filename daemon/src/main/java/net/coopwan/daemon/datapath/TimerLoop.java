package net.coopwan.daemon.datapath;

import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that calls {@link Tick#tick} every {@code periodNanos} until stopped: keep-alives,
 * health timeouts, handshake retries, SLoPS pacing decisions. Time is read once per tick and
 * passed down, so the logic underneath never reads a clock itself.
 */
final class TimerLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TimerLoop.class);

    interface Tick {
        void tick(long nowNanos);
    }

    private final String name;
    private final long periodNanos;
    private final Tick tick;
    private volatile boolean running = true;
    private volatile Thread thread;

    TimerLoop(String name, long periodNanos, Tick tick) {
        this.name = name;
        this.periodNanos = periodNanos;
        this.tick = tick;
    }

    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        long next = System.nanoTime();
        while (running) {
            long now = System.nanoTime();
            if (now - next >= 0) {
                try {
                    tick.tick(now);
                } catch (RuntimeException e) {
                    // a bug in one tick must not stop keep-alives for good
                    LOG.error("{}: timer task failed: {}", name, e.toString(), e);
                }
                next += periodNanos;
                if (now - next > 10 * periodNanos) {
                    next = now + periodNanos; // we were descheduled for long: do not burst
                }
            }
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }
}
