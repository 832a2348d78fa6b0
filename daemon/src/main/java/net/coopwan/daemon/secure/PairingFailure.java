package net.coopwan.daemon.secure;

/** Why a pairing step failed; callers count these and show them to the owner. */
public enum PairingFailure {
    /** The typed code is not 8 digits (spaces and dashes are ignored). */
    BAD_CODE_FORMAT,
    /** A message is shorter than its fields say. */
    TRUNCATED,
    /** A field is longer than its bound (group size, id length). */
    OVERSIZE_FIELD,
    /** Unknown message type or version, bytes after the last field, empty or bad id. */
    MALFORMED,
    /** A message arrived out of order or twice. */
    OUT_OF_ORDER,
    /** A zero-knowledge proof, group element or participant id did not verify: tampered message. */
    INVALID_MESSAGE,
    /** The key confirmation MAC did not verify: almost always a wrong code (or a tampered round 3). */
    KEY_CONFIRMATION_FAILED,
    /** Too many wrong codes: see {@link PairingAttempts}. */
    LOCKED_OUT
}
