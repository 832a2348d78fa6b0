package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Where the shedding quota's bound goes: the tick's allowance less a reserve for the light sessions. */
class HeavyFirstSheddingTest {
    private static final long MTU = EmergencyQuota.MTU;

    @Test
    void theHeavyGetTheAllowanceLessAReserveThatFollowsTheLight() {
        HeavyFirstShedding s = new HeavyFirstShedding();
        // first tick: nothing known of the light, two packets kept for new sessions
        assertEquals(1000 + 50_000 - 2 * MTU, s.bound(1000, 0, 5000, 50_000, 200_000));
        // 40 000 passed since: 25 000 of the heavy (30 000 judged, 5 000 shed), so 15 000 of the light:
        // the reserve is 1.5 times that and two packets
        assertEquals(31_000 + 50_000 - 22_500 - 2 * MTU, s.bound(31_000, 5000, 45_000, 50_000, 200_000));
        // the light stop: the reserve falls by a fifth a tick, not at once
        assertEquals(31_000 + 50_000 - 18_000 - 2 * MTU, s.bound(31_000, 5000, 45_000, 50_000, 200_000));
        assertEquals(31_000 + 50_000 - 14_400 - 2 * MTU, s.bound(31_000, 5000, 45_000, 50_000, 200_000));
    }

    @Test
    void theReserveIsAtMostAQuarterOfTheBucketAndTheHeavyNeverGetLessThanNothing() {
        HeavyFirstShedding s = new HeavyFirstShedding();
        s.bound(0, 0, 0, 50_000, 40_000);
        // 100 000 of light in one tick: the reserve would be 153 000, the bucket's quarter is 10 000
        assertEquals(50_000 - 10_000, s.bound(0, 0, 100_000, 50_000, 40_000));
        // an allowance under the reserve: the heavy get nothing more, the bound stays at what they were judged
        assertEquals(0, s.bound(0, 0, 100_000, 5000, 40_000));
    }

    @Test
    void countersThatWentBackDoNotMakeLightOutOfNothing() {
        HeavyFirstShedding s = new HeavyFirstShedding();
        s.bound(500_000, 0, 900_000, 50_000, 200_000);
        // a reset behind our back (the objects re-created): no light estimate from the difference
        assertEquals(50_000 - 2 * MTU, s.bound(0, 0, 0, 50_000, 200_000));
        assertEquals(50_000 - 2 * MTU, s.bound(0, 0, 0, 50_000, 200_000));
    }

    @Test
    void theProtectedRateIsASixteenthOfTheQuotasRateAndAtLeast128Kbits() {
        assertEquals(34_375, HeavyFirstShedding.protectedBytesPerSecond(550_000, 1000));
        assertEquals(34_375, HeavyFirstShedding.protectedBytesPerSecond(5_500_000, 10_000));
        assertEquals(16_000, HeavyFirstShedding.protectedBytesPerSecond(100_000, 1000));
        assertEquals(15 * 1000, HeavyFirstShedding.protectedBurstBytes(16_000), "ten packets at least");
        assertEquals(250_000, HeavyFirstShedding.protectedBurstBytes(1_000_000));
    }
}
