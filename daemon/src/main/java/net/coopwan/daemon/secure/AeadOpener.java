package net.coopwan.daemon.secure;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opens packets of one direction of one session: ChaCha20-Poly1305 with the nonce of {@link
 * AeadSealer} and a {@link ReplayWindow}. Order of checks: size, replay window (cheap, read-only),
 * tag, and only then the window is updated, so a forged packet never moves it. Bad input never
 * throws; it returns an {@link OpenStatus} that is also counted here. Not thread-safe.
 */
public final class AeadOpener {
    private final SecretKeySpec key;
    private final int prefix;
    private final Cipher cipher = Aead.newCipher();
    private final byte[] nonce = new byte[Aead.NONCE_LEN];
    private final Aead.Scratch scratch = new Aead.Scratch();
    private final ReplayWindow window;
    private boolean initialised;
    private long lastPn;
    private final long[] counts = new long[OpenStatus.values().length];

    /**
     * @param key 32-byte key of this direction (copied)
     * @param directionPrefix the nonce prefix the sender uses
     * @param windowBits replay window ring size, see {@link ReplayWindow#ReplayWindow(int)}
     */
    public AeadOpener(byte[] key, int directionPrefix, int windowBits) {
        this.key = Aead.key(key);
        this.prefix = directionPrefix;
        this.window = new ReplayWindow(windowBits);
    }

    public AeadOpener(byte[] key, int directionPrefix) {
        this(key, directionPrefix, ReplayWindow.DEFAULT_BITS);
    }

    /**
     * Verifies and decrypts the remaining bytes of {@code ciphertext} (ciphertext + tag) sent with
     * packet number {@code pn} (from the header, which is the remaining bytes of {@code aad}) into
     * {@code out}. On {@link OpenStatus#OK} all positions advance (out by the plaintext length)
     * and {@code pn} is marked seen; otherwise no position changes.
     */
    public OpenStatus open(long pn, ByteBuffer aad, ByteBuffer ciphertext, ByteBuffer out) {
        int len = ciphertext.remaining();
        if (len < Aead.TAG_LEN) {
            return tally(OpenStatus.TRUNCATED);
        }
        if (out.remaining() < len - Aead.TAG_LEN) {
            return tally(OpenStatus.OUTPUT_TOO_SMALL);
        }
        ReplayWindow.Verdict pre = window.check(pn);
        if (pre != ReplayWindow.Verdict.ACCEPT) {
            window.count(pre);
            return tally(status(pre));
        }
        init(pn);
        try {
            Aead.crypt(cipher, aad, ciphertext, out, scratch);
        } catch (GeneralSecurityException | RuntimeException e) {
            // AEADBadTagException in practice; anything else the JDK says about bad input is
            // equally a forgery or corruption. Aead.crypt moved no position.
            return tally(OpenStatus.TAG_MISMATCH);
        }
        window.update(pn); // ACCEPT: check() said so and nothing ran in between
        return tally(OpenStatus.OK);
    }

    /**
     * Initialises the cipher for {@code pn}. The JDK's ChaCha20-Poly1305 refuses an init with the
     * same key and nonce as its previous init, in either mode ("Matching key and nonce from
     * previous initialization"). That happens legitimately here when a packet failed its tag and
     * the genuine packet with the same number arrives next; then the cipher is first initialised
     * once with another nonce (the all-ones prefix, which no sender uses) to clear the check.
     */
    private void init(long pn) {
        try {
            if (initialised && pn == lastPn) {
                Aead.nonce(nonce, ~prefix, pn);
                cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
            }
            Aead.nonce(nonce, prefix, pn);
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
            initialised = true;
            lastPn = pn;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 init failed", e);
        }
    }

    private static OpenStatus status(ReplayWindow.Verdict v) {
        return v == ReplayWindow.Verdict.DUPLICATE ? OpenStatus.REPLAYED : OpenStatus.TOO_OLD;
    }

    private OpenStatus tally(OpenStatus s) {
        counts[s.ordinal()]++;
        return s;
    }

    /** How many packets ended with {@code status}. */
    public long count(OpenStatus status) {
        return counts[status.ordinal()];
    }

    public ReplayWindow window() {
        return window;
    }
}
