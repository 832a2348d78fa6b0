package net.coopwan.daemon.coop.sharing;

import java.nio.ByteBuffer;

import net.coopwan.daemon.coop.emergency.EmergencyCodec;
import net.coopwan.daemon.coop.emergency.EmergencyFormatException;

/**
 * The plaintext of a SHARING channel datagram (kind 9; docs/PROTOCOL.md 3.13), big-endian:
 *
 * <pre>
 * 0  u8   type: 1 OFFER, 2 USE, 3 ANSWER, 4 RELEASE, 5 RELEASE_ACK
 * 1  u32  offer id (chosen by the sharer; every message about one offer carries it)
 * 5  body
 *   OFFER        u32 seq, u32 down kbit/s, u32 up kbit/s (each 0..10 000 000), u32 window ms (100..10 000)
 *   USE          u32 seq (the offer's the borrower acts on)
 *   ANSWER       u8 accepted (0|1); 1: the grant as in an emergency ACK (3.12);
 *                0: u8 refusal (1 no agreement, 2 no offer, 3 busy, 4 set-up failed), text
 *   RELEASE      (empty)
 *   RELEASE_ACK  (empty)
 * text: u16 length 0-512, UTF-8
 * </pre>
 *
 * Strict and canonical like the emergency's: every code and value in range, no byte after the
 * message. Only {@link SharingFormatException} is thrown.
 */
public final class SharingCodec {
    public static final int OFFER = 1;
    public static final int USE = 2;
    public static final int ANSWER = 3;
    public static final int RELEASE = 4;
    public static final int RELEASE_ACK = 5;
    /** The agreements' hard bound for bandwidth_kbps (10 Gbit/s). */
    public static final long MAX_KBPS = 10_000_000;
    /** The longest quota window an offer names, ms. */
    public static final long MAX_WINDOW_MS = 10_000;

    private SharingCodec() {
    }

    static void checkU32(long v, String what) {
        if (v < 0 || v > 0xffff_ffffL) {
            throw new IllegalArgumentException(what + " must be an unsigned 32-bit value, got " + v);
        }
    }

    /** Encodes a message; the buffer is flipped (position 0, limit = length). */
    public static ByteBuffer encode(SharingMessage m) {
        ByteBuffer b = ByteBuffer.allocate(EmergencyCodec.MAX_PLAINTEXT);
        if (m instanceof SharingMessage.Offer o) {
            header(b, OFFER, o.offerId());
            b.putInt((int) o.seq()).putInt((int) o.downKbps()).putInt((int) o.upKbps()).putInt((int) o.windowMs());
        } else if (m instanceof SharingMessage.Use u) {
            header(b, USE, u.offerId());
            b.putInt((int) u.seq());
        } else if (m instanceof SharingMessage.Answer a) {
            header(b, ANSWER, a.offerId());
            if (a.accepted()) {
                b.put((byte) 1);
                EmergencyCodec.putGrant(b, a.grant());
            } else {
                b.put((byte) 0).put((byte) a.refusal().code);
                EmergencyCodec.putText(b, a.reason());
            }
        } else if (m instanceof SharingMessage.Release r) {
            header(b, RELEASE, r.offerId());
        } else {
            header(b, RELEASE_ACK, m.offerId());
        }
        return b.flip();
    }

    private static void header(ByteBuffer b, int type, long id) {
        b.put((byte) type).putInt((int) id);
    }

    /** Parses the plaintext from position to limit (consumed). */
    public static SharingMessage parse(ByteBuffer in) throws SharingFormatException {
        ByteBuffer b = in.slice();
        in.position(in.limit());
        try {
            SharingMessage m = parseFrom(b);
            if (b.hasRemaining()) {
                throw new SharingFormatException(b.remaining() + " byte(s) after the message");
            }
            return m;
        } catch (EmergencyFormatException e) {
            throw new SharingFormatException(e.getMessage());
        }
    }

    private static SharingMessage parseFrom(ByteBuffer b) throws SharingFormatException, EmergencyFormatException {
        EmergencyCodec.need(b, 5, "header");
        int type = b.get() & 0xff;
        long id = b.getInt() & 0xffff_ffffL;
        switch (type) {
            case OFFER -> {
                EmergencyCodec.need(b, 16, "offer");
                long seq = b.getInt() & 0xffff_ffffL;
                long down = b.getInt() & 0xffff_ffffL;
                long up = b.getInt() & 0xffff_ffffL;
                long window = b.getInt() & 0xffff_ffffL;
                if (down > MAX_KBPS || up > MAX_KBPS || window < 100 || window > MAX_WINDOW_MS) {
                    throw new SharingFormatException("offer out of range");
                }
                return new SharingMessage.Offer(id, seq, down, up, window);
            }
            case USE -> {
                EmergencyCodec.need(b, 4, "use");
                return new SharingMessage.Use(id, b.getInt() & 0xffff_ffffL);
            }
            case ANSWER -> {
                EmergencyCodec.need(b, 1, "answer");
                int accepted = b.get() & 0xff;
                if (accepted == 1) {
                    return SharingMessage.Answer.granted(id, EmergencyCodec.getGrant(b));
                }
                if (accepted != 0) {
                    throw new SharingFormatException("accepted must be 0 or 1");
                }
                EmergencyCodec.need(b, 1, "refusal");
                SharingMessage.Refusal r = SharingMessage.Refusal.of(b.get() & 0xff);
                if (r == null) {
                    throw new SharingFormatException("unknown refusal");
                }
                return SharingMessage.Answer.refused(id, r, EmergencyCodec.getText(b));
            }
            case RELEASE -> {
                return new SharingMessage.Release(id);
            }
            case RELEASE_ACK -> {
                return new SharingMessage.ReleaseAck(id);
            }
            default -> throw new SharingFormatException("unknown message type " + type);
        }
    }
}
