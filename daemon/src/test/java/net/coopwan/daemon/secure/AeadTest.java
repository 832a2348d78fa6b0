package net.coopwan.daemon.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AeadTest {
    static final byte[] KEY = new byte[32];
    static final byte[] OTHER = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            KEY[i] = (byte) i;
            OTHER[i] = (byte) (i + 100);
        }
    }

    /** A sealed packet as it would travel: header (with the packet number) + ciphertext + tag. */
    record Packet(long pn, byte[] header, byte[] body) {
        Packet copy() {
            return new Packet(pn, header.clone(), body.clone());
        }
    }

    static Packet seal(AeadSealer s, byte[] plaintext) {
        long pn = s.nextPacketNumber();
        byte[] header = ByteBuffer.allocate(12).putInt(0xC0DE0001).putLong(pn).array();
        ByteBuffer out = ByteBuffer.allocate(plaintext.length + Aead.TAG_LEN);
        assertEquals(SealStatus.OK, s.seal(ByteBuffer.wrap(header), ByteBuffer.wrap(plaintext), out));
        assertEquals(pn + 1, s.nextPacketNumber());
        return new Packet(pn, header, out.array());
    }

    static OpenStatus open(AeadOpener o, Packet p, ByteBuffer out) {
        return o.open(p.pn(), ByteBuffer.wrap(p.header()), ByteBuffer.wrap(p.body()), out);
    }

    static byte[] plain(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void roundTripHeapAndDirectBuffers() {
        AeadSealer s = new AeadSealer(KEY, 0);
        AeadOpener o = new AeadOpener(KEY, 0);
        for (int len : new int[] {0, 1, 63, 64, 1400, 9000}) {
            byte[] pt = plain(len, len);
            Packet p = seal(s, pt);
            assertEquals(len + 16, p.body().length);
            ByteBuffer out = ByteBuffer.allocate(len);
            assertEquals(OpenStatus.OK, open(o, p, out));
            assertArrayEquals(pt, out.array());
        }
        // direct buffers both ways, with offsets (a header in front, as on a real socket buffer)
        ByteBuffer hdr = ByteBuffer.allocateDirect(64);
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        ByteBuffer wire = ByteBuffer.allocateDirect(2048);
        ByteBuffer back = ByteBuffer.allocateDirect(2048);
        byte[] pt = plain(1400, 7);
        long pn = s.nextPacketNumber();
        hdr.putLong(pn).flip();
        in.position(10);
        in.put(pt).flip().position(10);
        wire.position(5);
        assertEquals(SealStatus.OK, s.seal(hdr, in, wire));
        assertEquals(0, in.remaining());
        wire.flip().position(5);
        hdr.rewind();
        back.position(3);
        assertEquals(OpenStatus.OK, o.open(pn, hdr, wire, back));
        assertEquals(3 + 1400, back.position());
        byte[] got = new byte[1400];
        back.flip().position(3);
        back.get(got);
        assertArrayEquals(pt, got);
        assertEquals(7, o.count(OpenStatus.OK));
    }

    @Test
    void nonceIsPrefixThenBigEndianPacketNumber() {
        byte[] n = new byte[12];
        Aead.nonce(n, 1, 0x0102030405060708L);
        assertEquals("000000010102030405060708", HexFormat.of().formatHex(n));
    }

    @Test
    void tamperedCiphertextTagOrHeaderRejectedWithoutMovingTheWindow() {
        AeadSealer s = new AeadSealer(KEY, 0);
        AeadOpener o = new AeadOpener(KEY, 0);
        Packet p = seal(s, plain(200, 1));
        int[] positions = {0, 100, 199, 200, 215}; // ciphertext start/middle/end, tag start/end
        for (int pos : positions) {
            Packet bad = p.copy();
            bad.body()[pos] ^= 0x01;
            assertEquals(OpenStatus.TAG_MISMATCH, open(o, bad, ByteBuffer.allocate(300)), "body byte " + pos);
        }
        for (int pos = 0; pos < p.header().length; pos++) {
            Packet bad = p.copy();
            bad.header()[pos] ^= (byte) 0x80;
            assertEquals(OpenStatus.TAG_MISMATCH, open(o, bad, ByteBuffer.allocate(300)), "header byte " + pos);
        }
        // packet number claimed differently from the one sealed (nonce mismatch)
        assertEquals(OpenStatus.TAG_MISMATCH, o.open(p.pn() + 1, ByteBuffer.wrap(p.header()),
                ByteBuffer.wrap(p.body()), ByteBuffer.allocate(300)));
        // a forged packet with a far-ahead number must not have advanced the window
        assertEquals(OpenStatus.TAG_MISMATCH, o.open(1_000_000, ByteBuffer.wrap(p.header()),
                ByteBuffer.wrap(p.body()), ByteBuffer.allocate(300)));
        assertEquals(0, o.window().highest());
        ByteBuffer out = ByteBuffer.allocate(300);
        assertEquals(OpenStatus.OK, open(o, p, out));
        assertEquals(200, out.position());
        assertEquals(positions.length + 12 + 2, o.count(OpenStatus.TAG_MISMATCH));
    }

    /** The JDK refuses a second init with the same key and nonce; the opener must cope. */
    @Test
    void genuinePacketAfterForgeriesWithTheSameNumber() {
        AeadSealer s = new AeadSealer(KEY, 0);
        AeadOpener o = new AeadOpener(KEY, 0);
        Packet p = seal(s, plain(40, 11));
        for (int i = 0; i < 3; i++) {
            Packet bad = p.copy();
            bad.body()[i] ^= 1;
            assertEquals(OpenStatus.TAG_MISMATCH, open(o, bad, ByteBuffer.allocate(64)));
        }
        ByteBuffer out = ByteBuffer.allocate(64);
        assertEquals(OpenStatus.OK, open(o, p, out));
        assertEquals(40, out.position());
        assertEquals(OpenStatus.REPLAYED, open(o, p, ByteBuffer.allocate(64)));
    }

    @Test
    void truncatedAndSmallOutput() {
        AeadSealer s = new AeadSealer(KEY, 0);
        AeadOpener o = new AeadOpener(KEY, 0);
        Packet p = seal(s, plain(50, 2));
        ByteBuffer out = ByteBuffer.allocate(100);
        assertEquals(OpenStatus.TRUNCATED, o.open(0, ByteBuffer.allocate(0), ByteBuffer.allocate(15), out));
        assertEquals(OpenStatus.TAG_MISMATCH, o.open(0, ByteBuffer.wrap(p.header()),
                ByteBuffer.wrap(p.body(), 0, 16), out)); // exactly a tag: empty plaintext, wrong tag
        ByteBuffer small = ByteBuffer.allocate(49);
        assertEquals(OpenStatus.OUTPUT_TOO_SMALL, open(o, p, small));
        assertEquals(0, small.position());
        assertEquals(OpenStatus.OK, open(o, p, out));
        assertEquals(SealStatus.OUTPUT_TOO_SMALL,
                s.seal(ByteBuffer.allocate(0), ByteBuffer.allocate(10), ByteBuffer.allocate(25)));
        assertEquals(1, s.nextPacketNumber(), "a refused seal uses no packet number");
    }

    @Test
    void replayedAndReorderedPackets() {
        AeadSealer s = new AeadSealer(KEY, 0);
        AeadOpener o = new AeadOpener(KEY, 0);
        List<Packet> ps = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            ps.add(seal(s, plain(20, i)));
        }
        ByteBuffer out = ByteBuffer.allocate(64);
        // deliver 0..9 reversed, then duplicates
        for (int i = 9; i >= 0; i--) {
            assertEquals(OpenStatus.OK, open(o, ps.get(i), out.clear()), "reordered " + i);
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(OpenStatus.REPLAYED, open(o, ps.get(i), out.clear()), "replay " + i);
        }
        // jump ahead, then a late packet inside the window and one beyond it
        assertEquals(OpenStatus.OK, open(o, ps.get(2000), out.clear()));
        assertEquals(OpenStatus.OK, open(o, ps.get(2000 - 1984), out.clear()));
        assertEquals(OpenStatus.TOO_OLD, open(o, ps.get(2000 - 1985), out.clear()));
        assertEquals(OpenStatus.REPLAYED, open(o, ps.get(2000), out.clear()));
        assertEquals(12, o.count(OpenStatus.OK));
        assertEquals(11, o.count(OpenStatus.REPLAYED));
        assertEquals(1, o.count(OpenStatus.TOO_OLD));
        assertEquals(11, o.window().duplicates());
    }

    @Test
    void wrongKeyOrWrongDirectionRejected() {
        Packet p = seal(new AeadSealer(KEY, 0), plain(30, 3));
        assertEquals(OpenStatus.TAG_MISMATCH, open(new AeadOpener(OTHER, 0), p, ByteBuffer.allocate(64)));
        // same key, other direction prefix: the nonce differs, the tag fails
        assertEquals(OpenStatus.TAG_MISMATCH, open(new AeadOpener(KEY, 1), p, ByteBuffer.allocate(64)));
    }

    @Test
    void refusesToWrapThePacketNumber() {
        AeadSealer s = new AeadSealer(KEY, 0, -2L); // 2^64 - 2
        AeadOpener o = new AeadOpener(KEY, 0);
        Packet a = seal(s, plain(10, 4));
        long last = s.nextPacketNumber();
        assertEquals(-1L, last);
        ByteBuffer out = ByteBuffer.allocate(16 + 10);
        assertEquals(SealStatus.OK, s.seal(ByteBuffer.allocate(0), ByteBuffer.wrap(plain(10, 5)), out));
        assertTrue(s.exhausted());
        assertEquals(SealStatus.EXHAUSTED, s.seal(ByteBuffer.allocate(0), ByteBuffer.allocate(1), ByteBuffer.allocate(64)));
        assertEquals(SealStatus.EXHAUSTED, s.seal(ByteBuffer.allocate(0), ByteBuffer.allocate(1), ByteBuffer.allocate(64)));
        assertEquals(OpenStatus.OK, open(o, a, ByteBuffer.allocate(64)));
        out.flip();
        assertEquals(OpenStatus.OK, o.open(-1L, ByteBuffer.allocate(0), out, ByteBuffer.allocate(64)));
        assertEquals(2, s.sealedCount());
    }

    @Test
    void inPlaceOpenAndSeal() {
        AeadSealer s = new AeadSealer(KEY, 0);
        AeadOpener o = new AeadOpener(KEY, 0);
        byte[] pt = plain(100, 9);
        ByteBuffer buf = ByteBuffer.allocate(200);
        buf.put(pt).flip();
        ByteBuffer dst = buf.duplicate().clear();
        assertEquals(SealStatus.OK, s.seal(ByteBuffer.allocate(0), buf, dst));
        dst.flip();
        ByteBuffer back = dst.duplicate().clear();
        assertEquals(OpenStatus.OK, o.open(0, ByteBuffer.allocate(0), dst, back));
        assertArrayEquals(pt, java.util.Arrays.copyOf(back.array(), 100));
    }

    /** Random garbage to open: only typed results, never an exception; fixed seed, bounded. */
    @Test
    void fuzzOpenNeverThrows() {
        Random r = new Random(20261124);
        AeadOpener o = new AeadOpener(KEY, 0);
        AeadSealer s = new AeadSealer(KEY, 0);
        Packet good = seal(s, plain(64, 10));
        ByteBuffer out = ByteBuffer.allocateDirect(4096);
        for (int i = 0; i < 5000; i++) {
            byte[] h = new byte[r.nextInt(40)];
            byte[] c;
            if (i % 3 == 0) { // mutate a good packet
                c = good.body().clone();
                c[r.nextInt(c.length)] ^= (byte) (1 + r.nextInt(255));
                h = good.header();
            } else {
                c = new byte[r.nextInt(1600)];
                r.nextBytes(c);
                r.nextBytes(h);
            }
            OpenStatus st = o.open(r.nextLong(), ByteBuffer.wrap(h), ByteBuffer.wrap(c), out.clear());
            assertNotEquals(OpenStatus.OK, st);
        }
        assertEquals(OpenStatus.OK, open(o, good, out.clear()));
    }
}
