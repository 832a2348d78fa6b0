package net.coopwan.daemon.secure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.TreeSet;
import net.coopwan.daemon.secure.ReplayWindow.Verdict;
import org.junit.jupiter.api.Test;

/**
 * The RFC 6479 edge cases as WireGuard tests them (the sequence of wireguard-go's
 * replay/replay_test.go, ported from the Linux kernel's selftest), with this window's size, plus
 * the top of the 64-bit space and a model check.
 */
class ReplayWindowTest {
    private ReplayWindow w;
    private int n;

    private void t(long pn, boolean accept) {
        n++;
        Verdict v = w.update(pn);
        assertEquals(accept, v == Verdict.ACCEPT, "step " + n + " pn " + Long.toUnsignedString(pn) + " -> " + v);
    }

    @Test
    void defaultIs2048BitsWindow1984() {
        assertEquals(1984, new ReplayWindow().windowSize());
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(1000));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(64));
    }

    @Test
    void wireguardSequence() {
        for (int bits : new int[] {128, 1024, 2048, 8192}) {
            w = new ReplayWindow(bits);
            n = 0;
            long ws = w.windowSize();
            long lim = ws + 1;
            t(0, true);                 /*  1 packet number 0 */
            t(1, true);                 /*  2 */
            t(1, false);                /*  3 duplicate */
            t(9, true);                 /*  4 */
            t(8, true);                 /*  5 reordered, inside */
            t(7, true);                 /*  6 */
            t(7, false);                /*  7 */
            t(lim, true);               /*  8 */
            t(lim - 1, true);           /*  9 */
            t(lim - 1, false);          /* 10 */
            t(lim - 2, true);           /* 11 */
            t(2, true);                 /* 12 highest - 2 = ws - 1 behind: inside */
            t(2, false);                /* 13 */
            t(lim + 16, true);          /* 14 */
            t(3, false);                /* 15 now too old */
            t(lim + 16, false);         /* 16 */
            t(lim * 4, true);           /* 17 jump far ahead: the whole ring is cleared */
            t(lim * 4 - (lim - 1), true); /* 18 highest - ws: the oldest accepted */
            t(10, false);               /* 19 */
            t(lim * 4 - lim, false);    /* 20 highest - ws - 1: one too old */
            t(lim * 4 - (lim + 1), false); /* 21 */
            t(lim * 4 - (lim - 2), true);  /* 22 */
            t(lim * 4 + 1 - lim, false);   /* 23 same as 18 */
            t(0, false);                /* 24 */
            assertEquals(5, w.tooOld(), "too-old count, bits " + bits);
            assertEquals(6, w.duplicates(), "duplicate count, bits " + bits);
        }
    }

    @Test
    void topOfThe64BitSpace() {
        w = new ReplayWindow();
        n = 0;
        long max = -1L; // 2^64 - 1 as unsigned
        t(max, true);
        t(max, false);
        t(max - 1, true);
        t(max - 1, false);
        t(max - 2, true);
        t(max - w.windowSize(), true);
        t(max - w.windowSize() - 1, false);
        t(0, false);                 /* unsigned: 0 is far behind 2^64-1, not ahead */
        t(Long.MAX_VALUE, false);
        assertEquals(max, w.highest());
    }

    @Test
    void bulkLikeWireguard() {
        w = new ReplayWindow();
        long ws = w.windowSize();
        n = 0;
        for (long i = 1; i <= ws; i++) {
            t(i, true);
        }
        t(0, true);
        t(0, false);

        w = new ReplayWindow();
        for (long i = 2; i <= ws + 1; i++) {
            t(i, true);
        }
        t(1, true);
        t(0, false);

        w = new ReplayWindow();
        for (long i = ws + 1; i > 0; i--) {
            t(i, true);
        }

        w = new ReplayWindow();
        for (long i = ws + 2; i > 1; i--) {
            t(i, true);
        }
        t(0, false);

        w = new ReplayWindow();
        for (long i = ws; i > 0; i--) {
            t(i, true);
        }
        t(ws + 1, true);
        t(0, false);

        w = new ReplayWindow();
        for (long i = ws; i > 0; i--) {
            t(i, true);
        }
        t(0, true);
        t(ws + 1, true);
    }

    @Test
    void bitmapWordWrap() {
        // walk across many ring wraps in steps that straddle word boundaries (63 -> 64 -> 65)
        w = new ReplayWindow(128); // 2 words, window 64
        n = 0;
        for (long base = 0; base < 10_000; base += 61) {
            t(base + 63, true);
            t(base + 64, true);
            t(base + 62, true);
            t(base + 64, false);
            t(base + 63, false);
        }
        // forward by exactly one word, then exactly the window
        w = new ReplayWindow(128);
        t(64, true);   // word 1
        t(1, true);    // word 0, 63 behind
        t(0, true);    // 64 behind = window: the oldest accepted
        t(128, true);  // word 2 reuses ring slot 0 and clears it
        t(64, false);  // word 1 kept: duplicate
        t(65, true);   // 63 behind
        t(63, false);  // 65 behind: too old
        t(0, false);
    }

    @Test
    void checkDoesNotChangeState() {
        w = new ReplayWindow();
        assertEquals(Verdict.ACCEPT, w.check(5));
        assertEquals(Verdict.ACCEPT, w.check(5));
        assertEquals(Verdict.ACCEPT, w.update(5));
        assertEquals(Verdict.DUPLICATE, w.check(5));
        w.update(5000);
        assertEquals(Verdict.TOO_OLD, w.check(5));
        assertEquals(0, w.tooOld());
    }

    /** Against a model (a set of seen numbers and the highest), fixed seed, bounded count. */
    @Test
    void matchesModel() {
        Random r = new Random(6479);
        w = new ReplayWindow(256);
        long ws = w.windowSize();
        TreeSet<Long> seen = new TreeSet<>();
        long highest = 0;
        for (int i = 0; i < 200_000; i++) {
            long pn = Math.max(0, highest + r.nextInt(400) - 300);
            if (r.nextInt(1000) == 0) {
                pn = highest + r.nextInt(5000);
            }
            Verdict want = pn > highest ? Verdict.ACCEPT
                    : highest - pn > ws ? Verdict.TOO_OLD
                    : seen.contains(pn) ? Verdict.DUPLICATE : Verdict.ACCEPT;
            assertEquals(want, w.update(pn), "pn " + pn + " highest " + highest);
            if (want == Verdict.ACCEPT) {
                seen.add(pn);
                highest = Math.max(highest, pn);
                seen.headSet(highest - ws - 1, true).clear();
            }
        }
    }
}
