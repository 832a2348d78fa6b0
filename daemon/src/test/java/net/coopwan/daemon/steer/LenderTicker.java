package net.coopwan.daemon.steer;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sharer's quota ticks in a namespace, as SharingDataPaths runs them: {@link
 * SharingLenderRules#refresh} every {@link SlidingWindowQuota#tickMs} on a thread of its own. The
 * rules are locked for each tick; a test that changes them meanwhile locks them too.
 */
final class LenderTicker implements AutoCloseable {
    private final Thread thread;
    private final AtomicInteger ticks = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean running = true;

    /** The lender's rules in {@code ns}, its readings through an {@code nft -j -i} in that namespace. */
    static SharingLenderRules rules(Netns ns) {
        return new SharingLenderRules(ns.runner, new InteractiveNft(List.of("ip", "netns", "exec", ns.name, "nft", "-j", "-i")),
                System::nanoTime);
    }

    LenderTicker(SharingLenderRules rules, long windowMs) {
        long tick = SlidingWindowQuota.tickMs(windowMs);
        thread = new Thread(() -> {
            // bounded: a test never runs a minute of ticks
            for (int i = 0; i < 60_000 / tick && running; i++) {
                synchronized (rules) {
                    try {
                        rules.refresh();
                        ticks.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
                try {
                    Thread.sleep(tick);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "lender-ticker");
        thread.setDaemon(true);
        thread.start();
    }

    int ticks() {
        return ticks.get();
    }

    int failures() {
        return failures.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }
}
