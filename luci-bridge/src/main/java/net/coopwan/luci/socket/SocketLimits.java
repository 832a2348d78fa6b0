package net.coopwan.luci.socket;

import java.time.Duration;

/**
 * What one local client may cost the daemon.
 *
 * @param maxLineBytes   longest request line; longer gets an error and the connection is closed
 * @param maxConnections connections served at once; more get an error and are closed
 * @param idleTimeout    a connection silent this long is closed; also the send timeout for a
 *                       client that stops reading its answers
 */
public record SocketLimits(int maxLineBytes, int maxConnections, Duration idleTimeout) {

    /**
     * 64 KiB is far above any request of this API (a batch of all methods is under 1 KiB); 16
     * connections cover LuCI, a few shells and scripts; 30 s lets a person type into socat.
     */
    public static final SocketLimits DEFAULTS = new SocketLimits(64 * 1024, 16, Duration.ofSeconds(30));

    public SocketLimits {
        if (maxLineBytes < 1 || maxConnections < 1 || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("limits must be positive: " + maxLineBytes + ", " + maxConnections
                    + ", " + idleTimeout);
        }
    }
}
