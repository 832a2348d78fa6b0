package net.coopwan.daemon.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SlopsStreamTest {

    private static final double MBIT = 1_000_000;
    private final PctPdtTrendTest trend = new PctPdtTrendTest();

    @Test
    void periodIsPacketBitsOverRate() { // S2
        SlopsStreamPlan plan = SlopsStreamPlan.of(8 * MBIT, SlopsStreamConfig.DEFAULT);
        assertEquals(100, plan.packets());
        assertEquals(8000, plan.packetBits());
        assertEquals(1_000_000, plan.periodNanos()); // 8000 bit / 8 Mbit/s = 1 ms
        assertEquals(1000, plan.packetBytes());
        assertEquals(100_000_000, plan.durationNanos());
        assertEquals(5_000L + 37 * 1_000_000L, plan.dueNanos(37, 5_000L));
    }

    @Test
    void plannedSendRateIsLOverTWithinOnePercent() { // S2
        Random random = new Random(3);
        for (int i = 0; i < 1000; i++) {
            double rate = 10_000 + random.nextDouble() * 200 * MBIT;
            long bits = 512 + random.nextInt(12_000 - 512);
            SlopsStreamPlan plan = new SlopsStreamPlan(100, bits, rate);
            long start = random.nextLong() / 4;
            long previous = Long.MIN_VALUE;
            for (int k = 0; k < plan.packets(); k++) {
                long due = plan.dueNanos(k, start);
                assertTrue(due > previous, "due times increase");
                previous = due;
            }
            // K-1 periods between the first and the last packet carry K-1 packets' worth of bits.
            double seconds = (plan.dueNanos(99, start) - plan.dueNanos(0, start)) / 1e9;
            double measured = 99 * bits / seconds;
            assertEquals(rate, measured, rate * 0.01, "case " + i);
            assertEquals(bits / (plan.periodNanos() / 1e9), rate, rate * 0.01, "L/T, case " + i);
        }
    }

    @Test
    void planValidation() {
        SlopsStreamPlan plan = new SlopsStreamPlan(10, 8000, MBIT);
        assertThrows(IllegalArgumentException.class, () -> plan.dueNanos(10, 0));
        assertThrows(IllegalArgumentException.class, () -> plan.dueNanos(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SlopsStreamPlan(10, 8000, 0));
        assertThrows(IllegalArgumentException.class, () -> new SlopsStreamPlan(10, 8, 1e12));
        assertThrows(IllegalArgumentException.class, () -> new SlopsStreamConfig(15, 8000, 512, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new SlopsStreamConfig(100, 256, 512, 0.2));
        assertThrows(IllegalArgumentException.class, () -> new SlopsStreamConfig(100, 8000, 512, 1.0));
    }

    @Test
    void receiverSeesRateAboveAndBelowAvailable() { // S1 on an emulated path, +5 s clock offset
        EmulatedPath path = new EmulatedPath(3 * MBIT, 30_000_000L, 5_000_000L, 0, 0, 1);
        SlopsStreamReceiver receiver = new SlopsStreamReceiver(SlopsStreamConfig.DEFAULT);
        assertEquals(StreamVerdict.INCREASING,
                path.stream(SlopsStreamPlan.of(3.3 * MBIT, SlopsStreamConfig.DEFAULT), receiver, trend));
        assertEquals(StreamVerdict.NOT_INCREASING,
                path.stream(SlopsStreamPlan.of(2.7 * MBIT, SlopsStreamConfig.DEFAULT), receiver, trend));
    }

    @Test
    void clockOffsetChangesNoStreamVerdict() { // S3
        Random random = new Random(9);
        SlopsStreamReceiver receiver = new SlopsStreamReceiver(SlopsStreamConfig.DEFAULT);
        for (int i = 0; i < 100; i++) {
            double a = (0.5 + random.nextDouble() * 5) * MBIT;
            double r = (0.5 + random.nextDouble() * 5) * MBIT;
            SlopsStreamPlan plan = SlopsStreamPlan.of(r, SlopsStreamConfig.DEFAULT);
            StreamVerdict base = new EmulatedPath(a, 20_000_000L, 0, 500, 0.02, i).stream(plan, receiver, trend);
            StreamVerdict shifted = new EmulatedPath(a, 20_000_000L, 5_000_000L, 500, 0.02, i)
                    .stream(plan, receiver, trend);
            assertEquals(base, shifted, "case " + i);
        }
    }

    @Test
    void reorderedProbesGiveTheSameVerdictAsInOrder() {
        SlopsStreamReceiver inOrder = new SlopsStreamReceiver(SlopsStreamConfig.DEFAULT);
        SlopsStreamReceiver shuffled = new SlopsStreamReceiver(SlopsStreamConfig.DEFAULT);
        long[] owd = PctPdtTrendTestTest.series(100, 40_000, 30, 1_000, 4);
        Integer[] order = new Integer[100];
        for (int k = 0; k < 100; k++) {
            order[k] = k;
            inOrder.onProbe(k, 1000L * k, 1000L * k + owd[k]);
        }
        java.util.Collections.shuffle(java.util.Arrays.asList(order), new Random(4));
        for (int k : order) {
            shuffled.onProbe(k, 1000L * k, 1000L * k + owd[k]);
        }
        assertEquals(StreamVerdict.INCREASING, inOrder.verdict(trend));
        assertEquals(StreamVerdict.INCREASING, shuffled.verdict(trend));
    }

    @Test
    void duplicatesAndOutOfRangeIndexesAreCountedAndIgnored() {
        SlopsStreamReceiver receiver = new SlopsStreamReceiver(SlopsStreamConfig.DEFAULT);
        for (int k = 0; k < 100; k++) {
            assertEquals(SlopsStreamReceiver.Accept.ACCEPTED, receiver.onProbe(k, 0, 10_000));
        }
        // A duplicate with a wildly different OWD would otherwise look like a trend.
        assertEquals(SlopsStreamReceiver.Accept.DUPLICATE, receiver.onProbe(99, 0, 9_000_000));
        assertEquals(SlopsStreamReceiver.Accept.OUT_OF_RANGE, receiver.onProbe(100, 0, 9_000_000));
        assertEquals(SlopsStreamReceiver.Accept.OUT_OF_RANGE, receiver.onProbe(-1, 0, 9_000_000));
        assertEquals(100, receiver.received());
        assertEquals(0, receiver.lost());
        assertEquals(1, receiver.duplicates());
        assertEquals(2, receiver.outOfRange());
        assertEquals(StreamVerdict.NOT_INCREASING, receiver.verdict(trend));
    }

    @Test
    void moreThanTwentyPercentMissingIsLost() {
        SlopsStreamReceiver receiver = new SlopsStreamReceiver(SlopsStreamConfig.DEFAULT);
        for (int k = 0; k < 80; k++) {
            receiver.onProbe(k * 100 / 80, 0, 10_000); // 80 distinct indexes spread over the stream
        }
        assertEquals(20, receiver.lost());
        assertEquals(StreamVerdict.NOT_INCREASING, receiver.verdict(trend)); // exactly 20 %: still judged
        receiver.reset();
        for (int k = 0; k < 79; k++) {
            receiver.onProbe(k, 0, 10_000);
        }
        assertEquals(StreamVerdict.LOST, receiver.verdict(trend));
    }

    @Test
    void resetForgetsTheStream() {
        SlopsStreamReceiver receiver = new SlopsStreamReceiver(SlopsStreamConfig.DEFAULT);
        for (int k = 0; k < 100; k++) {
            receiver.onProbe(k, 0, 10_000 + 100L * k);
        }
        receiver.onProbe(5, 0, 0);
        assertEquals(StreamVerdict.INCREASING, receiver.verdict(trend));
        receiver.reset();
        assertEquals(0, receiver.received());
        assertEquals(0, receiver.duplicates());
        assertEquals(StreamVerdict.LOST, receiver.verdict(trend));
    }

    @Test
    void fullSlopsRunFindsAWithinHalfTheWidth() { // S8 on an emulated path without noise
        SlopsStreamReceiver receiver = new SlopsStreamReceiver(SlopsStreamConfig.DEFAULT);
        Random random = new Random(21);
        for (int i = 0; i < 40; i++) {
            double a = (0.2 + random.nextDouble() * 7) * MBIT;
            EmulatedPath path = new EmulatedPath(a, 25_000_000L, 5_000_000L, 0, 0, i);
            SlopsSearch search = new SlopsSearch(new SlopsSearch.Config(7.2 * MBIT, 0.1 * MBIT, 1));
            while (!search.isDone()) {
                SlopsStreamPlan plan = SlopsStreamPlan.of(search.nextRateBps(), SlopsStreamConfig.DEFAULT);
                search.onVerdict(path.stream(plan, receiver, trend));
            }
            // A rate so close above A that its queue grows less than the trend test's 200 us
            // floor over the stream (R - A < 200 us * A^2 / (K*L), 0.2 % of A at 7 Mbit/s) is
            // called flat: allow that beyond w/2.
            assertTrue(Math.abs(search.availableBps() - a) <= 0.05 * MBIT + 0.002 * a,
                    "A=" + a + " got " + search.availableBps());
        }
    }

    @Test
    void fullSlopsRunWithNoiseAndLossStaysWithinTheWidth() {
        SlopsStreamReceiver receiver = new SlopsStreamReceiver(SlopsStreamConfig.DEFAULT);
        Random random = new Random(22);
        int within = 0;
        for (int i = 0; i < 40; i++) {
            double a = (0.5 + random.nextDouble() * 6) * MBIT;
            EmulatedPath path = new EmulatedPath(a, 25_000_000L, -3_000_000L, 300, 0.01, 100 + i);
            SlopsSearch search = new SlopsSearch(new SlopsSearch.Config(7.2 * MBIT, 0.1 * MBIT, 1));
            while (!search.isDone()) {
                SlopsStreamPlan plan = SlopsStreamPlan.of(search.nextRateBps(), SlopsStreamConfig.DEFAULT);
                search.onVerdict(path.stream(plan, receiver, trend));
            }
            if (Math.abs(search.availableBps() - a) <= 0.1 * MBIT) {
                within++;
            }
        }
        // With 0.3 ms of noise a flat stream is now and then called INCREASING (see
        // PctPdtTrendTest), which underestimates; most runs still land within w.
        assertTrue(within >= 30, "within w: " + within + " of 40");
    }
}
