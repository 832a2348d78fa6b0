package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * This router's offer, queued for a paired neighbour by {@link ControlApi#requestCooperation}
 * (seed 001 step 306-310); its owner approves or rejects it there.
 *
 * @param peerId    the neighbour's id
 * @param sentAt    when it was queued (sent within 50 ms, resent every second until acknowledged)
 * @param messageId the message id on the channel
 * @param offered   cooperation type (UCI name) to parameter name to offered range
 */
public record OfferSent(String peerId, Instant sentAt, long messageId, Map<String, Map<String, ParameterSpan>> offered) {

    public OfferSent {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(sentAt, "sentAt");
        offered = Map.copyOf(offered);
    }
}
