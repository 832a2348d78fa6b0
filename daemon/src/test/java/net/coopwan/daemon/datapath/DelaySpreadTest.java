package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DelaySpreadTest {
    static final long MS = 1_000_000L;

    @Test
    void spreadIsSlowestMinusFastestWhateverTheClockOffset() {
        DelaySpread d = new DelaySpread(3, 1000 * MS);
        int offset = 2_000_000_000; // the far end's clock is 2000 s away: cancels out
        for (int i = 0; i < 200; i++) {
            long now = (i + 1) * MS;
            d.sample(0, offset + 10_000, now);
            d.sample(1, offset + 160_000, now); // 150 ms of queue on the slow link
        }
        assertEquals(150_000, d.spreadMicros(200 * MS), 1_000);
    }

    @Test
    void oneLinkOrStaleLinksGiveNoSpread() {
        DelaySpread d = new DelaySpread(2, 1000 * MS);
        d.sample(0, 10_000, 1 * MS);
        assertEquals(0, d.spreadMicros(2 * MS));
        d.sample(1, 90_000, 2 * MS);
        assertEquals(80_000, d.spreadMicros(3 * MS));
        // link 1 silent for more than the stale time: only link 0 counts
        d.sample(0, 10_000, 1500 * MS);
        assertEquals(0, d.spreadMicros(1500 * MS));
    }

    @Test
    void wrappingTimestampsStillGiveTheDifference() {
        DelaySpread d = new DelaySpread(2, 1000 * MS);
        d.sample(0, Integer.MAX_VALUE - 5_000, 1 * MS);
        d.sample(1, Integer.MAX_VALUE - 5_000 + 40_000, 1 * MS); // wraps to a negative int
        assertEquals(40_000, d.spreadMicros(1 * MS));
    }
}
