package net.coopwan.daemon.control;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import net.coopwan.daemon.api.StateChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands {@link StateChange}s to the subscribed listeners, on the publisher's thread and in
 * subscription order. Publishers call {@link #publish} holding none of their locks. A listener must
 * return quickly (queue its work elsewhere); one that throws is logged and does not stop the others.
 */
public final class StateChanges {

    private static final Logger LOG = LoggerFactory.getLogger("coopwan");

    private final List<Consumer<? super StateChange>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong listenerFailures = new AtomicLong();

    /** Adds a listener; closing the result removes it (again: no effect). */
    public AutoCloseable subscribe(Consumer<? super StateChange> listener) {
        Objects.requireNonNull(listener, "listener");
        // A wrapper per subscription, so the same listener subscribed twice is removed once per close.
        Consumer<? super StateChange> entry = listener::accept;
        listeners.add(entry);
        return () -> listeners.remove(entry);
    }

    public void publish(StateChange change) {
        for (Consumer<? super StateChange> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError) {
                    throw (VirtualMachineError) e;
                }
                listenerFailures.incrementAndGet();
                LOG.warn("a state change listener failed on {}: {}", change, e.toString(), e);
            }
        }
    }

    /** Listeners subscribed now. */
    public int listenerCount() {
        return listeners.size();
    }

    /** Listener calls that threw, since start. */
    public long listenerFailures() {
        return listenerFailures.get();
    }
}
