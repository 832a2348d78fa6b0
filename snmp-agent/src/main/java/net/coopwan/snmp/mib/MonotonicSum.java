package net.coopwan.snmp.mib;

/**
 * A Counter64 built from a daemon figure that starts again at 0 (LC packets when the table is made
 * again, duplication's counters each time it turns on): the agent adds what the figure grew by
 * since the last reading, and a figure lower than the last reading is a new start whose whole value
 * is added. So the object never decreases while the agent runs; its discontinuity is the agent's
 * start (sysUpTime), as the module says for counters. Growth of a figure between a reset and the
 * next reading that is lower than the figure before the reset is lost (readings are at most
 * {@link BondMib#SNAPSHOT_MILLIS} ms apart when asked for); never counted twice.
 */
final class MonotonicSum {

    private long last;
    private long total;

    /** Feeds the figure read now (negative: unknown, ignored); returns the sum. */
    synchronized long add(long figure) {
        if (figure >= 0) {
            total += figure >= last ? figure - last : figure;
            last = figure;
        }
        return total;
    }

    synchronized long total() {
        return total;
    }
}
