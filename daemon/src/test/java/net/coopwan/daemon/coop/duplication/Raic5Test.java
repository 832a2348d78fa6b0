package net.coopwan.daemon.coop.duplication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Notes section 6, RAIC [0252]. */
class Raic5Test {

    /** TEST: a 5-byte payload is padded to 2x3 bytes; dropping any one of three still yields the 5 bytes. */
    @Test
    void fiveBytesSurviveAnySingleLoss() {
        byte[] payload = {1, 2, 3, 4, 5};
        byte[][] parts = Raic5.split(payload);
        assertArrayEquals(new byte[] {1, 2, 3}, parts[Raic5.A]);
        assertArrayEquals(new byte[] {4, 5, 0}, parts[Raic5.B]); // one pad byte
        assertArrayEquals(new byte[] {1 ^ 4, 2 ^ 5, 3}, parts[Raic5.XOR]);
        for (int lost = 0; lost < 3; lost++) {
            byte[][] got = parts.clone();
            got[lost] = null;
            assertArrayEquals(payload, Raic5.recover(got, 5), "lost part " + lost);
        }
    }

    /** Property: random payloads (odd, even, empty, MTU-sized), any single loss or none: exact bytes back. */
    @Test
    void randomPayloadsAnySingleLoss() {
        Random r = new Random(252);
        for (int i = 0; i < 2_000; i++) {
            int len = i < 4 ? i : r.nextInt(1501);
            byte[] payload = new byte[len];
            r.nextBytes(payload);
            byte[][] parts = Raic5.split(payload);
            for (byte[] p : parts) {
                assertEquals(Raic5.partLength(len), p.length);
            }
            for (int lost = -1; lost < 3; lost++) {
                byte[][] got = parts.clone();
                if (lost >= 0) {
                    got[lost] = null;
                }
                assertArrayEquals(payload, Raic5.recover(got, len), "len " + len + " lost " + lost);
            }
        }
    }

    @Test
    void twoLossesCannotRecoverAndOnlyThreePathsEnable() {
        byte[][] parts = Raic5.split(new byte[] {9, 8, 7});
        assertNull(Raic5.recover(new byte[][] {parts[0], null, null}, 3));
        assertThrows(IllegalArgumentException.class, () -> Raic5.recover(new byte[][] {new byte[1], new byte[2], null}, 3));
        assertFalse(Raic5.usable(2));
        assertTrue(Raic5.usable(3));
    }
}
