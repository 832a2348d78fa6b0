package net.coopwan.daemon.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The NACK payload: round trip, golden bytes, and random or mutated bytes never throw. */
class NackCodecTest {

    @Test
    void goldenBytes() {
        ByteBuffer b = ByteBuffer.allocate(64);
        int n = NackCodec.writeGroup(b, 0, 2, 0x0102030405060708L, 0x5L);
        assertEquals(18, n);
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < n; i++) {
            hex.append(String.format("%02x", b.get(i)));
        }
        assertEquals("0200" + "0102030405060708" + "0000000000000005", hex.toString());
        assertNull(NackCodec.check(b, 0, 18));
        List<Long> got = new ArrayList<>();
        NackCodec.visit(b, 0, 18, 64, (l, pn) -> got.add(pn));
        assertEquals(List.of(0x0102030405060708L, 0x0102030405060707L, 0x0102030405060705L), got);
    }

    @Test
    void roundTripOfRandomSets() {
        Random r = new Random(1218);
        ByteBuffer b = ByteBuffer.allocate(NackCodec.MAX_BYTES);
        for (int round = 0; round < 20_000; round++) {
            int groups = 1 + r.nextInt(NackCodec.MAX_GROUPS);
            List<String> want = new ArrayList<>();
            int at = 0;
            for (int g = 0; g < groups; g++) {
                int link = r.nextInt(GapDetector.LINKS);
                long top = r.nextBoolean() ? r.nextInt(100) : (r.nextLong() >>> 2);
                long mask = r.nextLong() & r.nextLong();
                if (top < 64) {
                    mask &= top == 0 ? 0 : (-1L >>> (64 - top));
                }
                want.add(link + ":" + top);
                for (int i = 0; i < 64; i++) {
                    if ((mask & (1L << i)) != 0) {
                        want.add(link + ":" + (top - 1 - i));
                    }
                }
                at += NackCodec.writeGroup(b, at, link, top, mask);
            }
            assertNull(NackCodec.check(b, 0, at));
            assertEquals(want.size(), NackCodec.count(b, 0, at));
            List<String> got = new ArrayList<>();
            int visited = NackCodec.visit(b, 0, at, Integer.MAX_VALUE, (l, pn) -> got.add(l + ":" + pn));
            assertEquals(want.size(), visited);
            assertEquals(want, got);
            // the cap: at most maxNumbers handed out, the first ones
            int cap = 1 + r.nextInt(80);
            List<String> capped = new ArrayList<>();
            assertEquals(Math.min(cap, want.size()), NackCodec.visit(b, 0, at, cap, (l, pn) -> capped.add(l + ":" + pn)));
            assertEquals(want.subList(0, Math.min(cap, want.size())), capped);
        }
    }

    @Test
    void randomAndMutatedBytesNeverThrowAndWorkIsBounded() {
        Random r = new Random(99);
        ByteBuffer b = ByteBuffer.allocate(400);
        int accepted = 0;
        for (int round = 0; round < 200_000; round++) {
            int len;
            if (round % 2 == 0) {
                len = r.nextInt(400);
                for (int i = 0; i < len; i++) {
                    b.put(i, (byte) r.nextInt());
                }
            } else {
                // a valid payload with a few bytes changed, or cut, or extended
                int groups = 1 + r.nextInt(NackCodec.MAX_GROUPS);
                len = 0;
                for (int g = 0; g < groups; g++) {
                    long top = 64 + (r.nextLong() >>> 3);
                    len += NackCodec.writeGroup(b, len, r.nextInt(16), top, r.nextLong());
                }
                for (int k = r.nextInt(4); k > 0; k--) {
                    b.put(r.nextInt(len), (byte) r.nextInt());
                }
                if (r.nextInt(4) == 0) {
                    len = Math.max(0, Math.min(400, len + r.nextInt(40) - 20));
                }
            }
            NackCodec.Problem p = NackCodec.check(b, 0, len);
            if (p == null) {
                accepted++;
                assertTrue(len % 18 == 0 && len > 0 && len <= NackCodec.MAX_BYTES);
                int[] n = {0};
                int visited = NackCodec.visit(b, 0, len, NackCodec.MAX_NUMBERS, (l, pn) -> {
                    assertTrue(l >= 0 && l < GapDetector.LINKS && pn >= 0, l + " " + pn);
                    n[0]++;
                });
                assertEquals(n[0], visited);
                assertTrue(visited <= NackCodec.MAX_NUMBERS);
            }
        }
        assertTrue(accepted > 10_000, "accepted " + accepted);
        // out-of-range offsets and lengths are refused, not thrown
        assertEquals(NackCodec.Problem.BAD_LENGTH, NackCodec.check(b, 390, 36));
        assertEquals(NackCodec.Problem.BAD_LENGTH, NackCodec.check(b, -1, 18));
        assertEquals(NackCodec.Problem.BAD_LENGTH, NackCodec.check(b, 0, 0));
        assertEquals(NackCodec.Problem.BAD_LENGTH, NackCodec.check(b, 0, 17 * 18));
    }

    @Test
    void eachDefectHasItsReason() {
        ByteBuffer b = ByteBuffer.allocate(64);
        NackCodec.writeGroup(b, 0, 1, 100, 1);
        assertNull(NackCodec.check(b, 0, 18));
        assertEquals(NackCodec.Problem.BAD_LENGTH, NackCodec.check(b, 0, 17));
        b.put(0, (byte) 16);
        assertEquals(NackCodec.Problem.BAD_LINK, NackCodec.check(b, 0, 18));
        b.put(0, (byte) 1);
        b.put(1, (byte) 1);
        assertEquals(NackCodec.Problem.RESERVED_SET, NackCodec.check(b, 0, 18));
        b.put(1, (byte) 0);
        b.putLong(2, -5);
        assertEquals(NackCodec.Problem.BAD_NUMBER, NackCodec.check(b, 0, 18));
        b.putLong(2, 3);
        b.putLong(10, 0b1000); // names 3 - 1 - 3 = -1
        assertEquals(NackCodec.Problem.BAD_NUMBER, NackCodec.check(b, 0, 18));
        b.putLong(10, 0b111); // 2, 1, 0
        assertNull(NackCodec.check(b, 0, 18));
    }
}
