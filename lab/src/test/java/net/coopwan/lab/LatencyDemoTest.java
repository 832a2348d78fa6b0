package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the latency demo reads what its echo server and game wrote (the figures it prints). */
class LatencyDemoTest {
    @TempDir
    Path dir;

    @Test
    void countsEachSequenceOnceForItsPortAndSourcePort() throws Exception {
        Path log = Files.writeString(dir.resolve("echo.log"), String.join("\n",
                "5005 40005 00000000",
                "5005 40005 00000001",
                "5005 40005 00000001", // the concentrator keeps the first copy; a second one would not count twice
                "6005 40006 00000000",
                "5005 40007 00000002", // another session of the game
                "6005 40005 00000003", // another port
                "5005 40005", // a line being written
                ""));
        assertEquals(2, LatencyDemo.received(log, 5005, 40005));
        assertEquals(1, LatencyDemo.received(log, 6005, 40006));
        assertEquals(1, LatencyDemo.received(log, 5005, 40007));
        assertEquals(0, LatencyDemo.received(log, 6005, 40007));
    }

    @Test
    void readsTheGamesLastLine() throws Exception {
        Path out = Files.writeString(dir.resolve("game.json"), "some warning\n{\"sent\": 500, \"echoes\": 487, "
                + "\"echoCopies\": 487, \"rttMedianMs\": 1.26, \"rttP99Ms\": 5.4}\n");
        assertEquals(487, LatencyDemo.echoes(out));
        assertEquals("1.3", LatencyDemo.medianRtt(out));
        Path none = Files.writeString(dir.resolve("none.json"), "{\"sent\": 500, \"echoes\": 0, \"echoCopies\": 0, "
                + "\"rttMedianMs\": -1, \"rttP99Ms\": -1}\n");
        assertEquals(0, LatencyDemo.echoes(none));
        assertEquals("-", LatencyDemo.medianRtt(none));
        Path crashed = Files.writeString(dir.resolve("crashed.json"), "Traceback (most recent call last):\n");
        assertEquals(-1, LatencyDemo.echoes(crashed));
        assertEquals("-", LatencyDemo.medianRtt(crashed));
        assertEquals(-1, LatencyDemo.echoes(dir.resolve("missing.json")));
    }
}
