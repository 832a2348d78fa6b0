package net.coopwan.daemon.coop.advert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AdvertInfoTest {

    @Test
    void bandwidthClassIsLog2OfMbitPerSecondPlusOne() {
        assertEquals(0, AdvertInfo.bandwidthClass(0));
        assertEquals(1, AdvertInfo.bandwidthClass(500_000));
        assertEquals(1, AdvertInfo.bandwidthClass(1_000_000));
        assertEquals(2, AdvertInfo.bandwidthClass(2_000_000));
        assertEquals(7, AdvertInfo.bandwidthClass(100_000_000));
        assertEquals(9, AdvertInfo.bandwidthClass(300_000_000));
        assertEquals(10, AdvertInfo.bandwidthClass(1_000_000_000));
        assertEquals(14, AdvertInfo.bandwidthClass(10_000_000_000L));
        assertEquals(15, AdvertInfo.bandwidthClass(16_384_000_000L));
        assertEquals(15, AdvertInfo.bandwidthClass(Long.MAX_VALUE));
        assertEquals(0, AdvertInfo.bandwidthClassFloor(1));
        assertEquals(512_000_000L, AdvertInfo.bandwidthClassFloor(10));
        for (int c = 2; c <= 15; c++) {
            assertEquals(c, AdvertInfo.bandwidthClass(AdvertInfo.bandwidthClassFloor(c)));
        }
    }

    @Test
    void fieldsAreRangeChecked() {
        assertThrows(IllegalArgumentException.class, () -> info(16, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> info(0, -1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> info(0, 0, 16, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> info(0, 0, 0, 0x10000, 0));
        assertThrows(IllegalArgumentException.class, () -> info(0, 0, 0, 0, 64));
        assertThrows(NullPointerException.class,
                () -> new AdvertInfo(true, null, UplinkType.DSL, 0, 0, 0, 0, 0));
    }

    private static AdvertInfo info(int down, int up, int gen, int nonce, int reserved) {
        return new AdvertInfo(true, Set.of(), UplinkType.DSL, down, up, gen, nonce, reserved);
    }

    @Test
    void offeredTypesAreAnImmutableCopy() {
        Set<CooperationType> mine = new HashSet<>(Set.of(CooperationType.SUPPRESSION));
        AdvertInfo i = new AdvertInfo(true, mine, UplinkType.CELLULAR, 3, 2, 0, 1, 0);
        mine.add(CooperationType.LC_DUPLICATION);
        assertEquals(EnumSet.of(CooperationType.SUPPRESSION), i.offered());
        assertThrows(UnsupportedOperationException.class, () -> i.offered().add(CooperationType.BANDWIDTH_SHARING));
        assertTrue(i.offers(CooperationType.SUPPRESSION));
    }

    @Test
    void fieldBitsDoNotOverlapAndFill48BitsWithVersionAndKeyedBit() {
        long all = 0;
        long[] fields = {
            15L << 44, 1L << 43, AdvertInfo.KEYED_BIT,
            new AdvertInfo(false, EnumSet.allOf(CooperationType.class), UplinkType.UNKNOWN, 0, 0, 0, 0, 0).toBits(),
            new AdvertInfo(false, Set.of(), UplinkType.OTHER, 0, 0, 0, 0, 0).toBits(),
            new AdvertInfo(false, Set.of(), UplinkType.UNKNOWN, 15, 0, 0, 0, 0).toBits(),
            new AdvertInfo(false, Set.of(), UplinkType.UNKNOWN, 0, 15, 0, 0, 0).toBits(),
            new AdvertInfo(false, Set.of(), UplinkType.UNKNOWN, 0, 0, 15, 0, 0).toBits(),
            new AdvertInfo(false, Set.of(), UplinkType.UNKNOWN, 0, 0, 0, 0xFFFF, 0).toBits(),
            new AdvertInfo(false, Set.of(), UplinkType.UNKNOWN, 0, 0, 0, 0, 0x3F).toBits(),
        };
        int width = 0;
        for (long f : fields) {
            assertEquals(0, all & f, "overlap " + Long.toHexString(f));
            all |= f;
            width += Long.bitCount(f);
        }
        assertEquals(48, width);
        assertEquals(AdvertInfo.MASK48, all);
        assertEquals(41, CooperationType.EMERGENCY_CONNECTION.bit());
        assertEquals(37, CooperationType.SUPPRESSION.bit());
    }
}
