package net.coopwan.daemon.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The emergency connection as this router sees it (docs/emergency.md): as requester, whether its
 * LAN is carried by a neighbour; as helper, whom it carries; and the counters of both.
 *
 * @param requester this router's own emergency (state NORMAL when its uplink is fine)
 * @param helping   the neighbours this router carries now, one entry each
 * @param started   emergencies started, both roles, every neighbour, kept across restarts (the sum of {@code totals})
 * @param counters  refused requests, drops and unexpected messages by reason, since the daemon started
 * @param totals    per neighbour and role: emergencies started and the bytes of those that ended,
 *                  kept across restarts and kill -9 (the state store)
 */
public record EmergencyStatus(Requester requester, List<Helping> helping, long started, Map<String, Long> counters,
        List<Total> totals) {

    public EmergencyStatus {
        Objects.requireNonNull(requester, "requester");
        helping = List.copyOf(helping);
        counters = Map.copyOf(counters);
        totals = List.copyOf(totals);
    }

    /** Without totals (a status from before they were kept). */
    public EmergencyStatus(Requester requester, List<Helping> helping, long started, Map<String, Long> counters) {
        this(requester, helping, started, counters, List.of());
    }

    /**
     * One neighbour's totals in one role, kept in the state store.
     *
     * @param role "requester" (the neighbour carried this router) or "helper" (this router carried it)
     * @param bytesOut requester: sent through the neighbour; helper: carried out of this router's uplink
     * @param bytesIn  requester: received back through the neighbour; helper: 0 (not counted)
     * @param sessions connections moved onto the neighbour's paths (bandwidth sharing's borrower,
     *                 whose totals the same store keeps with role "borrower" or "sharer"); 0 for the emergency
     */
    public record Total(String peerId, String role, long started, long bytesOut, long bytesIn, long bytesDropped,
            long packetsRefused, long sessions) {
        public Total {
            Objects.requireNonNull(peerId, "peerId");
            Objects.requireNonNull(role, "role");
        }

        /** An emergency's total: no sessions counted. */
        public Total(String peerId, String role, long started, long bytesOut, long bytesIn, long bytesDropped,
                long packetsRefused) {
            this(peerId, role, started, bytesOut, bytesIn, bytesDropped, packetsRefused, 0);
        }
    }

    /**
     * @param state    NORMAL, REQUESTING, STARTING, CARRIED or ENDING
     * @param peerId   the helper asked or carrying, null in NORMAL
     * @param since    when the state was entered
     * @param reason   why (the detector's evidence, a refusal, the helper's end reason)
     * @param mode     direct or concentrator
     * @param quotaBytes granted quota per window (0 before a grant)
     * @param windowMs   its window
     * @param bytesSent  bytes this router sent through the helper in this emergency
     * @param bytesReceived bytes received back through it
     */
    public record Requester(String state, String peerId, Instant since, String reason, String mode, long quotaBytes,
            long windowMs, long bytesSent, long bytesReceived) {
        public Requester {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(since, "since");
            reason = reason == null ? "" : reason;
            mode = mode == null ? "" : mode;
        }
    }

    /**
     * @param peerId       the requester carried
     * @param state        PREPARING, HELPING or ENDING
     * @param since        when help started
     * @param reason       the requester's cause
     * @param quotaBytes   the quota enforced per window
     * @param windowMs     the window
     * @param bytesCarried bytes of the requester's traffic sent out of this router's uplink
     * @param bytesDropped bytes dropped over the quota
     * @param packetsRefused packets refused (destination not allowed, wrong interface)
     * @param quotaUsedPercent bytes carried in the last window, per cent of the quota
     */
    public record Helping(String peerId, String state, Instant since, String reason, long quotaBytes, long windowMs,
            long bytesCarried, long bytesDropped, long packetsRefused, int quotaUsedPercent) {
        public Helping {
            Objects.requireNonNull(peerId, "peerId");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(since, "since");
            reason = reason == null ? "" : reason;
        }
    }

    /** Nothing to show: no emergency feature running. */
    public static EmergencyStatus off(Instant now) {
        return new EmergencyStatus(new Requester("NORMAL", null, now, "", "", 0, 0, 0, 0), List.of(), 0, Map.of());
    }
}
