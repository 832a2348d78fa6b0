package net.coopwan.daemon.secure;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.KeyAgreement;

/**
 * Keys of one session between two paired routers.
 *
 * <pre>
 * dh   = X25519(own ephemeral private, peer ephemeral public)          (32 bytes)
 * th   = SHA-256("coopwan/1 transcript" | lp(initiatorId) | lp(responderId)
 *                | initiatorPublic | responderPublic)                   (lp = 1-byte length)
 * prk  = HKDF-Extract(salt = "coopwan/1 session", IKM = dh | pairingSecret)
 * k_ir = HKDF-Expand(prk, "coopwan/1 key i->r" | th, 32)
 * k_ri = HKDF-Expand(prk, "coopwan/1 key r->i" | th, 32)
 * id   = first 4 bytes of HKDF-Expand(prk, "coopwan/1 key id" | th, 4), big-endian
 * </pre>
 *
 * Both ephemeral public keys and both router ids are in every info, so keys of one session are
 * useless in another; the pairing secret in the IKM means only the paired peer derives the same
 * keys (a man in the middle of the X25519 exchange gets keys that fail the first tag). Nonce
 * prefixes: 0 for initiator-to-responder, 1 for responder-to-initiator, so even a bug that gave
 * both directions one key could not repeat a nonce.
 */
public final class SessionKeys {
    /** Who sent the first ephemeral public key. */
    public enum Role { INITIATOR, RESPONDER }

    public static final int PUBLIC_KEY_LEN = 32;
    public static final int MAX_ID_BYTES = 64;
    public static final int PREFIX_I2R = 0;
    public static final int PREFIX_R2I = 1;

    // DER prefix of an X.509 SubjectPublicKeyInfo for X25519 (RFC 8410): the raw key follows.
    private static final byte[] X509_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};

    /** One ephemeral X25519 key pair; usable for one derivation only. */
    public static final class Ephemeral {
        private final KeyPair pair;
        private final byte[] raw;
        private boolean used;

        private Ephemeral(KeyPair pair) {
            this.pair = pair;
            byte[] enc = pair.getPublic().getEncoded();
            this.raw = Arrays.copyOfRange(enc, enc.length - PUBLIC_KEY_LEN, enc.length);
        }

        public static Ephemeral generate(SecureRandom random) {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("X25519");
                g.initialize(255, random);
                return new Ephemeral(g.generateKeyPair());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no X25519", e);
            }
        }

        /** The 32-byte raw public key (RFC 7748 u-coordinate, little-endian) to send. */
        public byte[] publicKey() {
            return raw.clone();
        }
    }

    private final Role role;
    private final byte[] sendKey;
    private final byte[] receiveKey;
    private final int keyId;
    private final byte[] transcriptHash;

    private SessionKeys(Role role, byte[] sendKey, byte[] receiveKey, int keyId, byte[] th) {
        this.role = role;
        this.sendKey = sendKey;
        this.receiveKey = receiveKey;
        this.keyId = keyId;
        this.transcriptHash = th;
    }

    /**
     * Derives the keys of one session.
     *
     * @param role this router's role
     * @param own this router's ephemeral (consumed)
     * @param peerPublic the peer's 32-byte raw X25519 public key
     * @param initiatorId router id of the initiator (1..64 UTF-8 bytes)
     * @param responderId router id of the responder (1..64 UTF-8 bytes, different)
     * @param pairingSecret the pairing's channel secret ({@link PairingKey#channelSecret()})
     */
    public static SessionKeys derive(Role role, Ephemeral own, byte[] peerPublic, String initiatorId,
            String responderId, byte[] pairingSecret) throws KeyExchangeException {
        Objects.requireNonNull(role, "role");
        byte[] iid = id(initiatorId);
        byte[] rid = id(responderId);
        if (Arrays.equals(iid, rid)) {
            throw new KeyExchangeException("initiator and responder ids are the same");
        }
        if (peerPublic == null || peerPublic.length != PUBLIC_KEY_LEN) {
            throw new KeyExchangeException("peer public key must be " + PUBLIC_KEY_LEN + " bytes");
        }
        if (pairingSecret == null || pairingSecret.length < 32) {
            throw new KeyExchangeException("pairing secret must be at least 32 bytes");
        }
        synchronized (own) {
            if (own.used) {
                throw new KeyExchangeException("ephemeral key already used");
            }
            own.used = true;
        }
        byte[] dh;
        try {
            byte[] enc = new byte[X509_PREFIX.length + PUBLIC_KEY_LEN];
            System.arraycopy(X509_PREFIX, 0, enc, 0, X509_PREFIX.length);
            System.arraycopy(peerPublic, 0, enc, X509_PREFIX.length, PUBLIC_KEY_LEN);
            PublicKey peer = KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(enc));
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(own.pair.getPrivate());
            ka.doPhase(peer, true);
            dh = ka.generateSecret();
        } catch (GeneralSecurityException | RuntimeException e) {
            // the JDK refuses small-order points (all-zero shared secret) here
            throw new KeyExchangeException("X25519 failed: " + e.getMessage());
        }
        byte[] ipub = role == Role.INITIATOR ? own.raw : peerPublic;
        byte[] rpub = role == Role.INITIATOR ? peerPublic : own.raw;
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        t.writeBytes("coopwan/1 transcript".getBytes(StandardCharsets.US_ASCII));
        t.write(iid.length);
        t.writeBytes(iid);
        t.write(rid.length);
        t.writeBytes(rid);
        t.writeBytes(ipub);
        t.writeBytes(rpub);
        byte[] th = Hkdf.sha256(t.toByteArray());

        byte[] ikm = new byte[dh.length + pairingSecret.length];
        System.arraycopy(dh, 0, ikm, 0, dh.length);
        System.arraycopy(pairingSecret, 0, ikm, dh.length, pairingSecret.length);
        byte[] prk = Hkdf.extract("coopwan/1 session".getBytes(StandardCharsets.US_ASCII), ikm);
        Arrays.fill(dh, (byte) 0);
        Arrays.fill(ikm, (byte) 0);
        byte[] kir = Hkdf.expand(prk, info("coopwan/1 key i->r", th), Aead.KEY_LEN);
        byte[] kri = Hkdf.expand(prk, info("coopwan/1 key r->i", th), Aead.KEY_LEN);
        byte[] idb = Hkdf.expand(prk, info("coopwan/1 key id", th), 4);
        Arrays.fill(prk, (byte) 0);
        int keyId = ((idb[0] & 0xff) << 24) | ((idb[1] & 0xff) << 16) | ((idb[2] & 0xff) << 8) | (idb[3] & 0xff);
        return role == Role.INITIATOR
                ? new SessionKeys(role, kir, kri, keyId, th)
                : new SessionKeys(role, kri, kir, keyId, th);
    }

    private static byte[] id(String id) throws KeyExchangeException {
        if (id == null) {
            throw new KeyExchangeException("router id missing");
        }
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        if (b.length < 1 || b.length > MAX_ID_BYTES) {
            throw new KeyExchangeException("router id must be 1.." + MAX_ID_BYTES + " UTF-8 bytes");
        }
        return b;
    }

    private static byte[] info(String label, byte[] th) {
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(l, l.length + th.length);
        System.arraycopy(th, 0, out, l.length, th.length);
        return out;
    }

    public Role role() {
        return role;
    }

    /** 32-bit id both sides derive; goes in the header so a receiver picks the right keys. */
    public int keyId() {
        return keyId;
    }

    /** SHA-256 of the transcript (both ids, both public keys). */
    public byte[] transcriptHash() {
        return transcriptHash.clone();
    }

    /** A sealer for what this router sends. */
    public AeadSealer newSealer() {
        return new AeadSealer(sendKey, role == Role.INITIATOR ? PREFIX_I2R : PREFIX_R2I);
    }

    /** An opener for what the peer sends. */
    public AeadOpener newOpener(int windowBits) {
        return new AeadOpener(receiveKey, role == Role.INITIATOR ? PREFIX_R2I : PREFIX_I2R, windowBits);
    }

    public AeadOpener newOpener() {
        return newOpener(ReplayWindow.DEFAULT_BITS);
    }

    /**
     * A sealer for what this router sends on member link {@code link} (0..255) of a bonded
     * tunnel. Every link numbers its own packets from 0, so the link goes into the nonce prefix
     * ({@code (link + 1) << 8 | direction}): no two links, and neither link and the plain
     * {@link #newSealer()}, can ever produce the same nonce under this session's key.
     */
    public AeadSealer newSealer(int link) {
        return new AeadSealer(sendKey, linkPrefix(role == Role.INITIATOR ? PREFIX_I2R : PREFIX_R2I, link));
    }

    /** The opener matching the peer's {@link #newSealer(int)} on link {@code link}. */
    public AeadOpener newOpener(int link, int windowBits) {
        return new AeadOpener(receiveKey, linkPrefix(role == Role.INITIATOR ? PREFIX_R2I : PREFIX_I2R, link), windowBits);
    }

    private static int linkPrefix(int direction, int link) {
        if (link < 0 || link > 255) {
            throw new IllegalArgumentException("link index must be 0..255, got " + link);
        }
        return ((link + 1) << 8) | direction;
    }

    /** Test access to the raw keys (package-private). */
    byte[] sendKey() {
        return sendKey.clone();
    }

    byte[] receiveKey() {
        return receiveKey.clone();
    }

    /** Zeroes the key bytes held here (sealers and openers made earlier keep their copies). */
    public void destroy() {
        Arrays.fill(sendKey, (byte) 0);
        Arrays.fill(receiveKey, (byte) 0);
    }
}
