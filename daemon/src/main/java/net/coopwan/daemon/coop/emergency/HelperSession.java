package net.coopwan.daemon.coop.emergency;

/**
 * The helper's side of one requester's emergency, as a plain state machine:
 *
 * <pre>
 * (REQUEST accepted by the agreement) PREPARING --path ready--> HELPING (ACK sent, resent on a repeated REQUEST)
 *   PREPARING --set-up failed--> gone (ACK refused: set-up failed)
 *   HELPING --requester's TERMINATE--> gone (TERMINATE_ACK; the path is removed)
 *   HELPING --owner ends / agreement withdrawn--> ENDING (TERMINATE resent, path removed at once)
 *   ENDING --TERMINATE_ACK or 10 s--> gone
 * </pre>
 *
 * The path exists before the ACK leaves, so the requester's first packet after the ACK is
 * carried (claim 30: forwarding starts after the ack).
 */
final class HelperSession {

    enum State { PREPARING, HELPING, ENDING }

    final long id;
    final String requesterId;
    final EmergencyMessage.Mode mode;
    final EmergencyMessage.Cause cause;
    final EmergencyMessage.Grant grant;
    final int slot;
    /** Mode concentrator: where the requester's sealed packets may go. */
    final java.util.List<EmergencyMessage.Destination> destinations;
    final long startedNanos;
    long agreementCheckedNanos;
    /** The path's name once it is set up (its kernel counters'), for the ledger; guarded by the service's lock. */
    volatile String pathName;
    /** When the requester last asked (its first REQUEST or a repeat): the lease. */
    long leaseNanos;
    State state = State.PREPARING;
    /** The ACK to send (set when the path is ready); resent for every repeated REQUEST. */
    EmergencyMessage.Ack ack;
    boolean ackDue;
    EmergencyMessage.EndReason endReason;
    Resend resend;

    HelperSession(long id, String requesterId, EmergencyMessage.Mode mode, EmergencyMessage.Cause cause,
            EmergencyMessage.Grant grant, int slot, java.util.List<EmergencyMessage.Destination> destinations, long now) {
        this.id = id;
        this.requesterId = requesterId;
        this.mode = mode;
        this.cause = cause;
        this.grant = grant;
        this.slot = slot;
        this.destinations = java.util.List.copyOf(destinations);
        this.startedNanos = now;
        this.agreementCheckedNanos = now;
        this.leaseNanos = now;
    }

    void ready() {
        state = State.HELPING;
        ack = EmergencyMessage.Ack.granted(id, grant);
        ackDue = true;
    }

    void ending(EmergencyMessage.EndReason why, long now) {
        state = State.ENDING;
        endReason = why;
        resend = new Resend(now, RequesterSession.TERMINATE_GIVE_UP_NANOS);
    }
}
