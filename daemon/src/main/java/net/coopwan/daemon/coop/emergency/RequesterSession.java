package net.coopwan.daemon.coop.emergency;

/**
 * The requester's side of one emergency, as a plain state machine (docs/PROTOCOL.md 3.12):
 *
 * <pre>
 * NORMAL --uplink failed--> REQUESTING --ACK granted--> STARTING --path ready--> CARRIED
 *   ^                          |  ACK refused: back to NORMAL, asked again after a pause
 *   |                          |  uplink recovered: TERMINATE (the helper may have granted)
 *   +---- TERMINATE_ACK <-- ENDING <--uplink recovered / own end-- STARTING | CARRIED
 *   +---- helper's TERMINATE (answered with TERMINATE_ACK) ------- any state of this id
 * </pre>
 *
 * Claim 30: nothing is moved onto the helper before its ACK. The REQUEST is resent until it is
 * answered, as long as the uplink stays failed; a TERMINATE for 10 s at most.
 */
final class RequesterSession {

    enum State { REQUESTING, STARTING, CARRIED, ENDING }

    /** A TERMINATE is given up after this long: twice the channel's dead time (5 s). */
    static final long TERMINATE_GIVE_UP_NANOS = 10_000_000_000L;

    final long id;
    final String helperId;
    final EmergencyMessage.Mode mode;
    final EmergencyMessage.Cause cause;
    final java.util.List<EmergencyMessage.Destination> destinations;
    State state = State.REQUESTING;
    long sinceNanos;
    String reason;
    EmergencyMessage.Grant grant;
    EmergencyMessage.EndReason endReason;
    Resend resend;
    /** The path's name once the LAN is on it (its counters'), for the ledger. */
    volatile String pathName;
    /** When the REQUEST was last repeated as the lease while carried. */
    long leaseSentNanos;

    RequesterSession(long id, String helperId, EmergencyMessage.Mode mode, EmergencyMessage.Cause cause, String reason,
            java.util.List<EmergencyMessage.Destination> destinations, long now) {
        this.destinations = java.util.List.copyOf(destinations);
        this.id = id;
        this.helperId = helperId;
        this.mode = mode;
        this.cause = cause;
        this.reason = reason;
        this.sinceNanos = now;
        this.resend = new Resend(now, Long.MAX_VALUE);
    }

    EmergencyMessage.Request request() {
        return new EmergencyMessage.Request(id, mode, cause, 0, 0, destinations);
    }

    void granted(EmergencyMessage.Grant g, long now) {
        grant = g;
        leaseSentNanos = now;
        state = State.STARTING;
        sinceNanos = now;
        resend = null;
    }

    void carried(long now) {
        state = State.CARRIED;
        sinceNanos = now;
    }

    void ending(EmergencyMessage.EndReason why, long now) {
        state = State.ENDING;
        endReason = why;
        sinceNanos = now;
        resend = new Resend(now, TERMINATE_GIVE_UP_NANOS);
    }

    boolean holdsPath() {
        return state == State.STARTING || state == State.CARRIED;
    }
}
