package net.coopwan.daemon.coop.duplication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.coopwan.daemon.reorder.DuplicateFilter.Verdict;
import org.junit.jupiter.api.Test;

/** Notes section 6, deduplication with bitmask: the literal example and both TEST sequences. */
class DedupWindowTest {

    /** last=12345, mask=00111000 (8 bits), reached by real packets from a fresh window. */
    private static DedupWindow literalState() {
        DedupWindow w = new DedupWindow(8);
        assertEquals(Verdict.NEW, w.accept(12339)); // first: accepted, mask 0
        assertEquals(0L, w.mask());
        assertEquals(Verdict.NEW, w.accept(12343)); // 12340..12342 skipped: 00001110
        assertEquals(0b00001110L, w.mask());
        assertEquals(Verdict.NEW, w.accept(12344));
        assertEquals(Verdict.NEW, w.accept(12345));
        assertEquals(12345, w.last());
        assertEquals(0b00111000L, w.mask());
        return w;
    }

    /** "last_packet_ID=12345 ... bits 00111000 ... 12342, 12341 and 12340 ... not been received yet." */
    @Test
    void literalExampleNamesTheThreeMissingIds() {
        DedupWindow w = literalState();
        Set<Long> missing = new HashSet<>();
        for (int i = 0; i < w.maskBits(); i++) {
            if ((w.mask() & (1L << i)) != 0) {
                missing.add(w.last() - i);
            }
        }
        assertEquals(Set.of(12342L, 12341L, 12340L), missing);
    }

    /** TEST: 12341 pass 00101000; 12341 drop; 12343 drop; 12345 drop; 12346 pass, 01010000. */
    @Test
    void firstTestSequence() {
        DedupWindow w = literalState();
        assertEquals(Verdict.FILLED, w.accept(12341));
        assertEquals(0b00101000L, w.mask());
        assertEquals(Verdict.DUPLICATE, w.accept(12341));
        assertEquals(Verdict.DUPLICATE, w.accept(12343));
        assertEquals(Verdict.DUPLICATE, w.accept(12345));
        assertEquals(Verdict.NEW, w.accept(12346));
        assertEquals(12346, w.last());
        assertEquals(0b01010000L, w.mask()); // 12340 and 12342 still missing
    }

    /** TEST: from the original state, 12350 pass 00011110; 12342 drop (very old); 12347 pass. */
    @Test
    void secondTestSequence() {
        DedupWindow w = literalState();
        assertEquals(Verdict.NEW, w.accept(12350));
        assertEquals(0b00011110L, w.mask()); // 12346..12349 missing
        assertEquals(Verdict.TOO_OLD, w.accept(12342));
        assertEquals(Verdict.FILLED, w.accept(12347));
        assertEquals(0b00010110L, w.mask());
    }

    /** check() is accept() without the side effect. */
    @Test
    void checkDoesNotRecord() {
        DedupWindow w = literalState();
        assertEquals(Verdict.FILLED, w.check(12341));
        assertEquals(Verdict.FILLED, w.check(12341));
        assertEquals(0b00111000L, w.mask());
        assertEquals(Verdict.NEW, w.check(99_999));
        assertEquals(12345, w.last());
    }

    /** 64-bit unsigned IDs: the top of the range is ahead, jumps of 64+ clear the window. */
    @Test
    void unsignedSixtyFourBitIds() {
        DedupWindow w = new DedupWindow();
        assertEquals(Verdict.NEW, w.accept(0));
        assertEquals(Verdict.NEW, w.accept(Long.MAX_VALUE + 10)); // above 2^63: ahead, not negative
        assertEquals(-2L, w.mask()); // all 63 IDs before it missing
        assertEquals(Verdict.FILLED, w.accept(Long.MAX_VALUE + 10 - 63));
        assertEquals(Verdict.TOO_OLD, w.accept(Long.MAX_VALUE + 10 - 64));
        assertEquals(Verdict.TOO_OLD, w.accept(0));
        assertEquals(Verdict.NEW, w.accept(-1L)); // 2^64-1, the largest ID
        assertEquals(Verdict.DUPLICATE, w.accept(-1L));
        assertThrows(IllegalArgumentException.class, () -> new DedupWindow(7));
        assertThrows(IllegalArgumentException.class, () -> new DedupWindow(65));
    }

    /**
     * Property: over random streams with duplicates, reordering and loss, the window passes
     * exactly what a reference model passes: an ID ahead of all seen, or one within the width
     * behind the highest, not seen, and not before the first.
     */
    @Test
    void matchesSetModelOnRandomStreams() {
        Random r = new Random(0x0339L);
        for (int run = 0; run < 300; run++) {
            int width = 8 + r.nextInt(57);
            DedupWindow w = new DedupWindow(width);
            Set<Long> seen = new HashSet<>();
            long first = r.nextInt(1_000_000);
            long max = -1;
            long next = first;
            for (int i = 0; i < 2_000; i++) {
                long id;
                int kind = r.nextInt(10);
                if (kind < 5 || max < 0) {
                    id = next; // in order; loss when the sender skipped
                    next += 1 + (r.nextInt(8) == 0 ? r.nextInt(3 * width) : 0);
                } else if (kind < 8) {
                    id = max - r.nextInt(2 * width); // reordered or duplicated, some very old
                } else {
                    id = max; // plain duplicate of the newest
                }
                Verdict expect;
                if (max < 0 || id > max) {
                    expect = Verdict.NEW;
                } else if (max - id >= width) {
                    expect = Verdict.TOO_OLD;
                } else if (id < first || seen.contains(id)) {
                    expect = Verdict.DUPLICATE;
                } else {
                    expect = Verdict.FILLED;
                }
                assertEquals(expect, w.accept(id), "run " + run + " step " + i + " id " + id + " max " + max);
                if (expect.accepted()) {
                    seen.add(id);
                    max = Math.max(max, id);
                }
                assertEquals(0L, w.mask() & 1L, "bit 0 is last itself");
            }
        }
    }
}
