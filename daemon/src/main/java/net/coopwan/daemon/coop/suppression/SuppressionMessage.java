package net.coopwan.daemon.coop.suppression;

/**
 * The messages of cooperative suppression (seed 001 [0173]-[0177]; docs/PROTOCOL.md 3.14): the
 * router with latency-critical (LC) traffic asks its neighbour to hold back the neighbour's own
 * other traffic, and tells it when to stop. The text leaves the fields NS; the notes' RESOLVE
 * adds an app type and maximum_percentage_of_the_packets_to_be_dropped, we add a request id (so
 * a late STOP of an old request cannot end a new one) and a lease (so a requester that vanishes
 * cannot leave its neighbour suppressing). Wire layout: {@link SuppressionCodec}.
 */
public sealed interface SuppressionMessage {

    /** The requester's id of this suppression (unsigned 32 bits). */
    long requestId();

    /**
     * Requester to neighbour: suppress your other traffic. Sent again (same id, values may change)
     * before the lease ends while the need lasts.
     *
     * @param appType        what the LC traffic is
     * @param maxDropPercent maximum_percentage_of_the_packets_to_be_dropped asked for, 0..100
     * @param leaseMs        how long this request holds without a renewal, 100..60 000 ms
     */
    record Request(long requestId, AppType appType, int maxDropPercent, long leaseMs) implements SuppressionMessage {
        public Request {
            SuppressionCodec.checkU32(requestId, "request id");
            if (appType == null) {
                throw new IllegalArgumentException("app type");
            }
            if (maxDropPercent < 0 || maxDropPercent > 100) {
                throw new IllegalArgumentException("max drop percent is 0..100, got " + maxDropPercent);
            }
            if (leaseMs < SuppressionCodec.MIN_LEASE_MS || leaseMs > SuppressionCodec.MAX_LEASE_MS) {
                throw new IllegalArgumentException("lease is " + SuppressionCodec.MIN_LEASE_MS + ".."
                        + SuppressionCodec.MAX_LEASE_MS + " ms, got " + leaseMs);
            }
        }
    }

    /** Requester to neighbour: the seed's "stop suppression" (its LC session ended or the issue cleared). */
    record Stop(long requestId) implements SuppressionMessage {
        public Stop {
            SuppressionCodec.checkU32(requestId, "request id");
        }
    }

    /**
     * Neighbour to requester, for every REQUEST and STOP: what it enforces now for this request.
     *
     * @param appliedPercent the drop ceiling it applies (the smaller of the request's and its
     *                       agreement's), or -1 when it does not suppress (refused or stopped)
     * @param refusal        why not, or null when it suppresses or stopped on request
     */
    record Answer(long requestId, int appliedPercent, Refusal refusal) implements SuppressionMessage {
        public Answer {
            SuppressionCodec.checkU32(requestId, "request id");
            if (appliedPercent < -1 || appliedPercent > 100) {
                throw new IllegalArgumentException("applied percent is -1..100, got " + appliedPercent);
            }
            if (refusal != null && appliedPercent != -1) {
                throw new IllegalArgumentException("a refusal applies nothing");
            }
        }

        public boolean enforcing() {
            return appliedPercent >= 0;
        }
    }

    /** Why a neighbour does not suppress. Codes are stable on the wire. */
    enum Refusal {
        /** No agreement with the suppression type with this peer (or the owner turned it off). */
        NO_AGREEMENT(1),
        /** The kernel rules could not be applied (logged on the neighbour). */
        SETUP_FAILED(2);

        final int code;

        Refusal(int code) {
            this.code = code;
        }

        static Refusal of(int code) {
            for (Refusal r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            return null;
        }
    }
}
