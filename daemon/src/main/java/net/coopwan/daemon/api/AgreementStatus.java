package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One persisted agreement with a neighbour: the cooperation types enabled with it (seed 001
 * [0115]), as every front-end shows them.
 *
 * @param peerId     the other router's id
 * @param peerName   its name as last advertised or given at approval, "" if none is known
 * @param role       {@code requester} (this router asked and the neighbour lends) or
 *                   {@code helper} (this router's owner approved and it lends its uplink)
 * @param enabled    cooperation type (UCI name, e.g. {@code emergency}) to parameter name to
 *                   agreed value
 * @param approvedAt when it was approved (helper) or accepted (requester)
 * @param approvedBy who approved it, e.g. {@code web:admin} or {@code ctl}
 */
public record AgreementStatus(String peerId, String peerName, String role, Map<String, Map<String, Long>> enabled,
                              Instant approvedAt, String approvedBy) {

    public AgreementStatus {
        Objects.requireNonNull(peerId, "peerId");
        peerName = peerName == null ? "" : peerName;
        Objects.requireNonNull(role, "role");
        enabled = Map.copyOf(enabled);
        Objects.requireNonNull(approvedAt, "approvedAt");
        approvedBy = approvedBy == null ? "" : approvedBy;
    }
}
