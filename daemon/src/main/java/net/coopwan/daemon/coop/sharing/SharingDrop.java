package net.coopwan.daemon.coop.sharing;

/** Why a SHARING message was not acted on; counted and shown beside the channel's drops. */
public enum SharingDrop {
    /** The plaintext broke the layout (a bug or a newer peer; it was authenticated). */
    SHARING_MALFORMED,
    /** An OFFER from a peer this router has no bandwidth_sharing agreement with as borrower (or borrowing is off). */
    SHARING_NOT_BORROWER,
    /** An ANSWER or RELEASE_ACK that answers nothing we sent (or an old copy of one). */
    SHARING_UNEXPECTED,
    /** A USE refused: no bandwidth_sharing agreement with that peer as sharer (or lending is off). */
    SHARING_REFUSED_NO_AGREEMENT,
    /** A USE refused: not this run's offer, or one of nothing. */
    SHARING_REFUSED_NO_OFFER,
    /** A USE refused: this router's owner stopped lending to that borrower (until resumed). */
    SHARING_REFUSED_STOPPED,
    /** A USE refused: every path slot is in use. */
    SHARING_REFUSED_BUSY,
    /** A path could not be set up (the reason is logged). */
    SHARING_SETUP_FAILED
}
