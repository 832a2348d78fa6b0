package net.coopwan.daemon.coop.commonisp;

/**
 * What duplication and suppression read of common-ISP detection ([0180]): per neighbour, whether
 * LC copies may go through it and whether it may be asked to suppress. SAME: copies through the
 * neighbour would cross the same ISP as our own (pointless), but its traffic loads our line, so
 * suppression requests go. DIFFERENT: the reverse. UNKNOWN: both, as before this feature (docs/
 * latency.md says why). Thread-safe and non-blocking: the data path may ask per packet.
 */
public interface CommonIspGate {

    /** Gates nothing (gate_on_isp off, or no detection running). */
    CommonIspGate OPEN = peerId -> IspVerdict.UNKNOWN;

    /** The verdict that gates {@code peerId}; UNKNOWN when nothing is known or gating is off. */
    IspVerdict verdict(String peerId);

    /** LC copies may be sent through {@code peerId} (duplication). */
    default boolean duplicationVia(String peerId) {
        return verdict(peerId).allowsDuplication();
    }

    /** SUPPRESSION_REQUEST may be sent to {@code peerId}. */
    default boolean suppressionRequestsTo(String peerId) {
        return verdict(peerId).allowsSuppressionRequests();
    }
}
