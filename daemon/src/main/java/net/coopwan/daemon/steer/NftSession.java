package net.coopwan.daemon.steer;

import java.time.Duration;

/**
 * A long-lived conversation with nftables, for what must run many times a second (the sharer's
 * sliding-window quota, {@link SlidingWindowQuota}): starting {@code nft} for each reading would
 * cost a process per tick. The real one is {@link InteractiveNft}; unit tests script a fake.
 */
public interface NftSession extends AutoCloseable {

    /**
     * Runs one {@code list ...} command and returns its answer as nft's JSON (one line).
     *
     * @throws SteerException with nft's message when it refused the command (e.g. no such table),
     *                        or when no answer came within {@code timeout}
     */
    String list(String command, Duration timeout);

    /**
     * Sends commands that answer nothing when they succeed (one per line); a refusal is counted in
     * {@link #refused()} and logged, it does not wait.
     */
    void send(String commands);

    /** Commands nft refused so far (those of {@link #send}). */
    long refused();

    @Override
    void close();
}
