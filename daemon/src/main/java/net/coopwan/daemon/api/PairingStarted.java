package net.coopwan.daemon.api;

import java.time.Instant;

/**
 * A pairing started on this router: show {@code code} to the owner, who types it on the router
 * at {@code peerAddress} ({@code coopwan ctl pair enter THIS-ADDRESS CODE} there).
 *
 * @param peerAddress the neighbour the code is for
 * @param code        8 digits as {@code 1234-5678}
 * @param expiresAt   when the code stops being accepted (5 minutes)
 * @param routerId    this router's id
 */
public record PairingStarted(String peerAddress, String code, Instant expiresAt, String routerId) {
}
