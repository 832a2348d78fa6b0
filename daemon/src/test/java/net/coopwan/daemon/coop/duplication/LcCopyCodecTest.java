package net.coopwan.daemon.coop.duplication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The LC_COPY payload (docs/PROTOCOL.md 4.7): golden bytes, round trips, defects, fuzz. */
class LcCopyCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The example of PROTOCOL.md 4.7, byte for byte. */
    @Test
    void goldenBytes() throws Exception {
        LcCopy whole = LcCopy.whole(0x01020304, 0x0a0b0c0d0e0f1011L, new byte[] {0x45, 0x00, 0x11});
        assertEquals("01020304" + "0a0b0c0d0e0f1011" + "10" + "00" + "0003" + "450011",
                HEX.formatHex(LcCopyCodec.encode(whole)));
        LcCopy xor = new LcCopy(-1, -1L, Raic5.XOR, Raic5.PARTS, 5, new byte[] {5, 7, 3});
        assertEquals("ffffffff" + "ffffffffffffffff" + "32" + "00" + "0005" + "050703",
                HEX.formatHex(LcCopyCodec.encode(xor)));
        byte[] e = LcCopyCodec.encode(xor);
        assertEquals(xor, LcCopyCodec.parse(ByteBuffer.wrap(e), 0, e.length));
    }

    /** Parsing at an offset inside a larger buffer (after the tunnel header) reads only its bytes. */
    @Test
    void parsesAtAnOffset() throws Exception {
        LcCopy c = new LcCopy(7, 12345, Raic5.B, Raic5.PARTS, 1500, new byte[750]);
        ByteBuffer b = ByteBuffer.allocate(28 + LcCopyCodec.encodedLength(c) + 9);
        int n = LcCopyCodec.write(b, 28, c);
        assertEquals(0, b.position());
        assertEquals(c, LcCopyCodec.parse(b, 28, n));
    }

    @Test
    void eachDefectHasItsReason() {
        byte[] ok = LcCopyCodec.encode(LcCopy.whole(1, 2, new byte[] {1, 2, 3, 4}));
        assertReason(DuplicationDrop.TRUNCATED, ok, 15);
        assertReason(DuplicationDrop.BAD_LENGTH, ok, ok.length - 1);
        assertReason(DuplicationDrop.BAD_PARTS, with(ok, 12, 0x20), ok.length); // two parts
        assertReason(DuplicationDrop.BAD_PARTS, with(ok, 12, 0x11), ok.length); // index 1 of 1
        assertReason(DuplicationDrop.BAD_PARTS, with(ok, 12, 0x00), ok.length);
        assertReason(DuplicationDrop.BAD_PARTS, with(ok, 12, 0x33), ok.length); // index 3 of 3
        assertReason(DuplicationDrop.RESERVED_SET, with(ok, 13, 0x01), ok.length);
        assertReason(DuplicationDrop.BAD_LENGTH, with(with(ok, 14, 0), 15, 0), ok.length); // length 0
        assertReason(DuplicationDrop.BAD_LENGTH, with(ok, 12, 0x30), ok.length); // 3 parts of 4 bytes need 2
        assertThrows(IllegalArgumentException.class, () -> new LcCopy(1, 1, 0, 2, 4, new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> new LcCopy(1, 1, 0, 1, 4, new byte[3]));
    }

    /** Round trip over random copies: every field survives, whole and every RAIC-5 part. */
    @Test
    void randomRoundTrips() throws Exception {
        Random r = new Random(11);
        for (int i = 0; i < 3_000; i++) {
            int len = 1 + r.nextInt(i % 10 == 0 ? LcCopy.MAX_LENGTH : 1500);
            byte[] pkt = new byte[len];
            r.nextBytes(pkt);
            LcCopy c;
            if (r.nextBoolean()) {
                c = LcCopy.whole(r.nextInt(), r.nextLong(), pkt);
            } else {
                int part = r.nextInt(3);
                c = new LcCopy(r.nextInt(), r.nextLong(), part, Raic5.PARTS, len, Raic5.split(pkt)[part]);
            }
            byte[] e = LcCopyCodec.encode(c);
            assertEquals(c, LcCopyCodec.parse(ByteBuffer.wrap(e), 0, e.length));
        }
    }

    /**
     * Fuzz: random bytes and mutated valid copies (bit flips, truncation, extension, random parts
     * byte). Each either parses to a copy that re-encodes to the same bytes, or is refused with
     * the codec's format error; nothing else may be thrown. Both outcomes must occur.
     */
    @Test
    void fuzzParsesOrRefusesNeverThrowsAnythingElse() {
        Random r = new Random(0x11C0);
        Map<DuplicationDrop, Integer> refused = new EnumMap<>(DuplicationDrop.class);
        int parsed = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] in;
            if (i % 3 == 0) {
                in = new byte[r.nextInt(64)];
                r.nextBytes(in);
            } else {
                byte[] pkt = new byte[1 + r.nextInt(60)];
                r.nextBytes(pkt);
                in = LcCopyCodec.encode(r.nextBoolean() ? LcCopy.whole(r.nextInt(), r.nextLong(), pkt)
                        : new LcCopy(r.nextInt(), r.nextLong(), 1, 3, pkt.length, Raic5.split(pkt)[1]));
                in = mutate(in, r);
            }
            ByteBuffer b = ByteBuffer.allocate(in.length + 8);
            b.put(3, in);
            try {
                LcCopy c = LcCopyCodec.parse(b, 3, in.length);
                assertArrayEquals(in, LcCopyCodec.encode(c), "re-encodes to the same bytes");
                parsed++;
            } catch (DuplicationFormatException e) {
                refused.merge(e.reason(), 1, Integer::sum);
            }
        }
        assertTrue(parsed > 1_000, "parsed " + parsed);
        for (DuplicationDrop d : new DuplicationDrop[] {DuplicationDrop.TRUNCATED, DuplicationDrop.BAD_PARTS,
                DuplicationDrop.BAD_LENGTH, DuplicationDrop.RESERVED_SET}) {
            assertTrue(refused.getOrDefault(d, 0) > 0, d + " never hit: " + refused);
        }
    }

    private static byte[] mutate(byte[] in, Random r) {
        byte[] out = in;
        switch (r.nextInt(5)) {
            case 0 -> {
                out = in.clone();
                out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
            }
            case 1 -> out = java.util.Arrays.copyOf(in, r.nextInt(in.length + 1));
            case 2 -> out = java.util.Arrays.copyOf(in, in.length + 1 + r.nextInt(4));
            case 3 -> out = with(in, 12, r.nextInt(256));
            default -> {
                // unchanged: the valid path stays well exercised
            }
        }
        return out;
    }

    private static byte[] with(byte[] in, int at, int value) {
        byte[] out = in.clone();
        out[at] = (byte) value;
        return out;
    }

    private static void assertReason(DuplicationDrop expected, byte[] in, int length) {
        DuplicationFormatException e = assertThrows(DuplicationFormatException.class,
                () -> LcCopyCodec.parse(ByteBuffer.wrap(in), 0, length));
        assertEquals(expected, e.reason());
    }
}
