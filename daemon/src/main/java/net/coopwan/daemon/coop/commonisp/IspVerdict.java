package net.coopwan.daemon.coop.commonisp;

/**
 * How common two neighbours' ISPs are ([0179]; notes section 8), and what it gates ([0180]).
 */
public enum IspVerdict {
    /** Routes differ only in their first one or two hops: one ISP. Duplication via the neighbour is pointless; suppression requests help. */
    SAME,
    /** Routes share less: different ISPs. Duplication via the neighbour helps; a suppression request would not relieve our line. */
    DIFFERENT,
    /** No comparison possible (no route yet, a trace did not reach the target, targets differ): nothing is gated. */
    UNKNOWN;

    /** Whether LC copies may go through this neighbour (duplication). */
    public boolean allowsDuplication() {
        return this != SAME;
    }

    /** Whether this router may send SUPPRESSION_REQUEST to this neighbour. */
    public boolean allowsSuppressionRequests() {
        return this != DIFFERENT;
    }
}
