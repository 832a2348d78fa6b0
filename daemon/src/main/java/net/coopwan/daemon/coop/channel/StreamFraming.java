package net.coopwan.daemon.coop.channel;

import java.nio.ByteBuffer;

/**
 * The framing of channel datagrams on the TCP fallback: each datagram, unchanged (same header,
 * same AEAD), behind its length as 2 bytes big-endian. A length outside
 * {@link ChannelHeader#LENGTH}..{@link ChannelHeader#MAX_DATAGRAM} cannot come from a coopwan
 * sender and ends the stream: after it the boundaries are lost, so nothing later could be trusted
 * to start a frame.
 *
 * <p>Why a length and not the seed's boundary byte with escaping ([0501]-[0505]): a length costs
 * 2 bytes per datagram, never more, and needs no scan; the escaping forms exist to find frames
 * across holes a middlebox left, which a {@code java.net.Socket} never shows (it delivers the
 * bytes in order or not at all).
 */
public final class StreamFraming {
    public static final int PREFIX = 2;

    private StreamFraming() {
    }

    /** The frame of the datagram between {@code d}'s position and limit (not moved). */
    public static byte[] frame(ByteBuffer d) {
        int n = d.remaining();
        if (n < ChannelHeader.LENGTH || n > ChannelHeader.MAX_DATAGRAM) {
            throw new IllegalArgumentException("a channel datagram is " + ChannelHeader.LENGTH + "-"
                    + ChannelHeader.MAX_DATAGRAM + " bytes, got " + n);
        }
        byte[] f = new byte[PREFIX + n];
        f[0] = (byte) (n >>> 8);
        f[1] = (byte) n;
        d.duplicate().get(f, PREFIX, n);
        return f;
    }

    /** What {@link Decoder#feed} ended with. */
    public enum Result {
        /** All bytes taken; a frame may be part way. */
        OK,
        /** The sink asked to stop; the rest of the input was not read. */
        STOPPED,
        /** A length above {@link ChannelHeader#MAX_DATAGRAM}. */
        TOO_LONG,
        /** A length below {@link ChannelHeader#LENGTH}. */
        TOO_SHORT
    }

    /** Takes one datagram; the array is reused after the call returns. */
    @FunctionalInterface
    public interface Sink {
        /** @return false to stop reading the stream */
        boolean datagram(byte[] b, int len);
    }

    /**
     * Splits a byte stream into datagrams, however the stream is cut into reads. One per
     * connection; not thread-safe. After a result other than OK it must not be fed again.
     */
    public static final class Decoder {
        private final byte[] body = new byte[ChannelHeader.MAX_DATAGRAM];
        private int prefixHave;
        private int length;
        private int have;

        public Result feed(byte[] in, int off, int len) {
            return feed(in, off, len, (b, l) -> true);
        }

        public Result feed(byte[] in, int off, int len, Sink sink) {
            int i = off;
            int end = off + len;
            while (i < end) {
                if (prefixHave < PREFIX) {
                    length = length << 8 | in[i++] & 0xff;
                    if (++prefixHave < PREFIX) {
                        continue;
                    }
                    if (length > ChannelHeader.MAX_DATAGRAM) {
                        return Result.TOO_LONG;
                    }
                    if (length < ChannelHeader.LENGTH) {
                        return Result.TOO_SHORT;
                    }
                    have = 0;
                }
                int n = Math.min(end - i, length - have);
                System.arraycopy(in, i, body, have, n);
                have += n;
                i += n;
                if (have == length) {
                    int l = length;
                    prefixHave = 0;
                    length = 0;
                    have = 0;
                    if (!sink.datagram(body, l)) {
                        return Result.STOPPED;
                    }
                }
            }
            return Result.OK;
        }

        /** Whether some bytes of a frame (prefix included) have come and the rest not yet. */
        public boolean midFrame() {
            return prefixHave > 0;
        }
    }
}
