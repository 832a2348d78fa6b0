package net.coopwan.daemon.coop.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class StreamFramingTest {

    private static byte[] datagram(SplittableRandom r) {
        byte[] d = new byte[ChannelHeader.LENGTH + r.nextInt(ChannelHeader.MAX_DATAGRAM - ChannelHeader.LENGTH + 1)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) r.nextInt(256);
        }
        return d;
    }

    @Test
    void theFrameIsTheLengthBigEndianThenTheDatagramUnchanged() {
        byte[] d = new byte[300];
        Arrays.fill(d, (byte) 7);
        ByteBuffer b = ByteBuffer.allocate(400);
        b.position(10);
        b.put(d);
        b.flip().position(10);
        byte[] f = StreamFraming.frame(b);
        assertEquals(302, f.length);
        assertEquals(0x01, f[0]);
        assertEquals(0x2c, f[1] & 0xff);
        assertArrayEquals(d, Arrays.copyOfRange(f, 2, 302));
        assertEquals(10, b.position(), "the caller's buffer is not moved");
    }

    @Test
    void theSenderRefusesWhatNoReceiverWouldTake() {
        assertThrows(IllegalArgumentException.class, () -> StreamFraming.frame(ByteBuffer.allocate(ChannelHeader.LENGTH - 1)));
        assertThrows(IllegalArgumentException.class, () -> StreamFraming.frame(ByteBuffer.allocate(ChannelHeader.MAX_DATAGRAM + 1)));
    }

    /** Any cut of a stream of frames into reads gives back the same datagrams in order. */
    @Test
    void randomSplitsGiveBackEveryDatagram() {
        SplittableRandom r = new SplittableRandom(4790);
        for (int round = 0; round < 200; round++) {
            List<byte[]> sent = new ArrayList<>();
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            int n = 1 + r.nextInt(20);
            for (int i = 0; i < n; i++) {
                byte[] d = datagram(r);
                sent.add(d);
                stream.writeBytes(StreamFraming.frame(ByteBuffer.wrap(d)));
            }
            byte[] all = stream.toByteArray();
            List<byte[]> got = new ArrayList<>();
            StreamFraming.Decoder dec = new StreamFraming.Decoder();
            int at = 0;
            while (at < all.length) {
                // reads of 1 byte (a slow middlebox) up to several frames at once (coalesced)
                int len = Math.min(all.length - at, r.nextInt(4) == 0 ? 1 : 1 + r.nextInt(3000));
                assertEquals(StreamFraming.Result.OK, dec.feed(all, at, len, (b, l) -> got.add(Arrays.copyOf(b, l))));
                at += len;
            }
            assertFalse(dec.midFrame());
            assertEquals(sent.size(), got.size());
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), got.get(i));
            }
        }
    }

    @Test
    void aLengthAboveTheLargestDatagramEndsTheStream() {
        StreamFraming.Decoder dec = new StreamFraming.Decoder();
        byte[] in = {(byte) ((ChannelHeader.MAX_DATAGRAM + 1) >>> 8), (byte) (ChannelHeader.MAX_DATAGRAM + 1), 1, 2, 3};
        assertEquals(StreamFraming.Result.OK, dec.feed(in, 0, 1), "one byte is not yet a length");
        assertEquals(StreamFraming.Result.TOO_LONG, dec.feed(in, 1, 4), "the body is not waited for");
    }

    @Test
    void lengthsAreCheckedAsSoonAsBothBytesCame() {
        StreamFraming.Decoder a = new StreamFraming.Decoder();
        assertEquals(StreamFraming.Result.OK, a.feed(new byte[] {(byte) 0xff}, 0, 1));
        assertTrue(a.midFrame());
        assertEquals(StreamFraming.Result.TOO_LONG, a.feed(new byte[] {(byte) 0xff}, 0, 1));
        StreamFraming.Decoder b = new StreamFraming.Decoder();
        assertEquals(StreamFraming.Result.TOO_SHORT, b.feed(new byte[] {0, ChannelHeader.LENGTH - 1}, 0, 2));
        StreamFraming.Decoder c = new StreamFraming.Decoder();
        assertEquals(StreamFraming.Result.TOO_SHORT, c.feed(new byte[] {0, 0}, 0, 2), "an empty frame");
        StreamFraming.Decoder d = new StreamFraming.Decoder();
        byte[] max = new byte[2 + ChannelHeader.MAX_DATAGRAM];
        max[0] = (byte) (ChannelHeader.MAX_DATAGRAM >>> 8);
        max[1] = (byte) ChannelHeader.MAX_DATAGRAM;
        int[] got = {0};
        assertEquals(StreamFraming.Result.OK, d.feed(max, 0, max.length, (x, l) -> (got[0] = l) > 0));
        assertEquals(ChannelHeader.MAX_DATAGRAM, got[0], "the largest datagram passes");
    }

    @Test
    void aHalfFrameIsShownAsPending() {
        StreamFraming.Decoder dec = new StreamFraming.Decoder();
        byte[] f = StreamFraming.frame(ByteBuffer.allocate(40));
        assertEquals(StreamFraming.Result.OK, dec.feed(f, 0, 20));
        assertTrue(dec.midFrame());
        assertEquals(StreamFraming.Result.OK, dec.feed(f, 20, 22));
        assertFalse(dec.midFrame());
    }

    @Test
    void theSinkStopsTheDecoder() {
        byte[] two = new byte[2 * 42];
        System.arraycopy(StreamFraming.frame(ByteBuffer.allocate(40)), 0, two, 0, 42);
        System.arraycopy(StreamFraming.frame(ByteBuffer.allocate(40)), 0, two, 42, 42);
        int[] calls = {0};
        assertEquals(StreamFraming.Result.STOPPED, new StreamFraming.Decoder().feed(two, 0, two.length, (b, l) -> ++calls[0] > 1));
        assertEquals(1, calls[0], "nothing after the stop");
    }

    /** Random bytes, cut anywhere: the decoder never throws, and every frame it yields is in range. */
    @Test
    void randomBytesNeverThrow() {
        SplittableRandom r = new SplittableRandom(2026);
        int tooLong = 0;
        for (int round = 0; round < 5000; round++) {
            byte[] junk = new byte[r.nextInt(4000)];
            for (int i = 0; i < junk.length; i++) {
                junk[i] = (byte) r.nextInt(256);
            }
            StreamFraming.Decoder dec = new StreamFraming.Decoder();
            int at = 0;
            StreamFraming.Result res = StreamFraming.Result.OK;
            while (at < junk.length && res == StreamFraming.Result.OK) {
                int len = Math.min(junk.length - at, 1 + r.nextInt(600));
                res = dec.feed(junk, at, len, (b, l) -> {
                    assertTrue(l >= ChannelHeader.LENGTH && l <= ChannelHeader.MAX_DATAGRAM, "length " + l);
                    return true;
                });
                at += len;
            }
            tooLong += res == StreamFraming.Result.TOO_LONG ? 1 : 0;
        }
        // a random 16-bit length is above 1400 with p = 0.98: most junk is refused at its first prefix
        assertTrue(tooLong > 4000, "junk is refused: " + tooLong);
    }
}
