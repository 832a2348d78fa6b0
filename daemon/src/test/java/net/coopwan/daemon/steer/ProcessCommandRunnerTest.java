package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Runs real, harmless local commands (sh, cat, sleep); no network. */
class ProcessCommandRunnerTest {
    private final ProcessCommandRunner runner = new ProcessCommandRunner();
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void capturesExitStdoutAndStderr() {
        CommandResult r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), null, T);
        assertEquals(new CommandResult(3, "out\n", "err\n"), r);
    }

    @Test
    void feedsStdin() {
        assertEquals("line 1\nline 2\n", runner.check(List.of("cat"), "line 1\nline 2\n", T).stdout());
    }

    @Test
    void largeOutputDoesNotDeadlock() {
        CommandResult r = runner.check(List.of("sh", "-c", "i=0; while [ $i -lt 20000 ]; do echo 0123456789; i=$((i+1)); done"), null,
                Duration.ofSeconds(20));
        assertEquals(20000 * 11, r.stdout().length());
    }

    @Test
    void killsOnTimeout() {
        long t0 = System.nanoTime();
        SteerException e = assertThrows(SteerException.class,
                () -> runner.run(List.of("sleep", "30"), null, Duration.ofMillis(300)));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "bounded wait");
        assertTrue(e.getMessage().contains("timed out") && e.getMessage().contains("sleep 30"), e.getMessage());
    }

    @Test
    void aCommandThatNeverReadsItsLargeStdinStillTimesOut() {
        String big = "x".repeat(4 << 20); // far beyond any pipe buffer
        long t0 = System.nanoTime();
        assertThrows(SteerException.class, () -> runner.run(List.of("sleep", "30"), big, Duration.ofMillis(300)));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "bounded wait");
    }

    @Test
    void checkThrowsWithCommandLineAndStderr() {
        SteerException e = assertThrows(SteerException.class,
                () -> runner.check(List.of("sh", "-c", "echo bad thing >&2; exit 1"), null, T));
        assertTrue(e.getMessage().contains("sh -c") && e.getMessage().contains("bad thing"), e.getMessage());
    }

    @Test
    void missingProgramIsASteerException() {
        SteerException e = assertThrows(SteerException.class,
                () -> runner.run(List.of("/nonexistent/coopwan-no-such-program"), null, T));
        assertTrue(e.getMessage().contains("coopwan-no-such-program"), e.getMessage());
    }
}
