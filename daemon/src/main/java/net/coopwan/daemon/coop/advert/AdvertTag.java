package net.coopwan.daemon.coop.advert;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 48-bit tag of an advert, in one of two explicit modes.
 *
 * <ul>
 * <li>{@link #checksum()}: the first 6 bytes (big-endian) of SHA-256 over the covered bytes.
 * Before pairing. Guarantees only integrity against accidents: a corrupted advert or a
 * foreign frame/SSID that happens to match the pattern verifies with odds 2^-48. Anyone can
 * compute it, so it is <b>not</b> authentication: never treat a checksum advert as coming
 * from a paired peer.</li>
 * <li>{@link #keyed(byte[])}: the first 6 bytes of HMAC-SHA256(key, covered bytes), the key
 * being the advert key of a pairing. Guarantees that a holder of the key produced these exact
 * 48 bits (a forger without the key succeeds with odds 2^-48 per try). It does <b>not</b>
 * guarantee freshness: a captured keyed advert can be replayed verbatim; the handshake
 * provides freshness.</li>
 * </ul>
 * Comparison is constant-time ({@link MessageDigest#isEqual}). Instances are immutable and
 * thread-safe.
 */
public final class AdvertTag {
    /** Tag length in bytes (48 bits). */
    public static final int LENGTH = 6;
    /** Shortest accepted advert key (128 bits). */
    public static final int MIN_KEY_LENGTH = 16;

    private static final AdvertTag CHECKSUM = new AdvertTag(null);

    private final byte[] key;

    private AdvertTag(byte[] key) {
        this.key = key;
    }

    /** Checksum mode: truncated SHA-256, integrity only, no authentication. */
    public static AdvertTag checksum() {
        return CHECKSUM;
    }

    /**
     * Keyed mode: truncated HMAC-SHA256 with the advert key of a pairing.
     *
     * @param key at least {@value #MIN_KEY_LENGTH} bytes; copied
     * @throws IllegalArgumentException if the key is null or too short
     */
    public static AdvertTag keyed(byte[] key) {
        if (key == null || key.length < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException("advert key must have at least " + MIN_KEY_LENGTH + " bytes");
        }
        return new AdvertTag(key.clone());
    }

    public TagMode mode() {
        return key == null ? TagMode.CHECKSUM : TagMode.KEYED;
    }

    /** The 6-byte tag over {@code covered}. */
    public byte[] compute(byte[] covered) {
        byte[] full;
        try {
            if (key == null) {
                full = MessageDigest.getInstance("SHA-256").digest(covered);
            } else {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                full = mac.doFinal(covered);
            }
        } catch (GeneralSecurityException e) {
            // SHA-256 and HmacSHA256 are mandatory in every Java SE runtime.
            throw new IllegalStateException("SHA-256/HmacSHA256 unavailable", e);
        }
        return Arrays.copyOf(full, LENGTH);
    }

    /** Constant-time check of a received 6-byte tag against the tag of {@code covered}. */
    public boolean verify(byte[] covered, byte[] received) {
        return received != null && received.length == LENGTH
                && MessageDigest.isEqual(compute(covered), received);
    }

    @Override
    public String toString() {
        return "AdvertTag[" + mode() + "]"; // never the key
    }
}
