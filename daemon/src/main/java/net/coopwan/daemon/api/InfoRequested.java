package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An INFO_REQUEST queued for a paired neighbour by {@link ControlApi#requestInfo}; its answer
 * shows in {@link ControlApi#peerInfo} with {@link PeerInfo#requestId()} equal to {@code messageId}.
 *
 * @param peerId    the neighbour's id
 * @param messageId the request's message id on the channel
 * @param sentAt    when it was queued (sent within 50 ms, resent every second until acknowledged)
 */
public record InfoRequested(String peerId, long messageId, Instant sentAt) {

    public InfoRequested {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(sentAt, "sentAt");
    }
}
