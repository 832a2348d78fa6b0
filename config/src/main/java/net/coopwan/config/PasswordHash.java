package net.coopwan.config;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The web UI password hash stored as {@code option password_hash} in {@code /etc/config/coopwan}:
 * {@code pbkdf2-sha256$ITERATIONS$SALT_B64$HASH_B64}, PBKDF2 with HMAC-SHA256, a 16-byte random salt
 * and a 32-byte derived key, both in standard Base64.
 *
 * <p>Why {@value #ITERATIONS} iterations and not the 600 000 current advice gives for servers: a
 * login must verify in under 50 ms on a small router. The daemon runs with C1 only
 * ({@code -XX:TieredStopAtLevel=1}, see docs/ARCHITECTURE.md), where JCE's PBKDF2 costs about 2 µs per
 * iteration on a 2-core AMD EPYC build machine (measured: 5 000 iterations in 10 ms). A Cortex-A53
 * class router core runs scalar SHA-256 about 7x slower (OpenSSL {@code speed sha256}, roughly
 * 65 vs 450 MB/s), so about 14 µs per iteration there: 3 000 iterations is about 42 ms. That is
 * weak against an offline attack on a stolen file, but that file must already be root-only because
 * it holds the SNMPv3 pass phrases in clear text, and online guessing is throttled by the web UI.
 * The count is stored in every hash, so it can be raised later without breaking old hashes:
 * {@link #needsRehash(String)} tells the web UI to re-hash on the next successful login.
 */
public final class PasswordHash {

    /** Iterations of new hashes; see the class comment for the measurement behind it. */
    public static final int ITERATIONS = 3_000;

    /** Accepted range when verifying: below is no protection, above is a CPU-exhaustion vector. */
    static final int MIN_ITERATIONS = 1_000;
    static final int MAX_ITERATIONS = 10_000_000;

    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {
    }

    /** A new hash of PASSWORD with a fresh salt and {@link #ITERATIONS} iterations. */
    public static String hash(char[] password) {
        return hash(password, ITERATIONS);
    }

    /** As {@link #hash(char[])} with another iteration count, for a faster or slower box. */
    public static String hash(char[] password, int iterations) {
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("empty password");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be " + MIN_ITERATIONS + "-" + MAX_ITERATIONS);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] dk = derive(password, salt, iterations, HASH_BYTES);
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(dk);
    }

    /**
     * Whether PASSWORD matches ENCODED. Malformed input of any kind, null included, is simply
     * {@code false}: a login form must not learn more from a broken config than from a wrong
     * password. The comparison takes the same time wherever the first differing byte is.
     */
    public static boolean verify(char[] password, String encoded) {
        Parsed p = parse(encoded);
        if (p == null || password == null) {
            return false;
        }
        byte[] dk = derive(password, p.salt, p.iterations, p.hash.length);
        boolean ok = MessageDigest.isEqual(dk, p.hash);
        Arrays.fill(dk, (byte) 0);
        return ok;
    }

    /** Whether ENCODED has the format {@link #verify} accepts; the config loader's check. */
    public static boolean isWellFormed(String encoded) {
        return parse(encoded) != null;
    }

    /** Whether a well-formed hash uses fewer iterations than new hashes get now. */
    public static boolean needsRehash(String encoded) {
        Parsed p = parse(encoded);
        return p == null || p.iterations < ITERATIONS;
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String encoded) {
        if (encoded == null) {
            return null;
        }
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME) || !parts[1].matches("[1-9][0-9]{0,7}")) {
            return null;
        }
        int iterations = Integer.parseInt(parts[1]);
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            return null;
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (salt.length < 8 || salt.length > 64 || hash.length != HASH_BYTES) {
            return null;
        }
        return new Parsed(iterations, salt, hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // Java SE requires every runtime to provide PBKDF2WithHmacSHA256.
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }
}
