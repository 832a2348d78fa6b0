package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The latency benchmark's part of a game while suppression was on: the packets sent from a time on. */
class LatencyWhileOnTest {

    @Test
    void thePacketsSentFromTheFirstEnforcingPollOnAndTheirP99() throws Exception {
        // 200 packets every 20 ms from 1 000 000 000 ns; the first 50 slow (40 ms up, 30 down), then 2 / 1 ms, one lost
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < 200; i++) {
            long sent = 1_000_000_000L + i * 20_000_000L;
            double up = i == 120 ? -1 : i < 50 ? 40 : 2;
            double down = i == 120 ? -1 : i < 50 ? 30 : 1;
            b.append(i == 0 ? "" : ",").append('[').append(sent).append(',').append(up).append(',').append(down).append(']');
        }
        JsonNode packets = new ObjectMapper().readTree(b.append(']').toString());
        // on from the 50th packet's send time
        LatencyBenchmark.WhileOn on = LatencyBenchmark.WhileOn.of(packets, 1_000_000_000L + 50 * 20_000_000L);
        assertEquals(1000.0, on.onsetMs(), 1e-9);
        assertEquals(150, on.packets());
        assertEquals(2.0, on.upP99());
        assertEquals(1.0, on.downP99());
        // on from before the game: all of it, whose p99 is the slow start's
        LatencyBenchmark.WhileOn all = LatencyBenchmark.WhileOn.of(packets, 0);
        assertEquals(200, all.packets());
        assertEquals(40.0, all.upP99());
        assertEquals(LatencyBenchmark.WhileOn.NEVER, LatencyBenchmark.WhileOn.of(packets, Long.MIN_VALUE));
        assertEquals(LatencyBenchmark.WhileOn.NEVER, LatencyBenchmark.WhileOn.of(new ObjectMapper().readTree("[]"), 5));
        assertEquals(-1.0, LatencyBenchmark.WhileOn.p99(List.of()));
    }
}
