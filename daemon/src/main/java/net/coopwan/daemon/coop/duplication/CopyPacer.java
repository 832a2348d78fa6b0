package net.coopwan.daemon.coop.duplication;

import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BiConsumer;

/**
 * Holds the copies of LC packets until their offset ({@link CopySchedule}) is reached, on the
 * caller's monotonic clock ({@code nowNanos}: {@code System.nanoTime()} in the data path, a
 * counter in tests).
 *
 * <p>Scheduler tolerance (the notes' "within scheduler tolerance", our definition): a copy is
 * never released before its due time, and is released by the first {@link #releaseDue} at or
 * after it. The data path waits at most until {@link #nextDueNanos()}, so a copy is late only by
 * that thread's wake-up latency; a copy more than {@link #STALE_NANOS} late is dropped and
 * counted instead, because a copy that leaves after the next packet protects nothing.
 *
 * <p>Bounded: at most {@code capacity} copies wait; further ones are dropped and counted
 * (a sender faster than its expected interval must not grow the queue). Copies due at the same
 * time leave in the order they were added. Not thread-safe: the sending thread owns it.
 *
 * @param <T> the packet (its encoded copies, or a handle to them)
 */
public final class CopyPacer<T> {
    /** A copy this late is dropped: longer than the longest expected interval worth spreading. */
    public static final long STALE_NANOS = CopySchedule.MAX_TAU_NANOS;

    private record Pending<T>(T packet, ScheduledCopy copy, long dueNanos, long order) {
    }

    private final int capacity;
    private final PriorityQueue<Pending<T>> queue;
    private long added;
    private long overflows;
    private long stale;
    private long maxLatenessNanos;

    public CopyPacer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.capacity = capacity;
        this.queue = new PriorityQueue<>(Math.min(capacity, 64), (a, b) -> a.dueNanos != b.dueNanos
                ? Long.compare(a.dueNanos - b.dueNanos, 0) // monotonic clock: compare differences
                : Long.compare(a.order, b.order));
    }

    /** Queues the copies of {@code packet} that arrived at {@code nowNanos}; returns how many were refused. */
    public int add(T packet, List<ScheduledCopy> plan, long nowNanos) {
        int refused = 0;
        for (ScheduledCopy c : plan) {
            if (queue.size() >= capacity) {
                refused++;
                continue;
            }
            queue.add(new Pending<>(packet, c, nowNanos + c.offsetNanos(), added++));
        }
        overflows += refused;
        return refused;
    }

    /** Hands every copy due by {@code nowNanos} to {@code send}, in due order; returns how many. */
    public int releaseDue(long nowNanos, BiConsumer<T, ScheduledCopy> send) {
        int n = 0;
        while (!queue.isEmpty() && queue.peek().dueNanos - nowNanos <= 0) {
            Pending<T> p = queue.poll();
            long late = nowNanos - p.dueNanos;
            if (late > STALE_NANOS) {
                stale++;
                continue;
            }
            maxLatenessNanos = Math.max(maxLatenessNanos, late);
            send.accept(p.packet, p.copy);
            n++;
        }
        return n;
    }

    /** When the next copy is due, or {@link Long#MAX_VALUE} when none waits. */
    public long nextDueNanos() {
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().dueNanos;
    }

    public int waiting() {
        return queue.size();
    }

    public long overflows() {
        return overflows;
    }

    /** The latest a released copy left after its due time (the tolerance actually seen). */
    public long maxLatenessNanos() {
        return maxLatenessNanos;
    }

    public long stale() {
        return stale;
    }

    /** Drops every waiting copy (the session ended or duplication was switched off). */
    public void clear() {
        queue.clear();
    }
}
