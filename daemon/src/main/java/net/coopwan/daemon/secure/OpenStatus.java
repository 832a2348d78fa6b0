package net.coopwan.daemon.secure;

/** Outcome of {@link AeadOpener#open}; every value but {@link #OK} is a drop, counted by reason. */
public enum OpenStatus {
    OK,
    /** Shorter than the 16-byte tag. */
    TRUNCATED,
    /** Tag did not verify: wrong key (other session or other direction), forged or corrupted
     * ciphertext, tag or header. The replay window is not touched. */
    TAG_MISMATCH,
    /** This packet number was already accepted. */
    REPLAYED,
    /** The packet number is older than the replay window. */
    TOO_OLD,
    /** The output buffer cannot hold the plaintext; nothing was consumed. */
    OUTPUT_TOO_SMALL
}
