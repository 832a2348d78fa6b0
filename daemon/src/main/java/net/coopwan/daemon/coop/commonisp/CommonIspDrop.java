package net.coopwan.daemon.coop.commonisp;

/** Why a COMMON_ISP message was not used; counted and shown beside the channel's drops. */
public enum CommonIspDrop {
    /** The plaintext broke the layout (a bug or a newer peer; it was authenticated). */
    COMMON_ISP_MALFORMED,
    /** A report older than the one held (its sequence already seen, or a late copy). */
    COMMON_ISP_REPEATED
}
