package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A step of the cooperation handshake with a neighbour (docs/PROTOCOL.md 3.11), for front-ends
 * that push updates (an SNMP notification, a page refresh) without parsing the event log.
 *
 * @param peerId the neighbour's id
 * @param what   what happened
 * @param reason why, in words (the owner's reason, the failed rules), "" if there is nothing to say
 * @param at     when this router saw it
 */
public record AgreementChanged(String peerId, What what, String reason, Instant at) implements StateChange {

    public enum What {
        /** A neighbour's offer now waits for this router's owner. */
        PENDING,
        /** An agreement was persisted (helper: owner approved; requester: the response was accepted). */
        AGREED,
        /** The owner rejected a pending offer (helper), or the neighbour's owner rejected ours (requester). */
        REJECTED,
        /** A response or an offer failed the rules and was refused; nothing enabled. */
        REFUSED,
        /** The neighbour refused our response: the helper's agreement was deleted again. */
        WITHDRAWN
    }

    public AgreementChanged {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(what, "what");
        reason = reason == null ? "" : reason;
        Objects.requireNonNull(at, "at");
    }
}
