package net.coopwan.config;

import java.util.Base64;

/**
 * The pre-shared key of a bond tunnel as written in the file: standard base64 of exactly 32
 * bytes, 44 characters with one '=' of padding.
 *
 * <p>Records keep the key as this text rather than as a {@code byte[]}: a String is immutable
 * and compares by value, so the records' generated equals and hashCode stay right and nobody can
 * change a key inside a configuration that is shared between threads.
 */
public final class TunnelKey {

    /** Bytes of key material: a 256-bit key. */
    public static final int BYTES = 32;
    /** Length of its standard base64 text. */
    public static final int BASE64_CHARS = 44;

    private TunnelKey() {
    }

    /**
     * Why TEXT is not a key, worded for a message that must never echo the secret; null when it
     * is one. Only the canonical spelling counts (what {@code base64} prints), so one key has
     * one text and two texts never hide one key.
     */
    static String problem(String text) {
        String shape = "must be " + BYTES + " bytes in standard base64 (" + BASE64_CHARS
                + " characters ending in '='), e.g. from 'head -c 32 /dev/urandom | base64'";
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return shape + "; the value is not base64";
        }
        if (bytes.length != BYTES) {
            return shape + "; the value decodes to " + bytes.length + " bytes";
        }
        if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
            return shape + "; the value is not in canonical form";
        }
        return null;
    }

    /** A fresh copy of the key's bytes, which the caller may wipe after use. */
    public static byte[] decode(String base64) {
        String p = problem(base64);
        if (p != null) {
            throw new IllegalArgumentException("tunnel key " + p);
        }
        return Base64.getDecoder().decode(base64);
    }

    /** The text of KEY; KEY is left as it was. */
    public static String encode(byte[] key) {
        if (key.length != BYTES) {
            throw new IllegalArgumentException("a tunnel key has " + BYTES + " bytes, got " + key.length);
        }
        return Base64.getEncoder().encodeToString(key);
    }

    /** How records print a key: whether one is set, never the key itself (configs get logged). */
    static String redacted(String key) {
        return key == null || key.isEmpty() ? "" : "(set)";
    }
}
