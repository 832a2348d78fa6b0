package net.coopwan.daemon.coop.sharing;

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

import net.coopwan.daemon.coop.emergency.EmergencyMessage;

/** The SHARING plaintext: exact layout, round trips, strict refusals, and a fuzz of mutations. */
class SharingCodecTest {

    static final byte[] KEY = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            KEY[i] = (byte) (i + 1);
        }
    }

    static final EmergencyMessage.Grant GRANT = new EmergencyMessage.Grant(625_000L, 1000, 4792,
            0x647fff06, 0x647fff05, 30, KEY);

    static List<SharingMessage> samples() {
        return List.of(
                new SharingMessage.Offer(9, 1, 5_000, 1_000, 1000),
                new SharingMessage.Offer(0xffff_ffffL, 0xffff_ffffL, 0, 0, 10_000),
                new SharingMessage.Use(9, 1),
                SharingMessage.Answer.granted(9, GRANT),
                SharingMessage.Answer.refused(9, SharingMessage.Refusal.NO_OFFER, "offer 9 withdrawn: ü"),
                new SharingMessage.Release(9),
                new SharingMessage.ReleaseAck(9));
    }

    static byte[] bytes(SharingMessage m) {
        ByteBuffer b = SharingCodec.encode(m);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void theLayoutIsAsDocumented() {
        assertEquals("01" + "00000009" + "00000001" + "00001388" + "000003e8" + "000003e8",
                HexFormat.of().formatHex(bytes(samples().get(0))));
        assertEquals("02" + "00000009" + "00000001", HexFormat.of().formatHex(bytes(samples().get(2))));
        assertEquals("03" + "00000009" + "01" + "0000000000098968" + "000003e8" + "12b8" + "647fff06" + "647fff05" + "1e"
                + HexFormat.of().formatHex(KEY), HexFormat.of().formatHex(bytes(samples().get(3))));
        assertEquals("04" + "00000009", HexFormat.of().formatHex(bytes(samples().get(5))));
        assertEquals("05" + "00000009", HexFormat.of().formatHex(bytes(samples().get(6))));
        assertTrue(((SharingMessage.Offer) samples().get(1)).none(), "0 both ways is the seed's no bandwidth");
    }

    @Test
    void everyMessageRoundTrips() throws SharingFormatException {
        for (SharingMessage m : samples()) {
            assertEquals(m, SharingCodec.parse(SharingCodec.encode(m)));
        }
    }

    @Test
    void badPlaintextsAreRefused() {
        for (String hex : List.of("", "01", "0100000009", "01000000090000000100001388000003e8",
                "01000000090000000100989681000003e8000003e8", // down over 10 Gbit/s
                "01000000090000000100001388000003e800000063", // window 99 ms
                "01000000090000000100001388000003e800002711", // window 10 001 ms
                "0200000009", "020000000900000001ff", "0300000009", "030000000902", "03000000090005",
                "0300000009000200ffff", "040000000900", "0500000009ff", "0600000009")) {
            byte[] b = HexFormat.of().parseHex(hex);
            assertThrows(SharingFormatException.class, () -> SharingCodec.parse(ByteBuffer.wrap(b)), hex);
        }
        assertThrows(IllegalArgumentException.class, () -> new SharingMessage.Offer(1, 1, -1, 0, 1000));
        assertThrows(IllegalArgumentException.class, () -> new SharingMessage.Offer(1, 1, 0, 0, 50));
    }

    /**
     * 100 000 random and mutated plaintexts (fixed seed): only SharingFormatException, and what
     * parses re-encodes to the same bytes (one message, one encoding).
     */
    @Test
    void fuzzNeverThrowsAnythingElseAndIsCanonical() {
        Random r = new Random(16);
        List<byte[]> seeds = new ArrayList<>();
        for (SharingMessage m : samples()) {
            seeds.add(bytes(m));
        }
        int parsed = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] b;
            if (i % 4 == 0) {
                b = new byte[r.nextInt(80)];
                r.nextBytes(b);
            } else {
                byte[] s = seeds.get(r.nextInt(seeds.size()));
                b = Arrays.copyOf(s, Math.max(0, s.length + r.nextInt(5) - 2));
                for (int k = r.nextInt(4); k >= 0 && b.length > 0; k--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            try {
                SharingMessage m = SharingCodec.parse(ByteBuffer.wrap(b));
                assertArrayEquals(b, bytes(m));
                parsed++;
            } catch (SharingFormatException e) {
                // expected for most
            }
        }
        assertTrue(parsed > 1000, "mutations that still parse: " + parsed);
    }
}
