package net.coopwan.daemon.coop.emergency;

import java.util.List;

import net.coopwan.daemon.api.EmergencyStatus;

/**
 * Where the emergency's counters outlive the process (the daemon: {@code store.EmergencyStore}):
 * a start is counted when traffic starts to flow, a path's final counters are added when it ends,
 * and the paths still running are known, so a start after a kill -9 can end them with the
 * counters the killed run left in the kernel. Called on the service's worker thread.
 */
public interface EmergencyLedger {

    /** Traffic started to flow on path {@code pathName} with {@code peerId}, this router being {@code role}. */
    void started(String pathName, String peerId, String role);

    /** Path {@code pathName} ended with these final counters; a path not running is ignored. */
    void ended(String pathName, EmergencyPaths.PathCounters last);

    /** The paths recorded as running (after a kill -9: the killed run's). */
    List<String> running();

    /** Every neighbour's totals. */
    List<EmergencyStatus.Total> totals();

    /** Counts in memory only: for tests, and for a daemon without its store. */
    static EmergencyLedger inMemory() {
        return new MemoryLedger();
    }
}
