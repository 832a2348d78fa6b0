package net.coopwan.daemon.schedule;

/**
 * A byte token bucket: {@code rate} bytes per second flow in, at most {@code depth} are kept, a
 * packet of n bytes passes only while n tokens are there and then takes them. So in any interval
 * of length d the bytes that pass are at most {@code rate * d + depth} (seed 001 [0163]: stop
 * forwarding towards the sharer when the rate limit is reached, resume as tokens come back).
 *
 * <p>Integer arithmetic in nano-bytes (bytes x 10^9, the rate in bytes per second is then exactly
 * nano-bytes per nanosecond), so the bound holds exactly, not within a rounding error, and a
 * property test can check it to the byte. Time is the caller's (an injected clock in nanoseconds,
 * {@link System#nanoTime} in the data plane): the bucket has no clock of its own.
 *
 * <p>Sender-thread state: not thread-safe, allocates nothing.
 */
public final class TokenBucket {

    /** Depth of a bucket: this much of the rate, so short bursts pass but the sharer's queue stays short. */
    public static final long DEPTH_NANOS = 20_000_000L;
    /** ... and at least two full tunnel datagrams, so every packet can pass at some rate. */
    public static final long MIN_DEPTH_BYTES = 3000;
    /** Rates above this are treated as it (10 Gbit/s): keeps nano-byte sums far from overflow. */
    public static final long MAX_RATE = 1_250_000_000L;

    private static final long NANO = 1_000_000_000L;

    private long rate;
    private long maxTokens;
    private long tokens;
    private long last;

    /** Full at {@code nowNanos}. */
    public TokenBucket(long bytesPerSecond, long depthBytes, long nowNanos) {
        reconfigure(bytesPerSecond, depthBytes, nowNanos);
        tokens = maxTokens;
    }

    /** The depth this project gives a bucket of {@code bytesPerSecond}: 20 ms of it, at least 3000 bytes; 0 at rate 0. */
    public static long depthFor(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            return 0;
        }
        return Math.max(MIN_DEPTH_BYTES, Math.min(MAX_RATE, bytesPerSecond) * DEPTH_NANOS / NANO);
    }

    /**
     * A new rate and depth (a new offer): the tokens earned so far at the old rate are kept, clipped
     * to the new depth, so a lower offer takes effect with the next packet.
     */
    public void reconfigure(long bytesPerSecond, long depthBytes, long nowNanos) {
        if (bytesPerSecond < 0 || depthBytes < 0) {
            throw new IllegalArgumentException("rate and depth must be >= 0: " + bytesPerSecond + ", " + depthBytes);
        }
        if (maxTokens > 0) {
            refill(nowNanos);
        } else {
            last = nowNanos;
        }
        rate = Math.min(MAX_RATE, bytesPerSecond);
        maxTokens = Math.min(depthBytes, Long.MAX_VALUE / NANO / 2) * NANO;
        tokens = Math.min(tokens, maxTokens);
    }

    /** Whether a packet of {@code bytes} may pass now; takes nothing. */
    public boolean admits(int bytes, long nowNanos) {
        refill(nowNanos);
        return tokens >= bytes * NANO;
    }

    /** Takes the tokens of a packet that {@link #admits} allowed at the same time. */
    public void take(int bytes) {
        tokens -= bytes * NANO;
    }

    /** {@link #admits} and, if so, {@link #take}. */
    public boolean tryTake(int bytes, long nowNanos) {
        if (admits(bytes, nowNanos)) {
            take(bytes);
            return true;
        }
        return false;
    }

    public long rate() {
        return rate;
    }

    public long depth() {
        return maxTokens / NANO;
    }

    private void refill(long now) {
        long elapsed = now - last;
        if (elapsed <= 0) {
            return; // time given out of order (another thread's reading): no tokens, none lost
        }
        last = now;
        long missing = maxTokens - tokens;
        // elapsed * rate can overflow after seconds at 10 Gbit/s: compare with the time to fill first
        if (rate > 0 && elapsed >= missing / rate + 1) {
            tokens = maxTokens;
        } else {
            tokens += elapsed * rate;
        }
    }
}
