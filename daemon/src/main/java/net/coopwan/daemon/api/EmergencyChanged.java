package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An emergency started or ended, in either role (docs/emergency.md), for front-ends that push
 * updates: the SNMP agent sends emergencyStarted / emergencyEnded from these.
 *
 * @param peerId  the neighbour: our helper when {@code role} is requester, the router we carry when helper
 * @param role    "requester" or "helper"
 * @param started true when it started (traffic flows through the helper), false when it ended
 * @param reason  why, in words
 * @param at      when this router saw it
 */
public record EmergencyChanged(String peerId, String role, boolean started, String reason, Instant at)
        implements StateChange {
    public EmergencyChanged {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(role, "role");
        reason = reason == null ? "" : reason;
        Objects.requireNonNull(at, "at");
    }
}
