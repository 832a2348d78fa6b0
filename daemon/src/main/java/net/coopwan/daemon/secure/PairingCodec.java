package net.coopwan.daemon.secure;

import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.coopwan.daemon.secure.PairingMessages.Message;
import net.coopwan.daemon.secure.PairingMessages.Round1;
import net.coopwan.daemon.secure.PairingMessages.Round2;
import net.coopwan.daemon.secure.PairingMessages.Round3;
import net.coopwan.daemon.secure.PairingMessages.Zkp;
import org.bouncycastle.crypto.agreement.jpake.JPAKEPrimeOrderGroup;

/**
 * Byte encoding of the J-PAKE messages, all big-endian:
 *
 * <pre>
 * u8 version (1) | u8 type (1, 2, 3) | u8 idLen (1..64) | id (UTF-8)
 * type 1: int gx1 | int gx2 | int zkp1.gv | int zkp1.r | int zkp2.gv | int zkp2.r
 * type 2: int a   | int zkp.gv | int zkp.r
 * type 3: mac[32]   (the HMAC-SHA256 key confirmation tag, two's complement as Bouncy Castle
 *                    reads it: BC turns the 32 MAC bytes into a signed BigInteger)
 * int = u16 length | unsigned magnitude, minimal (no leading zero byte; 0 is one zero byte)
 * </pre>
 *
 * Bounds: group elements (g^x, A, g^v) at most the byte length of p, exponents (r) at most the
 * byte length of q, the MAC tag exactly 32 bytes; anything longer is {@link
 * PairingFailure#OVERSIZE_FIELD} before any arithmetic, so a peer cannot make us exponentiate
 * huge numbers. Decoding never throws anything but {@link PairingException}.
 */
public final class PairingCodec {
    public static final int VERSION = 1;
    public static final int TYPE_ROUND1 = 1;
    public static final int TYPE_ROUND2 = 2;
    public static final int TYPE_ROUND3 = 3;
    public static final int MAX_ID_BYTES = 64;
    public static final int MAC_BYTES = 32;

    private final int elementBytes;
    private final int scalarBytes;

    public PairingCodec(JPAKEPrimeOrderGroup group) {
        this.elementBytes = (group.getP().bitLength() + 7) / 8;
        this.scalarBytes = (group.getQ().bitLength() + 7) / 8;
    }

    /** The codec for {@link Pairing#GROUP}. */
    public static PairingCodec standard() {
        return new PairingCodec(Pairing.GROUP);
    }

    /** Largest encoded message (round 1). */
    public int maxMessageBytes() {
        return 3 + MAX_ID_BYTES + 4 * (2 + elementBytes) + 2 * (2 + scalarBytes);
    }

    public byte[] encode(Message m) {
        ByteBuffer b = ByteBuffer.allocate(maxMessageBytes());
        b.put((byte) VERSION);
        if (m instanceof Round1 r) {
            b.put((byte) TYPE_ROUND1);
            putId(b, r.participantId());
            putInt(b, r.gx1(), elementBytes);
            putInt(b, r.gx2(), elementBytes);
            putInt(b, r.zkpX1().gv(), elementBytes);
            putInt(b, r.zkpX1().r(), scalarBytes);
            putInt(b, r.zkpX2().gv(), elementBytes);
            putInt(b, r.zkpX2().r(), scalarBytes);
        } else if (m instanceof Round2 r) {
            b.put((byte) TYPE_ROUND2);
            putId(b, r.participantId());
            putInt(b, r.a(), elementBytes);
            putInt(b, r.zkpX2s().gv(), elementBytes);
            putInt(b, r.zkpX2s().r(), scalarBytes);
        } else if (m instanceof Round3 r) {
            b.put((byte) TYPE_ROUND3);
            putId(b, r.participantId());
            byte[] raw = r.macTag().toByteArray();
            if (raw.length > MAC_BYTES) {
                throw new IllegalArgumentException("MAC tag longer than " + MAC_BYTES + " bytes");
            }
            byte fill = (byte) (r.macTag().signum() < 0 ? 0xff : 0);
            for (int i = raw.length; i < MAC_BYTES; i++) {
                b.put(fill);
            }
            b.put(raw);
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    public Message decode(byte[] bytes) throws PairingException {
        if (bytes == null || bytes.length < 3) {
            throw new PairingException(PairingFailure.TRUNCATED, "pairing message shorter than 3 bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int version = b.get() & 0xff;
        if (version != VERSION) {
            throw new PairingException(PairingFailure.MALFORMED, "unsupported pairing message version " + version);
        }
        int type = b.get() & 0xff;
        if (type < TYPE_ROUND1 || type > TYPE_ROUND3) {
            throw new PairingException(PairingFailure.MALFORMED, "unknown pairing message type " + type);
        }
        try {
            String id = getId(b);
            Message m;
            switch (type) {
                case TYPE_ROUND1 -> m = new Round1(id, getInt(b, elementBytes), getInt(b, elementBytes),
                        new Zkp(getInt(b, elementBytes), getInt(b, scalarBytes)),
                        new Zkp(getInt(b, elementBytes), getInt(b, scalarBytes)));
                case TYPE_ROUND2 -> m = new Round2(id, getInt(b, elementBytes),
                        new Zkp(getInt(b, elementBytes), getInt(b, scalarBytes)));
                default -> {
                    byte[] mac = new byte[MAC_BYTES];
                    b.get(mac);
                    m = new Round3(id, new BigInteger(mac));
                }
            }
            if (b.hasRemaining()) {
                throw new PairingException(PairingFailure.MALFORMED, b.remaining() + " bytes after the last field");
            }
            return m;
        } catch (BufferUnderflowException e) {
            throw new PairingException(PairingFailure.TRUNCATED, "pairing message truncated");
        }
    }

    private static void putId(ByteBuffer b, String id) {
        byte[] raw = id.getBytes(StandardCharsets.UTF_8);
        if (raw.length < 1 || raw.length > MAX_ID_BYTES) {
            throw new IllegalArgumentException("participant id must be 1.." + MAX_ID_BYTES + " UTF-8 bytes");
        }
        b.put((byte) raw.length).put(raw);
    }

    private static void putInt(ByteBuffer b, BigInteger v, int max) {
        if (v.signum() < 0) {
            throw new IllegalArgumentException("negative integer in a pairing message");
        }
        byte[] raw = v.toByteArray();
        int off = (raw.length > 1 && raw[0] == 0) ? 1 : 0;
        int len = raw.length - off;
        if (len > max) {
            throw new IllegalArgumentException("integer of " + len + " bytes exceeds " + max);
        }
        b.putShort((short) len).put(raw, off, len);
    }

    private static String getId(ByteBuffer b) throws PairingException {
        int len = b.get() & 0xff;
        if (len < 1) {
            throw new PairingException(PairingFailure.MALFORMED, "empty participant id");
        }
        if (len > MAX_ID_BYTES) {
            throw new PairingException(PairingFailure.OVERSIZE_FIELD,
                    "participant id of " + len + " bytes, at most " + MAX_ID_BYTES);
        }
        byte[] raw = new byte[len];
        b.get(raw);
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw));
            return cb.toString();
        } catch (CharacterCodingException e) {
            throw new PairingException(PairingFailure.MALFORMED, "participant id is not UTF-8");
        }
    }

    private static BigInteger getInt(ByteBuffer b, int max) throws PairingException {
        int len = b.getShort() & 0xffff;
        if (len < 1) {
            throw new PairingException(PairingFailure.MALFORMED, "zero-length integer");
        }
        if (len > max) {
            throw new PairingException(PairingFailure.OVERSIZE_FIELD, "integer of " + len + " bytes, at most " + max);
        }
        if (b.remaining() < len) {
            throw new PairingException(PairingFailure.TRUNCATED, "integer of " + len + " bytes, " + b.remaining() + " left");
        }
        byte[] raw = new byte[len];
        b.get(raw);
        if (len > 1 && raw[0] == 0) {
            throw new PairingException(PairingFailure.MALFORMED, "integer with a leading zero byte");
        }
        return new BigInteger(1, raw);
    }
}
