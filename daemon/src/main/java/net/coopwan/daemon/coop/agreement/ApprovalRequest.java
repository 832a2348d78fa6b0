package net.coopwan.daemon.coop.agreement;

import java.time.Instant;
import java.util.Objects;

/**
 * A requester's offer waiting for the helper's owner (step 313: "presents the list"), as the
 * owner sees it on a front-end.
 *
 * @param peerId     the requester's router id
 * @param offer      the offered types and ranges
 * @param receivedAt when the (first) offer arrived; kept when a same-or-subset repeat arrives
 */
public record ApprovalRequest(String peerId, Offer offer, Instant receivedAt) {

    public ApprovalRequest {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(offer, "offer");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
