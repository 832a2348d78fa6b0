package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A neighbour's offer waiting for this router's owner (seed 001 step 313, [0113]): approve a
 * subset with one value per parameter inside the ranges, or reject.
 *
 * @param peerId     the requesting router's id
 * @param peerName   its name, "" if none is known
 * @param receivedAt when the (first) offer arrived
 * @param offered    cooperation type (UCI name) to parameter name to offered range
 */
public record PendingApproval(String peerId, String peerName, Instant receivedAt, Map<String, Map<String, ParameterSpan>> offered) {

    public PendingApproval {
        Objects.requireNonNull(peerId, "peerId");
        peerName = peerName == null ? "" : peerName;
        Objects.requireNonNull(receivedAt, "receivedAt");
        offered = Map.copyOf(offered);
    }
}
