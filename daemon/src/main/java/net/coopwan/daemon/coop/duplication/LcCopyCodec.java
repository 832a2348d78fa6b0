package net.coopwan.daemon.coop.duplication;

import java.nio.ByteBuffer;

/**
 * The payload of tunnel packet type LC_COPY (11), sealed like DATA (docs/PROTOCOL.md 4.7),
 * big-endian:
 *
 * <pre>
 *  0            4                          12      13       14       16
 * +------------+--------------------------+-------+--------+--------+------------------------+
 * | session id | packet id (64)           | parts | rsvd 0 | length | inner packet or part   |
 * +------------+--------------------------+-------+--------+--------+------------------------+
 * parts = part count (high 4 bits: 1 or 3) | part index (low 4 bits)
 * </pre>
 *
 * Reads and writes at absolute offsets; the buffer's position does not move.
 */
public final class LcCopyCodec {
    public static final int HEADER = 16;
    static final int OFF_SESSION = 0;
    static final int OFF_PACKET = 4;
    static final int OFF_PARTS = 12;
    static final int OFF_RESERVED = 13;
    static final int OFF_LENGTH = 14;

    private LcCopyCodec() {
    }

    /** Bytes {@link #write} uses for {@code c}. */
    public static int encodedLength(LcCopy c) {
        return HEADER + c.body().length;
    }

    /** Writes {@code c} at {@code at}; returns the bytes written. */
    public static int write(ByteBuffer b, int at, LcCopy c) {
        b.putInt(at + OFF_SESSION, c.sessionId());
        b.putLong(at + OFF_PACKET, c.packetId());
        b.put(at + OFF_PARTS, (byte) (c.partCount() << 4 | c.partIndex()));
        b.put(at + OFF_RESERVED, (byte) 0);
        b.putShort(at + OFF_LENGTH, (short) c.originalLength());
        b.put(at + HEADER, c.body());
        return encodedLength(c);
    }

    /** The encoding of {@code c} as an array (tests, logs). */
    public static byte[] encode(LcCopy c) {
        ByteBuffer b = ByteBuffer.allocate(encodedLength(c));
        write(b, 0, c);
        return b.array();
    }

    /** Parses the {@code length} payload bytes at {@code at}; the tunnel has authenticated them. */
    public static LcCopy parse(ByteBuffer b, int at, int length) throws DuplicationFormatException {
        if (length < HEADER) {
            throw new DuplicationFormatException(DuplicationDrop.TRUNCATED, "LC_COPY of " + length + " bytes");
        }
        int parts = b.get(at + OFF_PARTS) & 0xff;
        int count = parts >>> 4;
        int index = parts & 0x0f;
        if ((count != LcCopy.WHOLE && count != Raic5.PARTS) || index >= count) {
            throw new DuplicationFormatException(DuplicationDrop.BAD_PARTS, "parts byte " + parts);
        }
        if (b.get(at + OFF_RESERVED) != 0) {
            throw new DuplicationFormatException(DuplicationDrop.RESERVED_SET, "reserved byte set");
        }
        int original = b.getShort(at + OFF_LENGTH) & 0xffff;
        int bodyLength = length - HEADER;
        if (original == 0 || bodyLength != LcCopy.bodyLength(count, original)) {
            throw new DuplicationFormatException(DuplicationDrop.BAD_LENGTH,
                    "body " + bodyLength + " for " + count + " parts of " + original);
        }
        byte[] body = new byte[bodyLength];
        b.get(at + HEADER, body);
        return new LcCopy(b.getInt(at + OFF_SESSION), b.getLong(at + OFF_PACKET), index, count, original, body);
    }
}
