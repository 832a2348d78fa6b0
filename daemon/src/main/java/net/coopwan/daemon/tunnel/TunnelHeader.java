package net.coopwan.daemon.tunnel;

import java.nio.ByteBuffer;

/**
 * The 28-byte header every tunnel packet starts with (big-endian), sent in clear and
 * authenticated as the AEAD's associated data:
 *
 * <pre>
 *  0      1      2      3      4              8                              16       18       20             24             28
 * +------+------+------+------+--------------+------------------------------+--------+--------+--------------+--------------+
 * | ver  | type | flags| link |  tunnel id   |  packet number (64)          | bucket | rsvd   |  flow seq    | send time µs |
 * +------+------+------+------+--------------+------------------------------+--------+--------+--------------+--------------+
 * </pre>
 *
 * <ul>
 *   <li>ver = 1; type = {@link PacketType#code()}; flags = 0 (reserved, covered by the tag);
 *   <li>link: the member link index (0..15) chosen by the router; both directions of one link use it;
 *   <li>tunnel id: the session's key id (0 in a handshake init), so the receiver finds the keys;
 *   <li>packet number: per session, link and direction; the AEAD nonce, the replay-window index
 *       and the link's sequence number for loss counting, all in one field;
 *   <li>bucket + flow seq: the inner flow's bucket (0..4095, {@link #NO_BUCKET} when not data) and
 *       its sequence number within the bucket, for the receiver's per-flow reorder buffer and
 *       duplicate filter;
 *   <li>send time: the sender's monotonic clock in microseconds, mod 2^32 (wraps every 71
 *       minutes; only differences are used: RTT, one-way-delay trend).
 * </ul>
 *
 * Static accessors read and write at an absolute offset without allocating (hot path);
 * {@link Fields} is the same as a value, for tests and logs.
 */
public final class TunnelHeader {
    public static final int VERSION = 1;
    public static final int LENGTH = 28;
    /** As many as a bond may have members ({@code BondRules.MAX_MEMBERS}). */
    public static final int MAX_LINKS = 16;
    public static final int NO_BUCKET = 0xFFFF;
    /** Header + Poly1305 tag: what the tunnel adds to an inner packet, before UDP/IP. */
    public static final int OVERHEAD = LENGTH + 16;

    static final int OFF_VERSION = 0;
    static final int OFF_TYPE = 1;
    static final int OFF_FLAGS = 2;
    static final int OFF_LINK = 3;
    static final int OFF_TUNNEL = 4;
    static final int OFF_PN = 8;
    static final int OFF_BUCKET = 16;
    static final int OFF_SEQ = 20;
    static final int OFF_TIME = 24;

    private TunnelHeader() {
    }

    /** The header as a value. */
    public record Fields(int version, PacketType type, int flags, int link, int tunnelId,
            long packetNumber, int bucket, int flowSeq, int sendMicros) {
    }

    /** Writes a header at {@code at} (absolute; the position does not move). */
    public static void write(ByteBuffer b, int at, PacketType type, int link, int tunnelId,
            long packetNumber, int bucket, int flowSeq, int sendMicros) {
        b.put(at + OFF_VERSION, (byte) VERSION);
        b.put(at + OFF_TYPE, (byte) type.code());
        b.put(at + OFF_FLAGS, (byte) 0);
        b.put(at + OFF_LINK, (byte) link);
        b.putInt(at + OFF_TUNNEL, tunnelId);
        b.putLong(at + OFF_PN, packetNumber);
        b.putShort(at + OFF_BUCKET, (short) bucket);
        b.putShort(at + OFF_BUCKET + 2, (short) 0);
        b.putInt(at + OFF_SEQ, flowSeq);
        b.putInt(at + OFF_TIME, sendMicros);
    }

    /**
     * Checks what can be checked without keys: length, version, type and link. Returns null
     * when the header is acceptable, else the drop reason.
     */
    public static TunnelDrop check(ByteBuffer b, int at, int length) {
        if (length < LENGTH) {
            return TunnelDrop.TRUNCATED;
        }
        if ((b.get(at + OFF_VERSION) & 0xff) != VERSION) {
            return TunnelDrop.BAD_VERSION;
        }
        PacketType t = type(b, at);
        if (t == null) {
            return TunnelDrop.UNKNOWN_TYPE;
        }
        if (link(b, at) >= MAX_LINKS) {
            return TunnelDrop.BAD_LINK;
        }
        if (t.sealed() && length < LENGTH + 16) {
            return TunnelDrop.TRUNCATED;
        }
        return null;
    }

    public static PacketType type(ByteBuffer b, int at) {
        return PacketType.ofCode(b.get(at + OFF_TYPE) & 0xff);
    }

    public static int link(ByteBuffer b, int at) {
        return b.get(at + OFF_LINK) & 0xff;
    }

    public static int tunnelId(ByteBuffer b, int at) {
        return b.getInt(at + OFF_TUNNEL);
    }

    public static long packetNumber(ByteBuffer b, int at) {
        return b.getLong(at + OFF_PN);
    }

    public static int bucket(ByteBuffer b, int at) {
        return b.getShort(at + OFF_BUCKET) & 0xffff;
    }

    public static int flowSeq(ByteBuffer b, int at) {
        return b.getInt(at + OFF_SEQ);
    }

    public static int sendMicros(ByteBuffer b, int at) {
        return b.getInt(at + OFF_TIME);
    }

    /** Reads a header as a value; the caller has run {@link #check} first. */
    public static Fields read(ByteBuffer b, int at) {
        return new Fields(b.get(at + OFF_VERSION) & 0xff, type(b, at), b.get(at + OFF_FLAGS) & 0xff,
                link(b, at), tunnelId(b, at), packetNumber(b, at), bucket(b, at), flowSeq(b, at),
                sendMicros(b, at));
    }
}
