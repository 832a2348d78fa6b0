package net.coopwan.daemon.coop.emergency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The EMERGENCY plaintext: exact layout, round trips, strict refusals, and a fuzz of mutations. */
class EmergencyCodecTest {

    static final byte[] KEY = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            KEY[i] = (byte) i;
        }
    }

    static final EmergencyMessage.Grant GRANT = new EmergencyMessage.Grant(50_000_000L, 1000, 4791,
            0x647fff02, 0x647fff01, 24, KEY);

    static List<EmergencyMessage> samples() {
        return List.of(
                new EmergencyMessage.Request(7, EmergencyMessage.Mode.DIRECT, EmergencyMessage.Cause.BLACKHOLE, 0, 0),
                new EmergencyMessage.Request(0xffff_ffffL, EmergencyMessage.Mode.CONCENTRATOR,
                        EmergencyMessage.Cause.PROBES, 1000, 100, List.of(new EmergencyMessage.Destination(0xc6120902, 4795),
                                new EmergencyMessage.Destination(0xc6120903, 4795))),
                EmergencyMessage.Ack.granted(7, GRANT),
                EmergencyMessage.Ack.refused(7, EmergencyMessage.Refusal.OVER_AGREEMENT, "asked too much: ü"),
                new EmergencyMessage.Terminate(7, EmergencyMessage.EndReason.RECOVERED),
                new EmergencyMessage.Terminate(8, EmergencyMessage.EndReason.OWNER_ENDED),
                new EmergencyMessage.TerminateAck(7));
    }

    static byte[] bytes(EmergencyMessage m) {
        ByteBuffer b = EmergencyCodec.encode(m);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void theLayoutIsAsDocumented() {
        assertEquals("01" + "00000007" + "01" + "02" + "0000000000000000" + "00000000" + "00",
                HexFormat.of().formatHex(bytes(samples().get(0))));
        assertEquals("01" + "ffffffff" + "02" + "03" + "00000000000003e8" + "00000064" + "02" + "c6120902" + "12bb"
                + "c6120903" + "12bb", HexFormat.of().formatHex(bytes(samples().get(1))));
        assertEquals("02" + "00000007" + "01" + "0000000002faf080" + "000003e8" + "12b7" + "647fff02" + "647fff01" + "18"
                + HexFormat.of().formatHex(KEY), HexFormat.of().formatHex(bytes(samples().get(2))));
        assertEquals("03" + "00000008" + "02", HexFormat.of().formatHex(bytes(samples().get(5))));
        assertEquals("04" + "00000007", HexFormat.of().formatHex(bytes(samples().get(6))));
    }

    @Test
    void everyMessageRoundTrips() throws EmergencyFormatException {
        for (EmergencyMessage m : samples()) {
            assertEquals(m, EmergencyCodec.parse(EmergencyCodec.encode(m)));
        }
    }

    @Test
    void badPlaintextsAreRefused() {
        for (String hex : List.of("", "01", "0100000007", "01000000070302000000000000000000000000",
                "0100000007010200000000000000000000000001c612090212bb", "010000000702020000000000000000000000000",
                "0100000007020200000000000000000000000001c61209020000",
                "0500000007", "0300000007", "0300000007ff", "04000000070a",
                "020000000702", "0200000007000900000", "02000000070001ffff")) {
            byte[] b = hex.length() % 2 == 0 ? HexFormat.of().parseHex(hex) : HexFormat.of().parseHex(hex + "0");
            assertThrows(EmergencyFormatException.class, () -> EmergencyCodec.parse(ByteBuffer.wrap(b)), hex);
        }
    }

    /**
     * 100 000 random and mutated plaintexts (fixed seed): only EmergencyFormatException, and what
     * parses re-encodes to the same bytes (one message, one encoding).
     */
    @Test
    void fuzzNeverThrowsAnythingElseAndIsCanonical() {
        Random r = new Random(15);
        List<byte[]> seeds = new ArrayList<>();
        for (EmergencyMessage m : samples()) {
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
                int len = Math.max(0, s.length + r.nextInt(5) - 2);
                b = java.util.Arrays.copyOf(s, len);
                for (int k = r.nextInt(4); k >= 0 && b.length > 0; k--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            try {
                EmergencyMessage m = EmergencyCodec.parse(ByteBuffer.wrap(b));
                assertArrayEquals(b, bytes(m));
                parsed++;
            } catch (EmergencyFormatException e) {
                // expected for most
            }
        }
        assertEquals(true, parsed > 1000, "mutations that still parse: " + parsed);
    }
}
