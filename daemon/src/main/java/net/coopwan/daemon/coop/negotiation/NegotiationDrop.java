package net.coopwan.daemon.coop.negotiation;

/** Why a received COOP_MESSAGE was not acted on (counted; shown as COOP_* in the channel's drops). */
public enum NegotiationDrop {
    /** Not a well-formed message ({@link CoopCodec#parse}). */
    MALFORMED,
    /** A message id already handled from that peer: a resend whose ack was lost. Acknowledged again. */
    DUPLICATE,
    /** A response, verdict or ack that answers nothing we sent (late, or after a restart). */
    UNEXPECTED,
    /** The store failed while acting on it; the event log says why. */
    STORE_FAILED,
    /** A message we sent was given up after {@link Negotiation#MAX_TRIES} sends without an ack. */
    GAVE_UP
}
