package net.coopwan.daemon.coop.duplication;

/** Why a received LC copy was not delivered. Each is counted, none is an exception. */
public enum DuplicationDrop {
    /** Shorter than the 16-byte LC_COPY header. */
    TRUNCATED,
    /** Part count not 1 or 3, or part index not below it. */
    BAD_PARTS,
    /** Original length 0, or a body that does not measure what the parts and length say. */
    BAD_LENGTH,
    /** The reserved byte is not 0 (a newer sender; refused rather than misread). */
    RESERVED_SET,
    /** A later copy of a packet already delivered: the normal fate of every copy but the first. */
    DUPLICATE,
    /** Further behind the session's newest packet than the 64-bit window reaches. */
    TOO_OLD,
    /** A RAIC-5 part whose original length disagrees with an earlier part of the same packet. */
    PART_CONFLICT,
    /** A new LC session while every session slot is in use. */
    SESSIONS_FULL
}
