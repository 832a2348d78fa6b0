package net.coopwan.daemon.coop.advert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Fuzz/property tests with fixed seeds and bounded counts: every decode either returns a
 * verified advert (only for an untouched encoding) or throws AdvertFormatException with a
 * reason, never anything else.
 */
class AdvertFuzzTest {

    private static final AdvertTag CHECKSUM = AdvertTag.checksum();
    private static final AdvertTag KEYED = AdvertTag.keyed(AdvertCodecTest.KEY);
    private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    static AdvertInfo randomInfo(Random r) {
        EnumSet<CooperationType> types = EnumSet.noneOf(CooperationType.class);
        for (CooperationType t : CooperationType.values()) {
            if (r.nextBoolean()) {
                types.add(t);
            }
        }
        return new AdvertInfo(r.nextBoolean(), types, UplinkType.values()[r.nextInt(8)],
                r.nextInt(16), r.nextInt(16), r.nextInt(16), r.nextInt(0x10000), r.nextInt(64));
    }

    private interface Decode {
        Advert run() throws AdvertFormatException;
    }

    /** Runs a decode that must fail; returns the reason; any other outcome fails the test. */
    private static DropReason mustDrop(Decode d, Object input) {
        try {
            Advert a = d.run();
            fail("accepted " + input + " as " + a);
            return null;
        } catch (AdvertFormatException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            return e.reason();
        } catch (RuntimeException e) {
            throw new AssertionError("unexpected " + e + " for " + input, e);
        }
    }

    @Test
    void twentyThousandRandomByteArraysAreDroppedWithAReason() {
        Random r = new Random(0xC00F);
        Map<DropReason, Integer> seen = new EnumMap<>(DropReason.class);
        for (int i = 0; i < 20_000; i++) {
            int len = r.nextInt(4) == 0 ? 16 : r.nextInt(41);
            byte[] b = new byte[len];
            r.nextBytes(b);
            if (len >= 4 && r.nextInt(3) != 0) { // get past the magic most of the time
                b[0] = 'C'; b[1] = 'O'; b[2] = 'O'; b[3] = 'P';
                if (len >= 5 && r.nextBoolean()) {
                    b[4] = (byte) (0x10 | (b[4] & 0x0F)); // and past the version half the time
                }
            }
            AdvertTag t = r.nextBoolean() ? CHECKSUM : KEYED;
            seen.merge(mustDrop(() -> AdvertCodec.decodeBeacon(b, t), java.util.HexFormat.of().formatHex(b)), 1, Integer::sum);
        }
        for (DropReason expected : new DropReason[] {DropReason.TRUNCATED, DropReason.TOO_LONG, DropReason.BAD_MAGIC,
                DropReason.UNSUPPORTED_VERSION, DropReason.TAG_MODE_MISMATCH, DropReason.CHECKSUM_MISMATCH,
                DropReason.MAC_MISMATCH}) {
            assertTrue(seen.getOrDefault(expected, 0) > 0, "fuzz reached " + expected + ": " + seen);
        }
    }

    @Test
    void twentyThousandRandomStringsAreDroppedWithAReason() {
        Random r = new Random(0x55D);
        Map<DropReason, Integer> seen = new EnumMap<>(DropReason.class);
        String junk = B64 + " -_=.!\n\u00e9\u00fc\u4e2d\u0000";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int mode = r.nextInt(4);
            if (mode == 0) { // well-formed shape, random symbols
                sb.append("COOP-ROUTER ");
                for (int k = 0; k < 8; k++) {
                    sb.append(B64.charAt(r.nextInt(64)));
                }
                sb.append(' ');
                for (int k = 0; k < 8; k++) {
                    sb.append(B64.charAt(r.nextInt(64)));
                }
            } else {
                if (mode == 1) {
                    sb.append("COOP-ROUTER ");
                }
                int len = r.nextInt(mode == 3 ? 40 : 20);
                for (int k = 0; k < len; k++) {
                    sb.append(junk.charAt(r.nextInt(junk.length())));
                }
            }
            String s = sb.toString();
            AdvertTag t = r.nextBoolean() ? CHECKSUM : KEYED;
            seen.merge(mustDrop(() -> AdvertCodec.decodeSsid(s, t), s), 1, Integer::sum);
            byte[] octets = s.getBytes(r.nextBoolean() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            seen.merge(mustDrop(() -> AdvertCodec.decodeSsid(octets, t), s), 1, Integer::sum);
        }
        for (DropReason expected : new DropReason[] {DropReason.TRUNCATED, DropReason.TOO_LONG, DropReason.BAD_MAGIC,
                DropReason.BAD_PATTERN, DropReason.UNSUPPORTED_VERSION, DropReason.TAG_MODE_MISMATCH,
                DropReason.CHECKSUM_MISMATCH, DropReason.MAC_MISMATCH}) {
            assertTrue(seen.getOrDefault(expected, 0) > 0, "fuzz reached " + expected + ": " + seen);
        }
    }

    @Test
    void everySingleBitFlipOfAValidBeaconIsDroppedAndNeverVerifies() throws Exception {
        Random r = new Random(0xF11B);
        int flips = 0;
        for (int i = 0; i < 100; i++) {
            AdvertInfo info = randomInfo(r);
            for (AdvertTag t : new AdvertTag[] {CHECKSUM, KEYED}) {
                byte[] good = AdvertCodec.encodeBeacon(info, t);
                assertEquals(info, AdvertCodec.decodeBeacon(good, t).info(), "the original verifies");
                for (int bit = 0; bit < good.length * 8; bit++) {
                    byte[] bad = good.clone();
                    bad[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                    mustDrop(() -> AdvertCodec.decodeBeacon(bad, t), "flip " + bit);
                    AdvertTag other = t == CHECKSUM ? KEYED : CHECKSUM; // nor under the other mode
                    mustDrop(() -> AdvertCodec.decodeBeacon(bad, other), "flip " + bit + " other mode");
                    flips++;
                }
            }
        }
        assertEquals(100 * 2 * 128, flips);
    }

    @Test
    void everySingleBitFlipOfAValidSsidIsDroppedAndNeverVerifies() throws Exception {
        Random r = new Random(0x551D);
        int flips = 0;
        for (int i = 0; i < 100; i++) {
            AdvertInfo info = randomInfo(r);
            for (AdvertTag t : new AdvertTag[] {CHECKSUM, KEYED}) {
                byte[] good = AdvertCodec.encodeSsid(info, t).getBytes(StandardCharsets.US_ASCII);
                assertEquals(info, AdvertCodec.decodeSsid(good, t).info(), "the original verifies");
                for (int bit = 0; bit < good.length * 8; bit++) {
                    byte[] bad = good.clone();
                    bad[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
                    mustDrop(() -> AdvertCodec.decodeSsid(bad, t), "flip " + bit);
                    flips++;
                }
            }
        }
        assertEquals(100 * 2 * 29 * 8, flips);
    }

    @Test
    void truncationsAndExtensionsOfAValidBeaconAreDropped() {
        byte[] good = AdvertCodec.encodeBeacon(AdvertCodecTest.SAMPLE, CHECKSUM);
        for (int len = 0; len < 16; len++) {
            byte[] cut = java.util.Arrays.copyOf(good, len);
            assertEquals(DropReason.TRUNCATED, mustDrop(() -> AdvertCodec.decodeBeacon(cut, CHECKSUM), len));
        }
        for (int len = 17; len < 64; len++) {
            byte[] ext = java.util.Arrays.copyOf(good, len);
            assertEquals(DropReason.TOO_LONG, mustDrop(() -> AdvertCodec.decodeBeacon(ext, CHECKSUM), len));
        }
    }
}
