package net.coopwan.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Talks to a relay the lab spawned, over its stdin and stdout (the test JVM cannot reach the
 * relay's TCP control port: that lives in the ISP's namespace). One line out, one line back.
 */
public final class RelayControl implements AutoCloseable {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);
    private final Process process;
    private final String name;
    private final OutputStream in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    RelayControl(Process process, String name) {
        this.process = process;
        this.name = name;
        this.in = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // relay gone
            }
        }, "relay-control-reader");
        reader.setDaemon(true);
        reader.start();
    }

    void awaitReady(Duration timeout) {
        String line = poll(timeout);
        if (line == null || !line.startsWith("ready")) {
            throw new LabException(name + " did not start (" + (process.isAlive() ? "no ready line" : "exited "
                    + process.exitValue()) + "); see its log");
        }
    }

    /** Sends one control line (e.g. {@code set up rate 2000}) and returns the relay's answer. */
    public synchronized String command(String line) {
        try {
            in.write((line.strip() + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new LabException(name + " is not running: " + e.getMessage(), e);
        }
        String answer = poll(ANSWER_TIMEOUT);
        if (answer == null) {
            throw new LabException(name + " did not answer '" + line + "'");
        }
        return answer;
    }

    /** Like {@link #command}, but throws unless the answer is {@code ok}. */
    public void set(String line) {
        String answer = command(line);
        if (!answer.equals("ok")) {
            throw new LabException(name + " refused '" + line + "': " + answer);
        }
    }

    public Stats stats() {
        return Stats.parse(command("stats"));
    }

    /** Back to no impairment, no outages, zero counters. */
    public void reset() {
        set("reset");
    }

    public boolean alive() {
        return process.isAlive();
    }

    private String poll(Duration timeout) {
        try {
            return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Both directions' counters as the relay reported them. */
    public record Stats(LinkImpairment.Stats up, LinkImpairment.Stats down, long clients) {
        static Stats parse(String line) {
            Map<String, Long> v = new HashMap<>();
            for (String kv : line.strip().split("\\s+")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    v.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
                }
            }
            if (!v.containsKey("up.received")) {
                throw new LabException("not a stats line: " + line);
            }
            return new Stats(direction(v, "up"), direction(v, "down"), v.getOrDefault("clients", 0L));
        }

        private static LinkImpairment.Stats direction(Map<String, Long> v, String d) {
            return new LinkImpairment.Stats(v.get(d + ".received"), v.get(d + ".forwarded"),
                    v.get(d + ".dropped-loss"), v.get(d + ".dropped-queue"), v.get(d + ".dropped-outage"),
                    v.get(d + ".errors"), v.get(d + ".queued"));
        }
    }
}
