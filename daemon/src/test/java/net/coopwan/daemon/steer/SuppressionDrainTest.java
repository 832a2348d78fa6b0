package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.suppression.KernelSuppression;

/**
 * A new shaper starts at half its rate, so that the ISP's queue, full when suppression begins,
 * drains first, and gets its rate {@link SuppressionRules#DRAIN_MILLIS} later (the service's tick);
 * a shaper already there keeps its rate when the ceiling changes.
 */
class SuppressionDrainTest {

    private static List<String> classLines(RecordingCommandRunner r, int from) {
        return r.lines().subList(from, r.lines().size()).stream()
                .filter(l -> l.startsWith("tc class replace dev wan0 parent c0f:1 classid c0f:20")).toList();
    }

    @Test
    void halfTheRateFirstThenTheRate() {
        RecordingCommandRunner r = new RecordingCommandRunner();
        long[] now = {5_000_000_000L};
        KernelSuppression k = new KernelSuppression(new SuppressionRules(r), List.of("wan0"), 0, 0, 0, false,
                new SuppressionShaper(List.of(), 0, Map.of("wan0", 1_000_000L), List.of()), () -> now[0]);
        k.enforce(20);
        assertEquals(List.of("tc class replace dev wan0 parent c0f:1 classid c0f:20 htb rate 4000000bit ceil 4000000bit prio 1"),
                classLines(r, 0));
        int at = r.lines().size();
        now[0] += SuppressionRules.DRAIN_MILLIS * 1_000_000L - 1;
        k.tick();
        assertEquals(at, r.lines().size(), "not yet");
        now[0] += 1;
        k.tick();
        assertEquals(List.of("tc class replace dev wan0 parent c0f:1 classid c0f:20 htb rate 8000000bit ceil 8000000bit prio 1"),
                classLines(r, at));
        assertTrue(r.lines().subList(at, r.lines().size()).stream().noneMatch(l -> l.contains(" root ")),
                "the root stays: the classes and the queue change in place");
        at = r.lines().size();
        k.tick();
        assertEquals(at, r.lines().size(), "settled once");

        k.enforce(30); // a new ceiling: the shaper is there, its rate stays
        assertEquals(List.of("tc class replace dev wan0 parent c0f:1 classid c0f:20 htb rate 8000000bit ceil 8000000bit prio 1"),
                classLines(r, at));
        at = r.lines().size();
        now[0] += 10 * SuppressionRules.DRAIN_MILLIS * 1_000_000L;
        k.tick();
        assertEquals(at, r.lines().size());

        k.release();
        k.enforce(20); // enforcement again after a release: the shaper is new again
        assertFalse(classLines(r, at).isEmpty());
        assertTrue(classLines(r, at).get(0).contains("rate 4000000bit"), classLines(r, at).toString());
    }

    /**
     * A lower rate on a shaper already there keeps the tbf's bucket: a packet of many segments that
     * the larger bucket took whole would otherwise stay at the head of the queue, larger than the
     * new bucket, and nothing would leave it again (SharingLenderNetnsTest shows it on the kernel).
     */
    @Test
    void aLowerRateNeverShrinksTheBucket() {
        RecordingCommandRunner r = new RecordingCommandRunner();
        SuppressionRules rules = new SuppressionRules(r);
        rules.apply(plan(12_500_000L)); // 100 Mbit/s: a bucket of 1 ms, 12 500 B (6 250 while draining)
        rules.settle();
        int at = r.lines().size();
        rules.apply(plan(1_000_000L)); // 8 Mbit/s: one frame, 1514 B, would be its own bucket
        List<String> tbf = r.lines().subList(at, r.lines().size()).stream().filter(l -> l.contains(" tbf ")).toList();
        assertEquals(List.of("tc qdisc replace dev wan0 parent c0f:20 handle c20: tbf rate 8000000bit burst 12500 limit 50000"),
                tbf);
        rules.stop();
        at = r.lines().size();
        rules.apply(plan(1_000_000L)); // a new shaper after a stop: its own bucket again (at half the rate first)
        assertTrue(r.lines().subList(at, r.lines().size()).stream().anyMatch(l -> l.contains(" tbf ") && l.contains("burst 1514 ")),
                r.lines().subList(at, r.lines().size()).toString());
    }

    private static SuppressionPlan plan(long upBytesPerSecond) {
        return new SuppressionPlan(List.of("wan0"), 20, 0, 0, 0, false,
                new SuppressionShaper(List.of(), 0, Map.of("wan0", upBytesPerSecond), List.of()));
    }
}
