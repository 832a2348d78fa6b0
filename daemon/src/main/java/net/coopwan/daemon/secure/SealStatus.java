package net.coopwan.daemon.secure;

/** Outcome of {@link AeadSealer#seal}. */
public enum SealStatus {
    OK,
    /** The packet number space of this key is used up: rekey (new session keys) before sending. */
    EXHAUSTED,
    /** The output buffer has less than plaintext + 16 bytes remaining; nothing was consumed. */
    OUTPUT_TOO_SMALL
}
