package net.coopwan.daemon.coop.suppression;

/** Why a SUPPRESSION message was not acted on; counted and shown beside the channel's drops. */
public enum SuppressionDrop {
    /** The plaintext broke the layout (a bug or a newer peer; it was authenticated). */
    SUPPRESSION_MALFORMED,
    /** A REQUEST from a peer without a suppression agreement (answered with a refusal). */
    SUPPRESSION_NO_AGREEMENT,
    /** A STOP or ANSWER that names no request we know (late, repeated, or of an older request). */
    SUPPRESSION_UNEXPECTED
}
