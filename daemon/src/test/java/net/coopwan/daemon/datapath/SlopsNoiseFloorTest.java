package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.measure.PctPdtTrendTest;
import net.coopwan.daemon.measure.SlopsStreamConfig;
import net.coopwan.daemon.measure.SlopsStreamPlan;
import net.coopwan.daemon.measure.TrendTest;

/** The noise floor a SLoPS stream carries: half the delay growth of a stream w above A. */
class SlopsNoiseFloorTest {

    @Test
    void floorIsHalfTheGrowthOfAStreamWAboveTheAvailableBandwidthClamped() {
        SlopsStreamConfig c = SlopsStreamConfig.DEFAULT; // K = 100, L = 8000 bits
        // 1.25 Mbit/s: T = 6.4 ms, a 640 ms stream; w = 100 kbit/s: 0.08 x 640 ms / 2 = 25.6 ms
        assertEquals(25_600, AdaptiveWeights.noiseFloorMicros(100e3, SlopsStreamPlan.of(1.25e6, c)));
        // 5 Mbit/s: a 160 ms stream, 0.02 x 160 / 2 = 1.6 ms
        assertEquals(1_600, AdaptiveWeights.noiseFloorMicros(100e3, SlopsStreamPlan.of(5e6, c)));
        // 100 Mbit/s: 8 ms stream, 8 µs: clamped up to the trend test's own 200 µs
        assertEquals(200, AdaptiveWeights.noiseFloorMicros(100e3, SlopsStreamPlan.of(100e6, c)));
        // 100 kbit/s with w = 100 kbit/s: 8 s stream, 4 s: clamped down to 50 ms
        assertEquals(50_000, AdaptiveWeights.noiseFloorMicros(100e3, SlopsStreamPlan.of(100e3, c)));
    }

    @Test
    void streamsLastAtLeast300MillisecondsSoHighRatesGetMorePackets() {
        SlopsStreamConfig c = SlopsStreamConfig.DEFAULT; // K = 100, L = 8000 bits
        // 1 Mbit/s: T = 8 ms, 100 packets last 800 ms: K stays 100
        assertEquals(100, AdaptiveWeights.plan(1e6, c).packets());
        // 8 Mbit/s: T = 1 ms, 300 packets for 300 ms
        assertEquals(300, AdaptiveWeights.plan(8e6, c).packets());
        // 1 Gbit/s: T = 8 µs, 37 500 would be needed: capped at 1 000
        assertEquals(1_000, AdaptiveWeights.plan(1e9, c).packets());
        // the floor grows with the stream: 8 Mbit/s, w = 100 kbit/s: 0.0125 x 300 ms / 2 = 1.875 ms
        assertEquals(1_875, AdaptiveWeights.noiseFloorMicros(100e3, AdaptiveWeights.plan(8e6, c)));
    }

    @Test
    void aFlatStreamWithMillisecondsOfNoiseIsNotIncreasingAboveTheFloorButOftenIsWithout() {
        Random rnd = new Random(7);
        int wrongWithFloor = 0;
        int wrongWithout = 0;
        TrendTest plain = new PctPdtTrendTest();
        PctPdtTrendTest.Config d = PctPdtTrendTest.Config.DEFAULT;
        TrendTest floored = new PctPdtTrendTest(new PctPdtTrendTest.Config(d.minSamples(), d.pctIncreasing(),
                d.pctNotIncreasing(), d.pdtIncreasing(), d.pdtNotIncreasing(), 25_600));
        long[] owd = new long[100];
        for (int run = 0; run < 200; run++) {
            for (int i = 0; i < owd.length; i++) {
                owd[i] = 20_000 + (long) (rnd.nextGaussian() * 2_000); // 20 ms path, 2 ms noise
            }
            wrongWithFloor += floored.test(owd, owd.length) == TrendTest.Verdict.INCREASING ? 1 : 0;
            wrongWithout += plain.test(owd, owd.length) == TrendTest.Verdict.INCREASING ? 1 : 0;
        }
        assertEquals(0, wrongWithFloor);
        // without the floor, pure noise is read as a rise now and then (the measured failure)
        org.junit.jupiter.api.Assertions.assertTrue(wrongWithout > 0, "without the floor: " + wrongWithout);

        // a real overload still shows: 30 ms of growth over the stream
        for (int i = 0; i < owd.length; i++) {
            owd[i] = 20_000 + i * 300 + (long) (rnd.nextGaussian() * 2_000);
        }
        assertEquals(TrendTest.Verdict.INCREASING, floored.test(owd, owd.length));
    }
}
