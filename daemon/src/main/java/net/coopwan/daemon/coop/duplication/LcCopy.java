package net.coopwan.daemon.coop.duplication;

import java.util.Arrays;

/**
 * One copy of an LC packet as carried in a tunnel packet of type LC_COPY (docs/PROTOCOL.md 4.7):
 * a whole copy ({@code partCount} 1) or one RAIC-5 split copy ({@code partCount} 3, index
 * {@link Raic5#A}, {@link Raic5#B} or {@link Raic5#XOR}).
 *
 * @param sessionId      the LC session, chosen by the side that opened it; unsigned 32 bits
 * @param packetId       per LC session and direction, from 0, +1 per packet; unsigned 64 bits
 * @param partIndex      0..partCount-1
 * @param partCount      1 (whole packet) or 3 (RAIC-5)
 * @param originalLength the inner packet's length, 1..65535 (cuts RAIC-5's pad)
 * @param body           the inner packet, or the part ({@code Raic5.partLength(originalLength)} bytes)
 */
public record LcCopy(int sessionId, long packetId, int partIndex, int partCount, int originalLength, byte[] body) {
    public static final int WHOLE = 1;
    public static final int MAX_LENGTH = 0xFFFF;

    public LcCopy {
        if (partCount != WHOLE && partCount != Raic5.PARTS) {
            throw new IllegalArgumentException("part count must be 1 or 3: " + partCount);
        }
        if (partIndex < 0 || partIndex >= partCount) {
            throw new IllegalArgumentException("part " + partIndex + " of " + partCount);
        }
        if (originalLength < 1 || originalLength > MAX_LENGTH) {
            throw new IllegalArgumentException("original length must be 1..65535: " + originalLength);
        }
        if (body.length != bodyLength(partCount, originalLength)) {
            throw new IllegalArgumentException("body of " + body.length + " bytes for " + partCount
                    + " parts of " + originalLength);
        }
    }

    /** A whole copy of {@code packet}. */
    public static LcCopy whole(int sessionId, long packetId, byte[] packet) {
        return new LcCopy(sessionId, packetId, 0, WHOLE, packet.length, packet);
    }

    /** What the body of a copy must measure: the packet, or half of it rounded up. */
    public static int bodyLength(int partCount, int originalLength) {
        return partCount == WHOLE ? originalLength : Raic5.partLength(originalLength);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LcCopy c && c.sessionId == sessionId && c.packetId == packetId
                && c.partIndex == partIndex && c.partCount == partCount
                && c.originalLength == originalLength && Arrays.equals(c.body, body);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(packetId) * 31 + sessionId * 7 + partIndex + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "LcCopy[session=" + Integer.toUnsignedString(sessionId) + ", packet="
                + Long.toUnsignedString(packetId) + ", part=" + partIndex + "/" + partCount
                + ", length=" + originalLength + "]";
    }
}
