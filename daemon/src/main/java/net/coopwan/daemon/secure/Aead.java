package net.coopwan.daemon.secure;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.SecretKeySpec;

/** Constants and helpers shared by {@link AeadSealer} and {@link AeadOpener}. */
public final class Aead {
    /** ChaCha20-Poly1305 key size. */
    public static final int KEY_LEN = 32;
    /** Poly1305 tag size appended to every ciphertext. */
    public static final int TAG_LEN = 16;
    /** Nonce: 4-byte direction prefix + 8-byte big-endian packet number. */
    public static final int NONCE_LEN = 12;

    static final String TRANSFORMATION = "ChaCha20-Poly1305";

    private Aead() {
    }

    static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            throw new IllegalStateException("the JDK has no " + TRANSFORMATION, e);
        }
    }

    static SecretKeySpec key(byte[] key) {
        if (key.length != KEY_LEN) {
            throw new IllegalArgumentException("AEAD key must be " + KEY_LEN + " bytes, got " + key.length);
        }
        return new SecretKeySpec(key, "ChaCha20");
    }

    /**
     * Runs {@code cipher} (already initialised) over the remaining bytes of {@code in} with the
     * remaining bytes of {@code aad}, writing to {@code out}, through the {@code byte[]} API with
     * reusable scratch arrays. The JDK's {@code ByteBuffer} API copies direct buffers into fresh
     * arrays on every call (and its decryption buffers the whole input once more); copying into
     * arrays we keep costs two memcpy and allocates nothing after warm-up. Positions advance only
     * on success.
     *
     * @return bytes written to out
     */
    static int crypt(Cipher cipher, ByteBuffer aad, ByteBuffer in, ByteBuffer out, Scratch s)
            throws GeneralSecurityException {
        int aadLen = aad.remaining();
        if (aad.hasArray()) {
            cipher.updateAAD(aad.array(), aad.arrayOffset() + aad.position(), aadLen);
        } else if (aadLen > 0) {
            byte[] a = s.aad(aadLen);
            aad.get(aad.position(), a, 0, aadLen);
            cipher.updateAAD(a, 0, aadLen);
        }
        int inLen = in.remaining();
        byte[] src;
        int srcOff;
        if (in.hasArray()) {
            src = in.array();
            srcOff = in.arrayOffset() + in.position();
        } else {
            src = s.in(inLen);
            srcOff = 0;
            in.get(in.position(), src, 0, inLen);
        }
        int maxOut = cipher.getOutputSize(inLen);
        int n;
        if (out.hasArray() && out.array() != src) {
            n = cipher.doFinal(src, srcOff, inLen, out.array(), out.arrayOffset() + out.position());
        } else {
            byte[] dst = s.out(maxOut);
            n = cipher.doFinal(src, srcOff, inLen, dst, 0);
            out.put(out.position(), dst, 0, n);
        }
        aad.position(aad.limit());
        in.position(in.limit());
        out.position(out.position() + n);
        return n;
    }

    /** Reusable arrays of one sealer or opener; they grow to the largest packet seen. */
    static final class Scratch {
        private byte[] aad = new byte[64];
        private byte[] in = new byte[2048];
        private byte[] out = new byte[2048];

        byte[] aad(int n) {
            if (aad.length < n) {
                aad = new byte[n];
            }
            return aad;
        }

        byte[] in(int n) {
            if (in.length < n) {
                in = new byte[n];
            }
            return in;
        }

        byte[] out(int n) {
            if (out.length < n) {
                out = new byte[n];
            }
            return out;
        }
    }

    static void nonce(byte[] nonce, int prefix, long pn) {
        nonce[0] = (byte) (prefix >>> 24);
        nonce[1] = (byte) (prefix >>> 16);
        nonce[2] = (byte) (prefix >>> 8);
        nonce[3] = (byte) prefix;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (pn >>> (56 - 8 * i));
        }
    }
}
