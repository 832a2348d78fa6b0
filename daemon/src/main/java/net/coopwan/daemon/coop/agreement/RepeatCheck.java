package net.coopwan.daemon.coop.agreement;

/**
 * What a repeated offer from a peer with a pending approval does ([0116]).
 *
 * @param outcome what happens to the pending approval
 * @param pending the approval request now pending (the old one, narrowed, or the new one)
 * @param why     for the event log: which difference caused a replacement, or "same"/"subset"
 */
public record RepeatCheck(Outcome outcome, ApprovalRequest pending, String why) {

    public enum Outcome {
        /** Identical offer: the pending approval stays as it is. */
        SAME,
        /** Fewer types or narrower ranges: the pending approval stays (same time in the queue) with the narrower offer. */
        SUBSET,
        /** A new type, a new or missing parameter, or a wider range: the pending approval is replaced. */
        REPLACED
    }
}
