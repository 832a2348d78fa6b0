package net.coopwan.daemon.steer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link CommandRunner} on {@link ProcessBuilder}. Stdin is fed and stdout and stderr are drained
 * by short-lived threads while the caller waits, so neither a chatty command (a long {@code ip rule
 * show}) nor one that never reads its input can fill a pipe and hang us; the wait is bounded and a
 * command that overruns is killed. Commands are rare
 * (an uplink change, not a packet), so a thread per stream costs nothing that matters.
 *
 * <p>Output is capped at {@link #MAX_OUTPUT} bytes per stream: the daemon never needs more and a
 * broken command must not grow the heap without bound. Thread-safe.
 */
public final class ProcessCommandRunner implements CommandRunner {

    public static final int MAX_OUTPUT = 1 << 20;

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        String line = String.join(" ", argv);
        Process p;
        try {
            p = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            throw new SteerException("cannot start: " + line + ": " + e.getMessage(), e);
        }
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        out.start();
        err.start();
        Feed feed = new Feed(p.getOutputStream(), stdin);
        feed.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(1, TimeUnit.SECONDS);
                throw new SteerException("timed out after " + timeout.toMillis() + " ms, killed: " + line
                        + stderrSuffix(err.text(200)));
            }
            out.join(1000);
            err.join(1000);
            return new CommandResult(p.exitValue(), out.text(1000), err.text(1000));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SteerException("interrupted while running: " + line, e);
        }
    }

    private static String stderrSuffix(String stderr) {
        return stderr.isBlank() ? "" : ": " + stderr.strip();
    }

    /**
     * Writes stdin on its own thread, so a command that never reads it cannot block us past the
     * timeout once the pipe buffer is full.
     */
    private static final class Feed extends Thread {
        private final OutputStream out;
        private final String text;

        Feed(OutputStream out, String text) {
            super("steer-feed");
            setDaemon(true);
            this.out = out;
            this.text = text;
        }

        @Override
        public void run() {
            try (out) {
                if (text != null) {
                    out.write(text.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The command closed its stdin early (it exited, or does not read); its exit status
                // and stderr say why, which is more useful than this broken pipe.
            }
        }
    }

    /** Reads one stream to its end (or the cap) on its own daemon thread. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Drain(InputStream in) {
            super("steer-drain");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (buf) {
                        int room = MAX_OUTPUT - buf.size();
                        if (room > 0) {
                            buf.write(chunk, 0, Math.min(n, room));
                        }
                    }
                }
            } catch (IOException e) {
                // Stream closed because the process was killed: what was read so far is kept.
            }
        }

        /** The text read so far; waits up to {@code waitMillis} for the stream to end first. */
        String text(long waitMillis) throws InterruptedException {
            join(waitMillis);
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
