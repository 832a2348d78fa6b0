package net.coopwan.daemon.datapath;

import java.util.ArrayList;
import java.util.List;

/** The threads of one data path: started as daemon threads, joined (bounded) when it stops. */
final class Workers {
    private final List<Thread> threads = new ArrayList<>();

    /** Starts {@code task} as a daemon thread named {@code name}. */
    synchronized void start(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    /** Waits up to 2 s for each thread; the caller has told them to stop. */
    synchronized void join() {
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }
}
