package net.coopwan.daemon.secure;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869), on the JDK's {@code HmacSHA256}. Java 17 has no HKDF API.
 */
public final class Hkdf {
    /** Output length of SHA-256, the size of a pseudorandom key. */
    public static final int HASH_LEN = 32;

    private Hkdf() {
    }

    /** HKDF-Extract: PRK = HMAC-Hash(salt, IKM). An empty or null salt means HashLen zero bytes. */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        byte[] s = (salt == null || salt.length == 0) ? new byte[HASH_LEN] : salt;
        Mac mac = hmac(s);
        return mac.doFinal(ikm);
    }

    /**
     * HKDF-Expand: T(1) | T(2) | ... truncated to {@code length} bytes,
     * T(i) = HMAC-Hash(PRK, T(i-1) | info | i).
     *
     * @throws IllegalArgumentException if length is not in 1..255*HashLen or the PRK is shorter
     *     than HashLen (programming errors, not input errors)
     */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_LEN) {
            throw new IllegalArgumentException("HKDF length must be 1.." + 255 * HASH_LEN + ": " + length);
        }
        if (prk.length < HASH_LEN) {
            throw new IllegalArgumentException("PRK shorter than " + HASH_LEN + " bytes");
        }
        Mac mac = hmac(prk);
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int done = 0;
        for (int i = 1; done < length; i++) {
            mac.update(t);
            if (info != null) {
                mac.update(info);
            }
            mac.update((byte) i);
            t = mac.doFinal();
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        Arrays.fill(t, (byte) 0);
        return out;
    }

    /** Extract then expand. */
    public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
        byte[] prk = extract(salt, ikm);
        try {
            return expand(prk, info, length);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
