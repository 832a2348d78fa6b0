package net.coopwan.daemon.coop.advert;

/**
 * Why a received advert was dropped. The receiver counts drops per reason
 * ({@link DropCounters}); {@link #BAD_MAGIC} is the normal fate of foreign traffic and
 * SSIDs, every other reason means "looked like ours, but wrong".
 */
public enum DropReason {
    /** Shorter than the fixed size (beacon: 16 bytes; SSID: 29 characters), or no payload. */
    TRUNCATED,
    /** Longer than the fixed size of this version. */
    TOO_LONG,
    /** Beacon does not start with the magic; SSID does not start with {@code COOP-ROUTER}. */
    BAD_MAGIC,
    /** SSID has the prefix but not the exact pattern {@code COOP-ROUTER <8 b64> <8 b64>}. */
    BAD_PATTERN,
    /** Version nibble other than the one this codec speaks. */
    UNSUPPORTED_VERSION,
    /** The advert says keyed but the verifier is a checksum, or the other way round. */
    TAG_MODE_MISMATCH,
    /** Checksum-mode tag does not match: corrupted or not a coop advert. */
    CHECKSUM_MISMATCH,
    /** Keyed tag does not match: wrong key, forged or corrupted. */
    MAC_MISMATCH
}
