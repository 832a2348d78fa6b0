package net.coopwan.daemon.coop.emergency;

/** Why an EMERGENCY message was not acted on; counted and shown beside the channel's drops. */
public enum EmergencyDrop {
    /** The plaintext broke the layout (a bug or a newer peer; it was authenticated). */
    EMERGENCY_MALFORMED,
    /** An ACK or TERMINATE_ACK that answers nothing we sent (or an old copy of one). */
    EMERGENCY_UNEXPECTED,
    /** A copy of a REQUEST for an emergency that has already ended (reordered or late). */
    EMERGENCY_STALE,
    /** A REQUEST refused: no emergency agreement with that peer as its helper. */
    EMERGENCY_REFUSED_NO_AGREEMENT,
    /** A REQUEST refused: it asked for more than the agreement's quota or window. */
    EMERGENCY_REFUSED_OVER_AGREEMENT,
    /** A REQUEST refused: it named a concentrator outside this helper's list. */
    EMERGENCY_REFUSED_DESTINATION,
    /** A REQUEST refused: every slot for requesters is in use. */
    EMERGENCY_REFUSED_BUSY,
    /** A REQUEST refused: the path could not be set up (the reason is logged). */
    EMERGENCY_SETUP_FAILED,
    /** A TERMINATE was sent for 10 s without an answer. */
    EMERGENCY_GAVE_UP
}
