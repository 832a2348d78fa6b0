package net.coopwan.daemon.reorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.coopwan.daemon.reorder.DuplicateFilter.Start;
import net.coopwan.daemon.reorder.DuplicateFilter.Verdict;
import org.junit.jupiter.api.Test;

/** Seed 001 [0338]-[0339] and the notes' resolution, with their examples as literal tests. */
class DuplicateFilterTest {

    private static final int F = 0;

    /** 8-bit mask in state last=12345, mask=00111000, reached by real packets. */
    private static DuplicateFilter literalState() {
        DuplicateFilter f = new DuplicateFilter(1, 8, Start.EARLIER_RECEIVED);
        assertEquals(Verdict.NEW, f.accept(F, 12339)); // first: accepted, mask 0
        assertEquals(Verdict.NEW, f.accept(F, 12343)); // 12340..12342 missing: 00001110
        assertEquals(0b00001110L, f.mask(F));
        assertEquals(Verdict.NEW, f.accept(F, 12344));
        assertEquals(Verdict.NEW, f.accept(F, 12345));
        assertEquals(12345, f.last(F));
        assertEquals(0b00111000L, f.mask(F));
        return f;
    }

    /** "last_packet_ID=12345, bits 00111000: 12342, 12341 and 12340 have not been received yet." */
    @Test
    void literalExampleMeansThoseThreeAreMissing() {
        DuplicateFilter f = literalState();
        long m = f.mask(F);
        Set<Integer> missing = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            if ((m & (1L << i)) != 0) {
                missing.add(f.last(F) - i);
            }
        }
        assertEquals(Set.of(12342, 12341, 12340), missing);
    }

    /** TEST (8-bit, start last=12345, mask=00111000), step by step. */
    @Test
    void literalSequence() {
        DuplicateFilter f = literalState();
        assertEquals(Verdict.FILLED, f.accept(F, 12341));
        assertEquals(0b00101000L, f.mask(F));
        assertEquals(Verdict.DUPLICATE, f.accept(F, 12341));
        assertEquals(Verdict.DUPLICATE, f.accept(F, 12343));
        assertEquals(Verdict.DUPLICATE, f.accept(F, 12345));
        assertEquals(Verdict.NEW, f.accept(F, 12346));
        assertEquals(12346, f.last(F));
        assertEquals(0b01010000L, f.mask(F)); // 12340 and 12342 still missing
        assertEquals(3, f.duplicates());
    }

    /** TEST: from the original state, 12350 -> pass, 00011110; 12342 -> very old; 12347 -> pass. */
    @Test
    void literalJump() {
        DuplicateFilter f = literalState();
        assertEquals(Verdict.NEW, f.accept(F, 12350));
        assertEquals(0b00011110L, f.mask(F)); // 12346..12349 missing; 12340..12342 fell off
        assertEquals(Verdict.TOO_OLD, f.accept(F, 12342));
        assertEquals(Verdict.FILLED, f.accept(F, 12347));
        assertEquals(0b00010110L, f.mask(F));
        assertEquals(1, f.tooOld());
    }

    /** Basic rule [0338] and the window edge: an 8-bit mask reaches last-7, not last-8. */
    @Test
    void windowEdgeAndFirstPacket() {
        DuplicateFilter f = new DuplicateFilter(2, 8, Start.EARLIER_RECEIVED);
        assertEquals(Verdict.NEW, f.accept(1, 100));
        assertEquals(Verdict.DUPLICATE, f.accept(1, 99), "before the first counts as received");
        assertEquals(Verdict.NEW, f.accept(1, 110));
        assertEquals(Verdict.FILLED, f.accept(1, 103));
        assertEquals(Verdict.TOO_OLD, f.accept(1, 102));
        assertEquals(Verdict.NEW, f.accept(0, 5), "flows are independent");
        DuplicateFilter m = new DuplicateFilter(1, 8, Start.EARLIER_MISSING);
        m.accept(F, 100);
        assertEquals(0b11111110L, m.mask(F));
        assertEquals(Verdict.FILLED, m.accept(F, 93));
        assertEquals(Verdict.TOO_OLD, m.accept(F, 92));
        assertEquals(Verdict.DUPLICATE, m.accept(F, 93));
    }

    /** 64-bit default: jumps of 63, 64 and more than 64 (Java's shift is mod 64). */
    @Test
    void sixtyFourBitJumps() {
        DuplicateFilter f = new DuplicateFilter(1);
        assertEquals(64, f.maskBits());
        f.accept(F, 0);
        f.accept(F, 63);
        assertEquals(0x7FFF_FFFF_FFFF_FFFEL, f.mask(F)); // 1..62 missing; bit 63 is ID 0, received
        assertEquals(Verdict.FILLED, f.accept(F, 0 + 1));
        f.accept(F, 63 + 64);
        assertEquals(-2L, f.mask(F));
        f.accept(F, 63 + 64 + 200);
        assertEquals(-2L, f.mask(F));
        assertEquals(Verdict.FILLED, f.accept(F, 63 + 64 + 200 - 63));
        assertEquals(Verdict.TOO_OLD, f.accept(F, 63 + 64 + 200 - 64));
    }

    /** Serial arithmetic: the literal sequence shifted to straddle 2^32 behaves the same. */
    @Test
    void wrapAroundNearTwoToThe32() {
        for (int base : new int[] {-3, -6, -1, 0, Integer.MAX_VALUE - 3}) {
            DuplicateFilter f = new DuplicateFilter(1, 8, Start.EARLIER_RECEIVED);
            int o = base - 12345; // maps 12345 to base
            f.accept(F, 12339 + o);
            f.accept(F, 12343 + o);
            f.accept(F, 12344 + o);
            f.accept(F, 12345 + o);
            assertEquals(0b00111000L, f.mask(F), "base " + base);
            assertEquals(Verdict.FILLED, f.accept(F, 12341 + o));
            assertEquals(Verdict.DUPLICATE, f.accept(F, 12341 + o));
            assertEquals(Verdict.NEW, f.accept(F, 12350 + o));
            assertEquals(Verdict.TOO_OLD, f.accept(F, 12342 + o));
            assertEquals(Verdict.FILLED, f.accept(F, 12347 + o));
        }
        DuplicateFilter f = new DuplicateFilter(1);
        f.accept(F, 0xFFFF_FFF0);
        assertEquals(Verdict.NEW, f.accept(F, 5)); // 21 ahead across the wrap
        assertEquals(Verdict.FILLED, f.accept(F, 0xFFFF_FFFF));
        assertEquals(Verdict.FILLED, f.accept(F, 0));
        assertEquals(Verdict.DUPLICATE, f.accept(F, 0xFFFF_FFF0));
        assertEquals(Verdict.TOO_OLD, f.accept(F, 5 + Integer.MIN_VALUE), "2^31 away is behind");
    }

    /** Model check against a set of seen IDs, random order within and beyond the window. */
    @Test
    void randomAgainstModel() {
        Random r = new Random(339);
        for (int width : new int[] {8, 13, 64}) {
            DuplicateFilter f = new DuplicateFilter(1, width, Start.EARLIER_RECEIVED);
            Set<Long> seen = new HashSet<>();
            long start = 0xFFFF_F000L; // crosses the wrap
            long last = start;
            f.accept(F, (int) start);
            seen.add(start);
            for (int i = 0; i < 20_000; i++) {
                long id = last + r.nextInt(3 * width) - 2L * width;
                Verdict v = f.accept(F, (int) id);
                Verdict expect;
                if (id > last) {
                    expect = Verdict.NEW;
                } else if (last - id >= width) {
                    expect = Verdict.TOO_OLD;
                } else if (id < start || seen.contains(id)) {
                    expect = Verdict.DUPLICATE;
                } else {
                    expect = Verdict.FILLED;
                }
                assertEquals(expect, v, "width " + width + " step " + i + " id " + id + " last " + last);
                if (v.accepted()) {
                    seen.add(id);
                    last = Math.max(last, id);
                }
            }
        }
    }

    @Test
    void resetAndArguments() {
        DuplicateFilter f = new DuplicateFilter(1);
        f.accept(F, 7);
        f.reset(F);
        assertEquals(Verdict.NEW, f.accept(F, 3));
        f.resetAll();
        assertEquals(false, f.started(F));
        assertThrows(IllegalArgumentException.class, () -> new DuplicateFilter(1, 7, Start.EARLIER_RECEIVED));
        assertThrows(IllegalArgumentException.class, () -> new DuplicateFilter(1, 65, Start.EARLIER_RECEIVED));
        assertThrows(IllegalArgumentException.class, () -> new DuplicateFilter(0));
    }
}
