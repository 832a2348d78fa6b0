package net.coopwan.daemon.steer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NftSession} on one {@code nft -j -i} process: commands in nft's own syntax go to its
 * standard input one per line; a {@code list} answers one line of JSON on standard output; a
 * refusal is three lines on standard error (the message, the command, a caret line). The answer to
 * a list is whichever comes first of its JSON line and a refusal that names that very command;
 * refusals of other commands (sent without waiting) are counted and logged.
 *
 * <p>The process starts at the first use and again after it died or hung (a list that times out
 * kills it): a reading that fails is the caller's to retry at its next tick. When the daemon dies,
 * nft reads end-of-file and exits. Thread-safe (one conversation at a time).
 */
public final class InteractiveNft implements NftSession {

    private static final Logger LOG = LoggerFactory.getLogger(InteractiveNft.class);
    /** Longest line kept from nft; a reading of our own table is far shorter. */
    private static final int MAX_LINE = 1 << 20;
    /** A refusal at most this often in the log; all are counted. */
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final List<String> argv;
    private final AtomicLong refused = new AtomicLong();
    private Process process;
    private Writer in;
    private LinkedBlockingQueue<String> out;
    private LinkedBlockingQueue<String> err;
    private long lastLogged = System.nanoTime() - LOG_EVERY_NANOS;

    /** {@code nft -j -i}. */
    public InteractiveNft() {
        this(List.of("nft", "-j", "-i"));
    }

    /** Another command line for the same conversation (tests run it in a namespace). */
    public InteractiveNft(List<String> argv) {
        this.argv = List.copyOf(argv);
    }

    @Override
    public synchronized String list(String command, Duration timeout) {
        requireOneLine(command);
        ensureStarted();
        write(command);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                String line = out.poll(2, TimeUnit.MILLISECONDS);
                if (line != null) {
                    return line;
                }
                String refusal = refusal();
                if (refusal != null) {
                    String[] parts = refusal.split("\n", 3);
                    if (parts.length > 1 && parts[1].strip().equals(command.strip())) {
                        throw new SteerException("nft refused: " + command + ": " + parts[0]);
                    }
                    counted(refusal);
                }
                if (System.nanoTime() - deadline > 0 || !process.isAlive()) {
                    stop();
                    throw new SteerException("no answer from nft within " + timeout.toMillis() + " ms: " + command);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SteerException("interrupted while waiting for nft: " + command, e);
        }
    }

    @Override
    public synchronized void send(String commands) {
        for (String c : commands.split("\n")) {
            if (!c.isBlank()) {
                requireOneLine(c);
            }
        }
        ensureStarted();
        write(commands.strip());
        String refusal;
        while ((refusal = refusal()) != null) {
            counted(refusal);
        }
    }

    @Override
    public long refused() {
        return refused.get();
    }

    @Override
    public synchronized void close() {
        stop();
    }

    private static void requireOneLine(String command) {
        if (command.isBlank() || command.indexOf('\n') >= 0 || command.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("one nft command per line: " + command);
        }
    }

    private void counted(String refusal) {
        refused.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastLogged >= LOG_EVERY_NANOS) {
            lastLogged = now;
            LOG.warn("nft refused a command ({} so far): {}", refused.get(), refusal.replace('\n', ' '));
        }
    }

    /** The next whole refusal on standard error (three lines), or null. */
    private String refusal() {
        String first = err.peek();
        if (first == null) {
            return null;
        }
        if (!first.startsWith("Error:")) {
            err.poll();
            return null;
        }
        if (err.size() < 3) {
            return null;
        }
        return err.poll() + "\n" + err.poll() + "\n" + err.poll();
    }

    private void write(String text) {
        try {
            in.write(text);
            in.write('\n');
            in.flush();
        } catch (IOException e) {
            stop();
            throw new SteerException("cannot talk to nft: " + e.getMessage(), e);
        }
    }

    private void ensureStarted() {
        if (process != null && process.isAlive()) {
            return;
        }
        stop();
        try {
            process = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            throw new SteerException("cannot start " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        out = new LinkedBlockingQueue<>();
        err = new LinkedBlockingQueue<>();
        reader("nft-out", process.getInputStream(), out);
        reader("nft-err", process.getErrorStream(), err);
    }

    private static void reader(String name, InputStream stream, LinkedBlockingQueue<String> into) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.add(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line);
                }
            } catch (IOException e) {
                // the process went away: the next use starts another
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private void stop() {
        if (process == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException e) {
            // it may be gone already
        }
        process.destroy();
        try {
            if (!process.waitFor(500, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }
}
