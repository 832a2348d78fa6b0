package net.coopwan.daemon.tunnel;

/** Why a received tunnel datagram was dropped. Each is counted, none is an exception. */
public enum TunnelDrop {
    /** Shorter than the header, or than the header plus a tag or the handshake body. */
    TRUNCATED,
    /** Longer than the largest packet this side accepts. */
    TOO_LARGE,
    /** The version byte is not 1. */
    BAD_VERSION,
    /** The type byte is not a known {@link PacketType}. */
    UNKNOWN_TYPE,
    /** The link byte is not below {@link TunnelHeader#MAX_LINKS}. */
    BAD_LINK,
    /** No session has this tunnel id (for example after the far end restarted). */
    UNKNOWN_TUNNEL,
    /** The packet number was already accepted. */
    REPLAYED,
    /** The packet number is behind the replay window. */
    TOO_OLD,
    /** The AEAD tag does not verify: forged, corrupted, or keys of another session. */
    TAG_MISMATCH,
    /** A handshake message whose MAC does not verify under the client's pre-shared key. */
    HANDSHAKE_BAD_MAC,
    /** A handshake init from a client id this concentrator does not know. */
    HANDSHAKE_UNKNOWN_CLIENT,
    /** A handshake message that is well formed but not expected now (stale or replayed). */
    HANDSHAKE_UNEXPECTED,
    /** More handshake inits from one client than the limit allows. */
    HANDSHAKE_RATE_LIMITED,
    /** The payload of a sealed control packet (probe, echo, verdict...) is malformed. */
    BAD_PAYLOAD,
    /** A data packet whose inner packet is not IPv4/IPv6, or not from the client's address. */
    NOT_ALLOWED
}
