package net.coopwan.daemon.coop.suppression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The SUPPRESSION plaintext: exact layout, round trips, strict refusals, and a fuzz of mutations. */
class SuppressionCodecTest {

    static List<SuppressionMessage> samples() {
        return List.of(
                new SuppressionMessage.Request(0x01020304L, AppType.VOIP, 20, 3000),
                new SuppressionMessage.Request(0xffff_ffffL, AppType.GAME, 0, 100),
                new SuppressionMessage.Request(0, AppType.OTHER, 100, 60_000),
                new SuppressionMessage.Stop(7),
                new SuppressionMessage.Answer(7, 10, null),
                new SuppressionMessage.Answer(8, -1, null),
                new SuppressionMessage.Answer(9, -1, SuppressionMessage.Refusal.NO_AGREEMENT),
                new SuppressionMessage.Answer(9, -1, SuppressionMessage.Refusal.SETUP_FAILED));
    }

    static byte[] bytes(SuppressionMessage m) {
        ByteBuffer b = SuppressionCodec.encode(m);
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    static SuppressionMessage parse(String hex) throws SuppressionFormatException {
        return SuppressionCodec.parse(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
    }

    @Test
    void exactLayout() {
        assertEquals("010102030401140000" + "0bb8", HexFormat.of().formatHex(bytes(samples().get(0))));
        assertEquals("0200000007", HexFormat.of().formatHex(bytes(new SuppressionMessage.Stop(7))));
        assertEquals("03000000070a00", HexFormat.of().formatHex(bytes(new SuppressionMessage.Answer(7, 10, null))));
        assertEquals("0300000009ff01", HexFormat.of().formatHex(
                bytes(new SuppressionMessage.Answer(9, -1, SuppressionMessage.Refusal.NO_AGREEMENT))));
    }

    @Test
    void roundTrips() throws SuppressionFormatException {
        for (SuppressionMessage m : samples()) {
            assertEquals(m, SuppressionCodec.parse(SuppressionCodec.encode(m)));
        }
    }

    @Test
    void refusesOutOfRangeAndTrailingBytes() {
        for (String hex : List.of("", "01000000", "0100000001011400000bb8ff", "0400000001", "0100000001041400000bb8",
                "0100000001016500000bb8", "0100000001011400000063", "0100000001011400" + "00ea61",
                "03000000016500", "03000000010a01", "0300000001ff03", "020000000100")) {
            assertThrows(SuppressionFormatException.class, () -> parse(hex), hex);
        }
    }

    /**
     * 100 000 random and mutated plaintexts (fixed seed): only SuppressionFormatException, and what
     * parses re-encodes to the same bytes (one message, one encoding).
     */
    @Test
    void fuzzNeverThrowsAnythingElseAndIsCanonical() {
        Random r = new Random(17);
        List<byte[]> seeds = new ArrayList<>();
        for (SuppressionMessage m : samples()) {
            seeds.add(bytes(m));
        }
        int parsed = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] b;
            if (i % 4 == 0) {
                b = new byte[r.nextInt(24)];
                r.nextBytes(b);
            } else {
                byte[] s = seeds.get(r.nextInt(seeds.size()));
                b = Arrays.copyOf(s, Math.max(0, s.length + r.nextInt(5) - 2));
                for (int k = r.nextInt(4); k >= 0 && b.length > 0; k--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            try {
                SuppressionMessage m = SuppressionCodec.parse(ByteBuffer.wrap(b));
                assertArrayEquals(b, bytes(m));
                parsed++;
            } catch (SuppressionFormatException e) {
                // expected for most
            }
        }
        assertTrue(parsed > 1000, "mutations that still parse: " + parsed);
    }
}
