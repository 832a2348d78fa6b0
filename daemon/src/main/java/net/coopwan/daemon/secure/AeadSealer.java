package net.coopwan.daemon.secure;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals packets of one direction of one session with ChaCha20-Poly1305. The nonce is the
 * 4-byte direction prefix followed by the 64-bit big-endian packet number, which starts at 0 and
 * goes up by one per sealed packet, so a (key, nonce) pair is never used twice. After packet
 * number 2^64-1 the sealer refuses ({@link SealStatus#EXHAUSTED}): the session must rekey.
 *
 * <p>The packet number is normally carried in clear in the header: read it with {@link
 * #nextPacketNumber()}, write the header, then {@link #seal} with the header as AAD. One
 * {@link Cipher} and scratch arrays are reused; what remains per packet is the JDK's own (about
 * 1.2 KB per init + doFinal on Java 17). Not thread-safe.
 */
public final class AeadSealer {
    private final SecretKeySpec key;
    private final int prefix;
    private final Cipher cipher = Aead.newCipher();
    private final byte[] nonce = new byte[Aead.NONCE_LEN];
    private final Aead.Scratch scratch = new Aead.Scratch();
    private long next;
    private boolean exhausted;
    private long sealed;

    /**
     * @param key 32-byte key of this direction (copied)
     * @param directionPrefix the 4 nonce bytes before the packet number (see {@link SessionKeys})
     */
    public AeadSealer(byte[] key, int directionPrefix) {
        this(key, directionPrefix, 0L);
    }

    /** For tests (exhaustion) and for resuming: starts at {@code firstPacketNumber}. */
    AeadSealer(byte[] key, int directionPrefix, long firstPacketNumber) {
        this.key = Aead.key(key);
        this.prefix = directionPrefix;
        this.next = firstPacketNumber;
    }

    /** The packet number the next {@link #seal} will use (unsigned). */
    public long nextPacketNumber() {
        return next;
    }

    /** True once every packet number was used: rekey. */
    public boolean exhausted() {
        return exhausted;
    }

    /** Packets sealed so far. */
    public long sealedCount() {
        return sealed;
    }

    /**
     * Encrypts the remaining bytes of {@code plaintext} into {@code out} followed by the 16-byte
     * tag, authenticating the remaining bytes of {@code aad} (the header). On {@link
     * SealStatus#OK} the positions of all three buffers advance (aad and plaintext to their
     * limits, out by plaintext + 16) and the packet number is used up; otherwise nothing changes.
     */
    public SealStatus seal(ByteBuffer aad, ByteBuffer plaintext, ByteBuffer out) {
        if (exhausted) {
            return SealStatus.EXHAUSTED;
        }
        if (out.remaining() < plaintext.remaining() + Aead.TAG_LEN) {
            return SealStatus.OUTPUT_TOO_SMALL;
        }
        long pn = next;
        // Use the number up before init: a nonce that reached the cipher is never offered again
        // (the JDK refuses to encrypt twice with one key and nonce anyway).
        if (pn == -1L) {
            exhausted = true;
        } else {
            next = pn + 1;
        }
        Aead.nonce(nonce, prefix, pn);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
            Aead.crypt(cipher, aad, plaintext, out, scratch);
        } catch (GeneralSecurityException e) {
            // cannot happen with a checked size and a fresh nonce; never send a half packet
            throw new IllegalStateException("ChaCha20-Poly1305 seal failed", e);
        }
        sealed++;
        return SealStatus.OK;
    }

    /** Best-effort wipe of the nonce scratch; the key object is dropped with the sealer. */
    public void destroy() {
        exhausted = true;
        Arrays.fill(nonce, (byte) 0);
    }
}
