package net.coopwan.daemon.coop.commonisp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The COMMON_ISP plaintext: exact layout, round trips, strict refusals, and a fuzz of mutations. */
class CommonIspCodecTest {

    static final int TARGET = 0xc6130001;

    static List<CommonIspMessage> samples() {
        List<Integer> full = new ArrayList<>();
        for (int i = 0; i < CommonIspMessage.Samples.MAX; i++) {
            full.add(i == 7 ? CommonIspMessage.Samples.LOST : 20 + i);
        }
        List<Hop> thirty = new ArrayList<>();
        for (int i = 1; i < Route.MAX_HOPS; i++) {
            thirty.add(i % 5 == 0 ? Hop.UNKNOWN : Hop.of(0xc6120000 | i));
        }
        thirty.add(Hop.of(TARGET));
        return List.of(
                new CommonIspMessage(1, 0, TARGET, 12, Route.of("198.18.1.1", "*", "198.19.0.1"), CommonIspMessage.Samples.NONE),
                new CommonIspMessage(0xffff_ffffL, 0xffff_fffeL, TARGET, 0, new Route(thirty, true),
                        new CommonIspMessage.Samples(10, 3, full)),
                new CommonIspMessage(5, 9, TARGET, 0xffff_ffffL, new Route(List.of(Hop.of(0xc6120001), Hop.UNKNOWN), false),
                        new CommonIspMessage.Samples(600, 0, List.of(0, 65535))),
                new CommonIspMessage(6, 9, TARGET, 1, Route.NONE, CommonIspMessage.Samples.NONE));
    }

    static byte[] bytes(CommonIspMessage m) {
        ByteBuffer b = CommonIspCodec.encode(m);
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    static CommonIspMessage parse(String hex) throws CommonIspFormatException {
        return CommonIspCodec.parse(ByteBuffer.wrap(HexFormat.of().parseHex(hex)));
    }

    @Test
    void exactLayout() {
        assertEquals("01" + "00000001" + "00000000" + "c6130001" + "0000000c" + "01" + "03" + "c6120101" + "00000000"
                + "c6130001" + "0000" + "00000000" + "00", HexFormat.of().formatHex(bytes(samples().get(0))));
        assertEquals(CommonIspCodec.MAX_LENGTH, bytes(samples().get(1)).length);
    }

    @Test
    void roundTrips() throws CommonIspFormatException {
        for (CommonIspMessage m : samples()) {
            assertEquals(m, CommonIspCodec.parse(CommonIspCodec.encode(m)));
        }
    }

    @Test
    void refusesWhatBreaksTheLayout() {
        String ok = HexFormat.of().formatHex(bytes(samples().get(0)));
        assertThrows(CommonIspFormatException.class, () -> parse(ok + "00"), "a byte after the message");
        assertThrows(CommonIspFormatException.class, () -> parse(ok.substring(0, ok.length() - 2)), "truncated");
        assertThrows(CommonIspFormatException.class, () -> parse("02" + ok.substring(2)), "unknown type");
        assertThrows(CommonIspFormatException.class, () -> parse(ok.substring(0, 34) + "03" + ok.substring(36)), "unknown flag");
        assertThrows(CommonIspFormatException.class, () -> parse(ok.substring(0, 36) + "1f" + ok.substring(38)), "31 hops");
        // reached, but the last hop is not the target
        int last = ok.lastIndexOf("c6130001");
        assertThrows(CommonIspFormatException.class, () -> parse(ok.substring(0, last) + "c6130002" + ok.substring(last + 8)));
        // samples: a period without samples, and 61 samples
        assertThrows(CommonIspFormatException.class, () -> parse(ok.substring(0, ok.length() - 14) + "000a" + "00000000" + "00"));
        StringBuilder many = new StringBuilder(ok.substring(0, ok.length() - 14) + "000a" + "00000000" + "3d");
        many.append("0001".repeat(61));
        assertThrows(CommonIspFormatException.class, () -> parse(many.toString()));
        // no target
        assertThrows(CommonIspFormatException.class, () -> parse(ok.substring(0, 18) + "00000000" + ok.substring(26)));
    }

    /** 100 000 random and mutated plaintexts: only CommonIspFormatException, and what parses re-encodes to the same bytes. */
    @Test
    void fuzz() {
        Random r = new Random(1711);
        List<byte[]> seeds = samples().stream().map(CommonIspCodecTest::bytes).toList();
        int parsed = 0;
        for (int i = 0; i < 100_000; i++) {
            byte[] b;
            if (i % 5 == 0) {
                b = new byte[r.nextInt(CommonIspCodec.MAX_LENGTH + 8)];
                r.nextBytes(b);
            } else {
                byte[] s = seeds.get(r.nextInt(seeds.size()));
                b = java.util.Arrays.copyOf(s, Math.max(0, s.length + r.nextInt(5) - 2));
                for (int k = r.nextInt(4); k > 0 && b.length > 0; k--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            try {
                CommonIspMessage m = CommonIspCodec.parse(ByteBuffer.wrap(b));
                assertArrayEquals(b, bytes(m));
                parsed++;
            } catch (CommonIspFormatException e) {
                // counted as malformed by the service
            }
        }
        assertTrue(parsed > 0, "some mutations still parse");
    }
}
