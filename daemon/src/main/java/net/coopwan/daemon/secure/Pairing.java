package net.coopwan.daemon.secure;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import net.coopwan.daemon.secure.PairingMessages.Round1;
import net.coopwan.daemon.secure.PairingMessages.Round2;
import net.coopwan.daemon.secure.PairingMessages.Round3;
import net.coopwan.daemon.secure.PairingMessages.Zkp;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.agreement.jpake.JPAKEParticipant;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroup;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroups;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound1Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound2Payload;
import org.bouncycastle.crypto.agreement.jpake.JPAKERound3Payload;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.util.BigIntegers;

/**
 * One side of a pairing by J-PAKE (RFC 8236) over Bouncy Castle, with the pairing code as the
 * password. Both sides run the same steps; messages of a round may cross:
 *
 * <pre>
 * r1 = round1()              -> send r1
 * r2 = onRound1(peer r1)     -> send r2
 * r3 = onRound2(peer r2)     -> send r3   (keying material computed here)
 * key = onRound3(peer r3)                 (key confirmation: a wrong code fails here, both sides)
 * </pre>
 *
 * Before sending r3, charge the attempt in {@link PairingAttempts} (r3 lets the peer check one
 * guess of the code) and clear it when {@code onRound3} succeeds.
 *
 * <p>Any failure is final: the object refuses every later call with {@link
 * PairingFailure#OUT_OF_ORDER}; start a new pairing (and count the failure in {@link
 * PairingAttempts}). Not thread-safe.
 */
public final class Pairing {
    /**
     * The NIST 2048-bit prime-order group (q of 224 bits, about 112-bit security): every message
     * then fits one unfragmented UDP datagram on any IPv6 path (round 1 is at most 1159 bytes,
     * under 1232; the 3072-bit group needs 1623), and its exponents are shorter (cheaper on a
     * router CPU). Reasons in docs/PROTOCOL.md section 3.
     */
    public static final JPAKEPrimeOrderGroup GROUP = JPAKEPrimeOrderGroups.NIST_2048;

    private enum Step { ROUND1_SENT, ROUND2_SENT, ROUND3_SENT, DONE, FAILED }

    private final String ownId;
    private final String peerId;
    private final JPAKEParticipant participant;
    private final int elementBytes;
    private final Round1 round1;
    private Step step;
    private BigInteger keyingMaterial;

    private Pairing(String ownId, String peerId, PairingCode code, JPAKEPrimeOrderGroup group, SecureRandom random) {
        this.ownId = ownId;
        this.peerId = peerId;
        char[] pw = code.password();
        this.elementBytes = (group.getP().bitLength() + 7) / 8;
        this.participant = new JPAKEParticipant(ownId, pw, group, SHA256Digest.newInstance(), random);
        Arrays.fill(pw, '\0');
        JPAKERound1Payload p = participant.createRound1PayloadToSend();
        this.round1 = new Round1(p.getParticipantId(), p.getGx1(), p.getGx2(),
                Zkp.of(p.getKnowledgeProofForX1()), Zkp.of(p.getKnowledgeProofForX2()));
        this.step = Step.ROUND1_SENT;
    }

    /**
     * Starts a pairing and computes round 1.
     *
     * @param ownId this router's id (1..64 UTF-8 bytes)
     * @param peerId the id the peer must use (different from ownId)
     */
    public static Pairing start(String ownId, String peerId, PairingCode code, SecureRandom random)
            throws PairingException {
        return start(ownId, peerId, code, GROUP, random);
    }

    static Pairing start(String ownId, String peerId, PairingCode code, JPAKEPrimeOrderGroup group,
            SecureRandom random) throws PairingException {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(random, "random");
        checkId(ownId);
        checkId(peerId);
        if (ownId.equals(peerId)) {
            throw new PairingException(PairingFailure.MALFORMED, "own and peer ids are the same");
        }
        return new Pairing(ownId, peerId, code, group, random);
    }

    private static void checkId(String id) throws PairingException {
        int n = id == null ? 0 : id.getBytes(StandardCharsets.UTF_8).length;
        if (n < 1 || n > PairingCodec.MAX_ID_BYTES) {
            throw new PairingException(PairingFailure.MALFORMED, "router id must be 1.." + PairingCodec.MAX_ID_BYTES + " UTF-8 bytes");
        }
    }

    /** This side's round 1 message (the same object on every call, for retransmission). */
    public Round1 round1() {
        return round1;
    }

    /** Validates the peer's round 1 and returns this side's round 2. */
    public Round2 onRound1(Round1 peer) throws PairingException {
        expect(Step.ROUND1_SENT, peer);
        try {
            participant.validateRound1PayloadReceived(new JPAKERound1Payload(peer.participantId(),
                    peer.gx1(), peer.gx2(), peer.zkpX1().toArray(), peer.zkpX2().toArray()));
            JPAKERound2Payload p = participant.createRound2PayloadToSend();
            step = Step.ROUND2_SENT;
            return new Round2(p.getParticipantId(), p.getA(), Zkp.of(p.getKnowledgeProofForX2s()));
        } catch (CryptoException | RuntimeException e) {
            throw fail(PairingFailure.INVALID_MESSAGE, "round 1 rejected: " + e.getMessage());
        }
    }

    /** Validates the peer's round 2, computes the keying material and returns the confirmation. */
    public Round3 onRound2(Round2 peer) throws PairingException {
        expect(Step.ROUND2_SENT, peer);
        try {
            participant.validateRound2PayloadReceived(new JPAKERound2Payload(peer.participantId(),
                    peer.a(), peer.zkpX2s().toArray()));
            keyingMaterial = participant.calculateKeyingMaterial();
            JPAKERound3Payload p = participant.createRound3PayloadToSend(keyingMaterial);
            step = Step.ROUND3_SENT;
            return new Round3(p.getParticipantId(), p.getMacTag());
        } catch (CryptoException | RuntimeException e) {
            throw fail(PairingFailure.INVALID_MESSAGE, "round 2 rejected: " + e.getMessage());
        }
    }

    /** Checks the peer's key confirmation; on success returns the pairing key. */
    public PairingKey onRound3(Round3 peer) throws PairingException {
        expect(Step.ROUND3_SENT, peer);
        try {
            participant.validateRound3PayloadReceived(
                    new JPAKERound3Payload(peer.participantId(), peer.macTag()), keyingMaterial);
        } catch (CryptoException | RuntimeException e) {
            throw fail(PairingFailure.KEY_CONFIRMATION_FAILED,
                    "key confirmation failed: wrong pairing code or tampered message");
        }
        step = Step.DONE;
        byte[] km = BigIntegers.asUnsignedByteArray(elementBytes, keyingMaterial);
        keyingMaterial = null;
        byte[] salt = "coopwan/1 pairing".getBytes(StandardCharsets.US_ASCII);
        byte[] prk = Hkdf.extract(salt, km);
        Arrays.fill(km, (byte) 0);
        byte[] ids = sortedIds();
        byte[] secret = Hkdf.expand(prk, concat("coopwan/1 channel secret", ids), 32);
        byte[] advert = Hkdf.expand(prk, concat("coopwan/1 advert key", ids), 32);
        Arrays.fill(prk, (byte) 0);
        return new PairingKey(secret, advert);
    }

    /** Both ids in unsigned byte order, each with a 1-byte length: the same bytes on both sides. */
    private byte[] sortedIds() {
        byte[] a = ownId.getBytes(StandardCharsets.UTF_8);
        byte[] b = peerId.getBytes(StandardCharsets.UTF_8);
        if (Arrays.compareUnsigned(a, b) > 0) {
            byte[] t = a;
            a = b;
            b = t;
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(a.length);
        o.writeBytes(a);
        o.write(b.length);
        o.writeBytes(b);
        return o.toByteArray();
    }

    private static byte[] concat(String label, byte[] tail) {
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(l, l.length + tail.length);
        System.arraycopy(tail, 0, out, l.length, tail.length);
        return out;
    }

    private void expect(Step want, PairingMessages.Message peer) throws PairingException {
        if (step != want) {
            PairingException e = new PairingException(PairingFailure.OUT_OF_ORDER,
                    "message not expected now (state " + step + ")");
            if (step != Step.FAILED && step != Step.DONE) {
                step = Step.FAILED;
            }
            throw e;
        }
        if (peer == null) {
            throw fail(PairingFailure.MALFORMED, "no message");
        }
        if (!peerId.equals(peer.participantId())) {
            throw fail(PairingFailure.INVALID_MESSAGE, "message from participant '"
                    + peer.participantId() + "', expected '" + peerId + "'");
        }
    }

    private PairingException fail(PairingFailure f, String message) {
        step = Step.FAILED;
        keyingMaterial = null;
        return new PairingException(f, message);
    }

    /** True once {@link #onRound3} succeeded. */
    public boolean done() {
        return step == Step.DONE;
    }

    /** True after any failure. */
    public boolean failed() {
        return step == Step.FAILED;
    }
}
