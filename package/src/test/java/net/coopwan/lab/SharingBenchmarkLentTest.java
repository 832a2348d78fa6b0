package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The sharing benchmark's count of what b lent down, in the unit of b's limit: a packet b's WAN
 * device received as one (GRO) is counted once at its length there, however many segments the
 * tunnel sends it as; the per-segment count keeps each segment's own headers.
 */
class SharingBenchmarkLentTest {
    private static final long MS = 1_000_000L;

    /** A tunnel capture line: stamp, IP bytes, packet type (4 outgoing, 0 incoming), key. */
    private static String line(long t, long bytes, int type, String key) {
        return t + " " + bytes + " " + type + " " + key;
    }

    @Test
    void aPacketOfManySegmentsIsCountedOnceAtItsLengthOnTheWanDevice() {
        // as in the run of 2026-12-07: 17428 B on the WAN device (52 B of headers, 12 x 1448 B), 12 segments of 1500 B
        long wanAt = 1_000 * MS;
        Map<String, long[]> atWan = Map.of("aa01", new long[] {wanAt, 17_428}, "aa02", new long[] {wanAt + 40 * MS, 1_052});
        List<String> tunnel = new ArrayList<>();
        long t = wanAt + 3 * MS; // the tunnel's stamp is later: the packet is stamped again when sent on
        tunnel.add(line(t, 1_500, 4, "aa01"));
        for (int i = 1; i < 12; i++) {
            tunnel.add(line(t + i * 10_000, 1_500, 4, "k" + i)); // back to back, keys not on the WAN device
        }
        // a packet not found on the WAN device, sent back to back after the segments: not one of them
        tunnel.add(line(t + 12 * 10_000, 600, 4, "zz01"));
        // later, a packet found on the WAN device on its own, and one coming up from the borrower
        tunnel.add(line(wanAt + 45 * MS, 1_052, 4, "aa02"));
        tunnel.add(line(wanAt + 46 * MS, 52, 0, "up01"));

        SharingBenchmark.Lent lent = SharingBenchmark.lent(tunnel, atWan, 50 * MS);

        assertEquals(2, lent.matched());
        assertEquals(12, lent.tails(), "11 segments and the packet after them sent back to back");
        assertEquals(12 * 1_500 + 600 + 1_052, sum(lent.down()), "per segment: each with its own headers");
        assertEquals(17_428 + 600 + 1_052, sum(lent.downCounted()), "as the limit counted: the WAN device's length once");
        for (int i = 0; i < 13; i++) {
            assertEquals(wanAt, lent.downCounted().get(i)[0], "all reached b with the first one, at its WAN stamp");
            assertEquals(wanAt + 50 * MS, lent.downCounted().get(i)[2]);
        }
        assertEquals(wanAt + 40 * MS, lent.downCounted().get(13)[0]);
        assertEquals(1, lent.up().size());
        assertArrayEquals(new long[] {wanAt + 46 * MS, 52}, lent.up().get(0));

        // one window holding it all: the segments' own headers, 11 x 52 B, are what the limit did not count
        long[] perSegment = SharingBenchmark.certainAndPossible(lent.down(), 1_000 * MS);
        long[] counted = SharingBenchmark.certainAndPossible(lent.downCounted(), 1_000 * MS);
        assertEquals(19_652, perSegment[0]);
        assertEquals(19_080, counted[0]);
        assertEquals(19_080, counted[1]);
    }

    @Test
    void packetsNotFoundOnTheWanDeviceCountAtTheirOwnLength() {
        List<String> tunnel = List.of(line(10 * MS, 1_500, 4, "b1"), line(30 * MS, 1_500, 4, "b2"),
                line(30 * MS + 10_000, 1_500, 4, "b3"));
        SharingBenchmark.Lent lent = SharingBenchmark.lent(tunnel, Map.of(), 50 * MS);
        assertEquals(0, lent.matched());
        assertEquals(1, lent.tails(), "b3 came back to back after b2: it takes b2's time");
        assertEquals(4_500, sum(lent.down()));
        assertEquals(4_500, sum(lent.downCounted()), "no WAN length to count them in: each at its own");
        assertEquals(30 * MS, lent.downCounted().get(2)[0]);
    }

    private static long sum(List<long[]> packets) {
        return packets.stream().mapToLong(p -> p[1]).sum();
    }

    /** Readings of a counter every 10 ms for {@code n} readings, {@code step} bytes apart, answered {@code latency} later. */
    private static List<long[]> readings(int n, long step, long latency) {
        List<long[]> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(new long[] {i * 10 * MS, i * 10 * MS + latency, i * step});
        }
        return r;
    }

    @Test
    void aCounterReadEvery10MsGivesWhatCertainlyAndWhatPossiblyPassedInAWindow() {
        // 1 000 B every 10 ms for 2 s, read at once: in 1 s certainly 100 intervals, possibly 101
        long[] exact = SharingBenchmark.counterWindows(readings(201, 1_000, 0), 1_000 * MS);
        assertEquals(100_000, exact[0]);
        assertEquals(101_000, exact[1]);
        // answered 5 ms after asked: a span of 100 intervals no longer fits for certain
        long[] late = SharingBenchmark.counterWindows(readings(201, 1_000, 5 * MS), 1_000 * MS);
        assertEquals(99_000, late[0]);
        // possibly: a window that starts after reading i's answer and before i + 1's (at most 15 ms
        // later) ends before 1 015 ms; the first reading asked after that is 102 intervals on
        assertEquals(102_000, late[1]);
    }

    @Test
    void aBurstIsSeenAndACounterMadeAgainStartsANewSeries() {
        List<long[]> r = readings(201, 1_000, 0);
        for (int i = 100; i < r.size(); i++) {
            r.get(i)[2] += 50_000; // 50 000 B between the readings at 990 and 1 000 ms
        }
        long[] burst = SharingBenchmark.counterWindows(r, 1_000 * MS);
        assertEquals(150_000, burst[0]);
        assertEquals(151_000, burst[1]);
        // the table made again at 2 s: its counter restarts from 0, not a negative window
        List<long[]> again = new ArrayList<>(readings(201, 1_000, 0));
        for (long[] x : readings(201, 2_000, 0)) {
            again.add(new long[] {x[0] + 2_010 * MS, x[1] + 2_010 * MS, x[2]});
        }
        long[] both = SharingBenchmark.counterWindows(again, 1_000 * MS);
        assertEquals(200_000, both[0], "the second series: 2 000 B per 10 ms");
        assertEquals(202_000, both[1]);
        // a series shorter than a window has no window judged as possible
        assertEquals(0, SharingBenchmark.counterWindows(readings(100, 1_000, 0), 1_000 * MS)[1]);
        Map<String, List<long[]>> parsed = SharingBenchmark.counterReadings(List.of("1 2 carried_down_a 10",
                "3 4 carried_up_a 5", "cut 6", "5 6 carried_down_a 20"));
        assertEquals(2, parsed.get("carried_down_a").size());
        assertEquals(20, parsed.get("carried_down_a").get(1)[2]);
        assertEquals(1, parsed.get("carried_up_a").size());
    }

    @Test
    void twoLoadsThatRanTogetherAreMergedPerPath() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("merge");
        try {
            java.nio.file.Path a = dir.resolve("a.txt");
            java.nio.file.Path b = dir.resolve("b.txt");
            java.nio.file.Files.writeString(a, "T 100 x 10\nT 300 x 30\nX 0 300 1 x 30 ok\n");
            java.nio.file.Files.writeString(b, "T 200 x 5\nT 400 x 8\nT 200 y 7\n");
            SharingBenchmark.Bulk m = SharingBenchmark.Bulk.merge(SharingBenchmark.Bulk.read(a), SharingBenchmark.Bulk.read(b));
            assertEquals(1, m.sessions().size());
            assertEquals(38 + 7, m.bytes(null, 0, 400), "both paths, both loads");
            assertEquals(15 - 10, m.bytes("x", 100, 200), "at 200: 10 of the first load, 5 of the second");
            assertEquals(7, m.bytes("y", 0, 500));
        } finally {
            for (java.nio.file.Path f : java.nio.file.Files.list(dir).toList()) {
                java.nio.file.Files.delete(f);
            }
            java.nio.file.Files.delete(dir);
        }
    }
}
