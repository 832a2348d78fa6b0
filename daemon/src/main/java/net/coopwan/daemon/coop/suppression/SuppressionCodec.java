package net.coopwan.daemon.coop.suppression;

import java.nio.ByteBuffer;

/**
 * The plaintext of a SUPPRESSION channel datagram (kind 10; docs/PROTOCOL.md 3.14), big-endian:
 *
 * <pre>
 * 0  u8   type: 1 REQUEST, 2 STOP, 3 ANSWER
 * 1  u32  request id (chosen by the requester)
 * 5  body
 *   REQUEST  u8 app type (1 VoIP, 2 game, 3 other), u8 max drop percent (0..100),
 *            u32 lease ms (100..60 000)
 *   STOP     (empty)
 *   ANSWER   u8 applied percent (0..100, or 255: not suppressing), u8 refusal (0 none,
 *            1 no agreement, 2 set-up failed; non-zero only with 255)
 * </pre>
 *
 * Strict and canonical: every code and value in range, no byte after the message. Only {@link
 * SuppressionFormatException} is thrown, whatever the bytes.
 */
public final class SuppressionCodec {
    public static final int REQUEST = 1;
    public static final int STOP = 2;
    public static final int ANSWER = 3;
    public static final long MIN_LEASE_MS = 100;
    public static final long MAX_LEASE_MS = 60_000;
    /** The longest message (a REQUEST). */
    public static final int MAX_LENGTH = 11;
    private static final int NOT_APPLIED = 255;

    private SuppressionCodec() {
    }

    static void checkU32(long v, String what) {
        if (v < 0 || v > 0xffff_ffffL) {
            throw new IllegalArgumentException(what + " must be an unsigned 32-bit value, got " + v);
        }
    }

    /** Encodes a message; the buffer is flipped (position 0, limit = length). */
    public static ByteBuffer encode(SuppressionMessage m) {
        ByteBuffer b = ByteBuffer.allocate(MAX_LENGTH);
        if (m instanceof SuppressionMessage.Request r) {
            b.put((byte) REQUEST).putInt((int) r.requestId());
            b.put((byte) r.appType().code()).put((byte) r.maxDropPercent()).putInt((int) r.leaseMs());
        } else if (m instanceof SuppressionMessage.Stop s) {
            b.put((byte) STOP).putInt((int) s.requestId());
        } else if (m instanceof SuppressionMessage.Answer a) {
            b.put((byte) ANSWER).putInt((int) a.requestId());
            b.put((byte) (a.enforcing() ? a.appliedPercent() : NOT_APPLIED));
            b.put((byte) (a.refusal() == null ? 0 : a.refusal().code));
        }
        return b.flip();
    }

    /** Parses the plaintext from position to limit (consumed). */
    public static SuppressionMessage parse(ByteBuffer in) throws SuppressionFormatException {
        ByteBuffer b = in.slice();
        in.position(in.limit());
        SuppressionMessage m = parseFrom(b);
        if (b.hasRemaining()) {
            throw new SuppressionFormatException(b.remaining() + " byte(s) after the message");
        }
        return m;
    }

    private static SuppressionMessage parseFrom(ByteBuffer b) throws SuppressionFormatException {
        need(b, 5, "header");
        int type = b.get() & 0xff;
        long id = b.getInt() & 0xffff_ffffL;
        switch (type) {
            case REQUEST -> {
                need(b, 6, "request");
                AppType app = AppType.of(b.get() & 0xff);
                int percent = b.get() & 0xff;
                long lease = b.getInt() & 0xffff_ffffL;
                if (app == null) {
                    throw new SuppressionFormatException("unknown app type");
                }
                if (percent > 100 || lease < MIN_LEASE_MS || lease > MAX_LEASE_MS) {
                    throw new SuppressionFormatException("request out of range");
                }
                return new SuppressionMessage.Request(id, app, percent, lease);
            }
            case STOP -> {
                return new SuppressionMessage.Stop(id);
            }
            case ANSWER -> {
                need(b, 2, "answer");
                int applied = b.get() & 0xff;
                int refusalCode = b.get() & 0xff;
                SuppressionMessage.Refusal refusal = null;
                if (refusalCode != 0) {
                    refusal = SuppressionMessage.Refusal.of(refusalCode);
                    if (refusal == null || applied != NOT_APPLIED) {
                        throw new SuppressionFormatException("bad refusal");
                    }
                }
                if (applied != NOT_APPLIED && applied > 100) {
                    throw new SuppressionFormatException("applied percent out of range");
                }
                return new SuppressionMessage.Answer(id, applied == NOT_APPLIED ? -1 : applied, refusal);
            }
            default -> throw new SuppressionFormatException("unknown message type " + type);
        }
    }

    private static void need(ByteBuffer b, int n, String what) throws SuppressionFormatException {
        if (b.remaining() < n) {
            throw new SuppressionFormatException(what + " truncated: " + b.remaining() + " of " + n + " bytes");
        }
    }
}
