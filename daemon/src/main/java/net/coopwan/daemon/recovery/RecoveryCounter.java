package net.coopwan.daemon.recovery;

/** What {@link LossRecovery} counts, per far end; docs/PROTOCOL.md 4.8. */
public enum RecoveryCounter {
    /** Receiver: packet numbers reported lost by the gap detector. */
    MISSING,
    /** Receiver: numbers lost on a link that carried no DATA in the last second (keep-alives, LC copies): not NACKed. */
    MISSING_NO_DATA,
    /** Receiver: NACK packets sent. */
    NACKS_SENT,
    /** Receiver: numbers named in the NACKs sent. */
    NACKED_NUMBERS,
    /** Receiver: numbers not sent in a NACK because of the NACK rate limit (or no usable link). */
    NACK_SUPPRESSED,
    /** Sender: NACK packets received and well formed. */
    NACKS_RECEIVED,
    /** Sender: NACK packets dropped as malformed (also counted as the tunnel's BAD_PAYLOAD). */
    NACK_MALFORMED,
    /** Sender: numbers beyond the {@value NackCodec#MAX_NUMBERS} acted on per NACK. */
    NACK_CAPPED,
    /** Sender: inner packets sent again. */
    RETRANSMITTED,
    /** Sender: bytes of inner packets sent again (payload; 72 bytes of overhead each on the wire). */
    RETRANSMITTED_BYTES,
    /** Sender: named packets no longer held (overwritten, or older than the age limit). */
    NACK_TOO_LATE,
    /** Sender: named numbers that were not DATA (a keep-alive, an LC copy) or are unknown. */
    NACK_NOT_HELD,
    /** Sender: named packets already sent again once. */
    NACK_ALREADY_SENT,
    /** Sender: named packets not sent again because the byte budget was spent. */
    NACK_NO_BUDGET,
    /** Sender: named packets not sent again because no link was usable, or sealing or sending failed. */
    RETRANSMIT_FAILED
}
