package net.coopwan.daemon.steer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A program running in the background inside a namespace ({@code ip netns exec NS argv...}), for
 * tests that need two ends talking at once. Its stdout is read line by line with a bounded wait;
 * close kills it, so nothing outlives the test (the namespace is deleted after it).
 */
final class NetnsProcess implements AutoCloseable {
    private static final String EOF = "\u0000EOF";
    private final Process process;
    private final Writer stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();

    NetnsProcess(Netns ns, String... argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns.name));
        full.addAll(List.of(argv));
        try {
            process = new ProcessBuilder(full).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true);
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false);
    }

    private void pump(BufferedReader r, boolean out) {
        Thread t = new Thread(() -> {
            try (r) {
                for (String l; (l = r.readLine()) != null; ) {
                    if (out) {
                        lines.add(l);
                    } else {
                        synchronized (stderr) {
                            stderr.append(l).append('\n');
                        }
                    }
                }
            } catch (IOException e) {
                // the process was killed: nothing more to read
            } finally {
                if (out) {
                    lines.add(EOF);
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** The next line of stdout, waiting at most {@code wait}; fails on timeout or end. */
    String line(Duration wait) {
        try {
            String l = lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (l == null || l.equals(EOF)) {
                throw new AssertionError((l == null ? "no line within " + wait : "ended") + "; stderr: " + stderr());
            }
            return l;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Every remaining stdout line once the program ends, waiting at most {@code wait} in all. */
    List<String> rest(Duration wait) {
        List<String> out = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("not finished within " + wait + "; stderr: " + stderr());
            }
            try {
                String l = lines.poll(left, TimeUnit.NANOSECONDS);
                if (l == null) {
                    continue;
                }
                if (l.equals(EOF)) {
                    return out;
                }
                out.add(l);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    void send(String line) {
        try {
            stdin.write(line + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
