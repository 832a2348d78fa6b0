package net.coopwan.daemon.coop.emergency;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import net.coopwan.daemon.coop.channel.ChannelHeader;

/**
 * The plaintext of an EMERGENCY channel datagram (kind 8; docs/PROTOCOL.md 3.12), big-endian:
 *
 * <pre>
 * 0  u8   type: 1 REQUEST, 2 ACK, 3 TERMINATE, 4 TERMINATE_ACK
 * 1  u32  emergency id (chosen by the requester; every message of one emergency carries it)
 * 5  body
 *   REQUEST        u8 mode (1 direct, 2 concentrator), u8 cause (1 carrier, 2 black-hole, 3 probes,
 *                  4 owner), u64 quota bytes wanted, u32 window ms wanted (0, 0: as agreed),
 *                  u8 n destinations (direct: 0; concentrator: 1-8), n x { u32 address, u16 port }
 *   ACK            u8 accepted (0|1);
 *                  1: u64 quota bytes, u32 window ms, u16 tunnel port, u32 requester address,
 *                     u32 helper address, u8 prefix length (1-30), 32 bytes tunnel key
 *                  0: u8 refusal (1 no agreement, 2 not enabled, 3 over the agreement,
 *                     4 mode unsupported, 5 busy, 6 set-up failed), text
 *   TERMINATE      u8 reason (1 recovered, 2 helper's owner, 3 agreement withdrawn, 4 stopping,
 *                  5 cannot carry, 6 requester ended)
 *   TERMINATE_ACK  (empty)
 * text: u16 length 0-512, UTF-8
 * </pre>
 *
 * Strict and canonical: every code in range, no byte after the message, one message one encoding.
 * Only {@link EmergencyFormatException} is thrown: the plaintext was authenticated by the channel,
 * so a bad one is a bug or a newer peer, counted and dropped.
 */
public final class EmergencyCodec {
    public static final int REQUEST = 1;
    public static final int ACK = 2;
    public static final int TERMINATE = 3;
    public static final int TERMINATE_ACK = 4;
    public static final int KEY_BYTES = 32;
    public static final int MAX_TEXT = 512;
    /** Concentrators one request may name: a bond has one far end; a few for routers with several bonds. */
    public static final int MAX_DESTINATIONS = 8;
    public static final int MAX_PLAINTEXT = ChannelHeader.MAX_DATAGRAM - ChannelHeader.LENGTH - ChannelHeader.TAG;

    private EmergencyCodec() {
    }

    /** The constant of {@code values} whose wire code is {@code code}, or null. */
    static <E> E byCode(E[] values, java.util.function.ToIntFunction<E> codeOf, int code) {
        for (E v : values) {
            if (codeOf.applyAsInt(v) == code) {
                return v;
            }
        }
        return null;
    }

    static void checkU32(long v, String what) {
        if (v < 0 || v > 0xffff_ffffL) {
            throw new IllegalArgumentException(what + " must be an unsigned 32-bit value, got " + v);
        }
    }

    /** Dotted-quad text of an IPv4 address held as an int. */
    public static String dotted(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }

    /** Encodes a message; the buffer is flipped (position 0, limit = length). */
    public static ByteBuffer encode(EmergencyMessage m) {
        ByteBuffer b = ByteBuffer.allocate(MAX_PLAINTEXT);
        if (m instanceof EmergencyMessage.Request r) {
            header(b, REQUEST, r.emergencyId());
            b.put((byte) r.mode().code).put((byte) r.cause().code).putLong(r.quotaBytes()).putInt((int) r.windowMs());
            b.put((byte) r.destinations().size());
            for (EmergencyMessage.Destination d : r.destinations()) {
                b.putInt(d.address()).putShort((short) d.port());
            }
        } else if (m instanceof EmergencyMessage.Ack a) {
            header(b, ACK, a.emergencyId());
            if (a.accepted()) {
                b.put((byte) 1);
                putGrant(b, a.grant());
            } else {
                b.put((byte) 0).put((byte) a.refusal().code);
                putText(b, a.reason());
            }
        } else if (m instanceof EmergencyMessage.Terminate t) {
            header(b, TERMINATE, t.emergencyId());
            b.put((byte) t.reason().code);
        } else {
            header(b, TERMINATE_ACK, m.emergencyId());
        }
        return b.flip();
    }

    private static void header(ByteBuffer b, int type, long id) {
        b.put((byte) type).putInt((int) id);
    }

    /**
     * A grant as an ACK carries it (also bandwidth sharing's answer, which opens the same path):
     * u64 quota bytes, u32 window ms, u16 tunnel port, u32 requester (borrower) address, u32 helper
     * (sharer) address, u8 prefix length, 32 bytes key.
     */
    public static void putGrant(ByteBuffer b, EmergencyMessage.Grant g) {
        b.putLong(g.quotaBytes()).putInt((int) g.windowMs()).putShort((short) g.tunnelPort())
                .putInt(g.requesterAddress()).putInt(g.helperAddress()).put((byte) g.prefixLength()).put(g.key());
    }

    /** Reads what {@link #putGrant} wrote; every field in range or an exception. */
    public static EmergencyMessage.Grant getGrant(ByteBuffer b) throws EmergencyFormatException {
        need(b, 8 + 4 + 2 + 4 + 4 + 1 + KEY_BYTES, "grant");
        long quota = b.getLong();
        long window = b.getInt() & 0xffff_ffffL;
        int port = b.getShort() & 0xffff;
        int requester = b.getInt();
        int helper = b.getInt();
        int prefix = b.get() & 0xff;
        byte[] key = new byte[KEY_BYTES];
        b.get(key);
        if (quota < 1 || window < 1 || port < 1 || prefix < 1 || prefix > 30) {
            throw new EmergencyFormatException("grant out of range");
        }
        return new EmergencyMessage.Grant(quota, window, port, requester, helper, prefix, key);
    }

    /** u16 length and UTF-8, cut at a character boundary so the bytes stay within {@link #MAX_TEXT}. */
    public static void putText(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, MAX_TEXT);
        while (n < bytes.length && n > 0 && (bytes[n] & 0xc0) == 0x80) {
            n--;
        }
        b.putShort((short) n).put(bytes, 0, n);
    }

    /** Parses the plaintext from position to limit (consumed). */
    public static EmergencyMessage parse(ByteBuffer in) throws EmergencyFormatException {
        ByteBuffer b = in.slice();
        in.position(in.limit());
        need(b, 5, "header");
        int type = b.get() & 0xff;
        long id = b.getInt() & 0xffff_ffffL;
        EmergencyMessage m = switch (type) {
            case REQUEST -> {
                need(b, 15, "request");
                EmergencyMessage.Mode mode = EmergencyMessage.Mode.of(b.get() & 0xff);
                EmergencyMessage.Cause cause = EmergencyMessage.Cause.of(b.get() & 0xff);
                long quota = b.getLong();
                long window = b.getInt() & 0xffff_ffffL;
                int n = b.get() & 0xff;
                if (mode == null || cause == null) {
                    throw new EmergencyFormatException("unknown mode or cause");
                }
                if (quota < 0) {
                    throw new EmergencyFormatException("negative quota");
                }
                if (mode == EmergencyMessage.Mode.DIRECT ? n != 0 : n < 1 || n > MAX_DESTINATIONS) {
                    throw new EmergencyFormatException(n + " destination(s) in mode " + mode);
                }
                need(b, 6 * n, "destinations");
                java.util.List<EmergencyMessage.Destination> ds = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int addr = b.getInt();
                    int port = b.getShort() & 0xffff;
                    if (port == 0) {
                        throw new EmergencyFormatException("destination port 0");
                    }
                    ds.add(new EmergencyMessage.Destination(addr, port));
                }
                yield new EmergencyMessage.Request(id, mode, cause, quota, window, ds);
            }
            case ACK -> {
                need(b, 1, "ack");
                int accepted = b.get() & 0xff;
                if (accepted == 1) {
                    yield EmergencyMessage.Ack.granted(id, getGrant(b));
                }
                if (accepted != 0) {
                    throw new EmergencyFormatException("accepted must be 0 or 1");
                }
                need(b, 1, "refusal");
                EmergencyMessage.Refusal r = EmergencyMessage.Refusal.of(b.get() & 0xff);
                if (r == null) {
                    throw new EmergencyFormatException("unknown refusal");
                }
                yield EmergencyMessage.Ack.refused(id, r, getText(b));
            }
            case TERMINATE -> {
                need(b, 1, "terminate");
                EmergencyMessage.EndReason r = EmergencyMessage.EndReason.of(b.get() & 0xff);
                if (r == null) {
                    throw new EmergencyFormatException("unknown end reason");
                }
                yield new EmergencyMessage.Terminate(id, r);
            }
            case TERMINATE_ACK -> new EmergencyMessage.TerminateAck(id);
            default -> throw new EmergencyFormatException("unknown message type " + type);
        };
        if (b.hasRemaining()) {
            throw new EmergencyFormatException(b.remaining() + " byte(s) after the message");
        }
        return m;
    }

    /** Reads what {@link #putText} wrote: at most {@link #MAX_TEXT} bytes of valid UTF-8. */
    public static String getText(ByteBuffer b) throws EmergencyFormatException {
        need(b, 2, "text length");
        int n = b.getShort() & 0xffff;
        if (n > MAX_TEXT) {
            throw new EmergencyFormatException("text longer than " + MAX_TEXT);
        }
        need(b, n, "text");
        ByteBuffer t = b.slice().limit(n);
        b.position(b.position() + n);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(t).toString();
        } catch (CharacterCodingException e) {
            throw new EmergencyFormatException("text is not UTF-8");
        }
    }

    /** Throws unless {@code n} bytes remain. */
    public static void need(ByteBuffer b, int n, String what) throws EmergencyFormatException {
        if (b.remaining() < n) {
            throw new EmergencyFormatException(what + " truncated");
        }
    }
}
