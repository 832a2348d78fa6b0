package net.coopwan.lab;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One impaired direction of a relay: asks its {@link LinkImpairment} when each packet may leave,
 * holds it until then and hands it to a {@link Sender}. Shared by the UDP relay (a datagram and the
 * client it belongs to) and the IP relay of the lab's impaired uplinks (a packet and nothing else).
 * Memory is bounded: at most {@code maxQueued} packets and {@code maxQueuedBytes} bytes wait; beyond
 * that a packet counts as dropped-queue.
 *
 * @param <T> what the sender needs besides the bytes (the UDP relay's client), or Void
 */
public final class ReleaseQueue<T> {

    /** Sends one released packet; false or an exception counts as an error of the direction. */
    @FunctionalInterface
    public interface Sender<T> {
        boolean send(ByteBuffer packet, T to) throws IOException;
    }

    /** A packet waiting for its release time; seq keeps equal release times in arrival order. */
    private record Pending<T>(long release, long seq, byte[] data, T to) {
    }

    private final String name;
    private final LinkImpairment model;
    private final Sender<T> sender;
    private final int maxQueued;
    private final long maxQueuedBytes;
    private final PriorityQueue<Pending<T>> queue = new PriorityQueue<>(
            (a, b) -> a.release != b.release ? Long.compare(a.release, b.release) : Long.compare(a.seq, b.seq));
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long seq;
    private long queuedBytes;

    public ReleaseQueue(String name, LinkImpairment model, Sender<T> sender, int maxQueued, long maxQueuedBytes) {
        this.name = name;
        this.model = model;
        this.sender = sender;
        this.maxQueued = maxQueued;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    public String name() {
        return name;
    }

    public LinkImpairment model() {
        return model;
    }

    /** Admits the bytes from DATA's position to its limit (copied) or drops them, as the model says. */
    public void offer(ByteBuffer data, T to) {
        int size = data.remaining();
        long now = System.nanoTime();
        lock.lock();
        try {
            if (queue.size() >= maxQueued || queuedBytes + size > maxQueuedBytes) {
                model.dropOverflow();
                return;
            }
            long release = model.admit(now, size);
            if (release < 0) {
                return;
            }
            byte[] copy = new byte[size];
            data.get(copy);
            queue.add(new Pending<>(release, seq++, copy, to));
            queuedBytes += size;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Drops what waits and resets the model. */
    public void clear() {
        lock.lock();
        try {
            queue.clear();
            queuedBytes = 0;
            model.reset();
        } finally {
            lock.unlock();
        }
    }

    /** The sending loop, until {@code running} turns false or the thread is interrupted. */
    public void pump(BooleanSupplier running) {
        while (running.getAsBoolean()) {
            Pending<T> next;
            lock.lock();
            try {
                Pending<T> head = queue.peek();
                if (head == null) {
                    changed.awaitNanos(100_000_000L);
                    continue;
                }
                long wait = head.release - System.nanoTime();
                if (wait > 0) {
                    changed.awaitNanos(wait);
                    continue;
                }
                next = queue.poll();
                queuedBytes -= next.data.length;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                if (sender.send(ByteBuffer.wrap(next.data), next.to)) {
                    model.forwarded();
                } else {
                    model.error();
                }
            } catch (IOException | RuntimeException e) {
                model.error();
                System.err.println("relay: " + name + " send failed: " + e);
            }
        }
    }
}
