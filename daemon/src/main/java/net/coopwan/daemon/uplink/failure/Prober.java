package net.coopwan.daemon.uplink.failure;

import java.io.Closeable;
import java.util.function.LongConsumer;

/**
 * The probes of one {@link ProbeTarget} on the wire. One owner thread calls {@link #send} and
 * {@link #drain}; neither blocks nor throws for what the network does: a probe that cannot leave
 * (no route, device down, queue full) is counted and is simply lost, a reply that is not ours or
 * is malformed is counted and ignored. {@link UplinkFailureRunner} feeds what happens to the
 * detector; tests use a fake.
 */
public interface Prober extends Closeable {

    ProbeTarget target();

    /** Sends probe {@code seq} (increasing); false when it could not leave (see {@link #lastError}). */
    boolean send(long seq);

    /**
     * Hands to {@code replies} the probe number of every reply to this prober that arrived since
     * the last call, at most {@code max} of them, without waiting; returns how many datagrams it
     * read (ours or not).
     */
    int drain(LongConsumer replies, int max);

    /** Replies read that were not ours or were malformed (foreign id, bad checksum, wrong sender, ...). */
    long ignored();

    /** Probes that could not be sent. */
    long sendFailures();

    /** The last send or receive error, or empty. */
    String lastError();

    /** Idempotent; after it, send returns false and drain reads nothing. */
    @Override
    void close();
}
