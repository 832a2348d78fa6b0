package net.coopwan.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a time limit, capturing its output; kills it on timeout. */
final class Commands {
    private Commands() {
    }

    static Result run(Duration timeout, List<String> command) {
        return run(timeout, command, null);
    }

    static Result run(Duration timeout, List<String> command, String stdin) {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            return new Result(List.copyOf(command), 127, "", e.getMessage(), false);
        }
        // Two readers, so a chatty command never blocks on a full pipe while we wait for it.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outReader = drain(process.getInputStream(), out);
        Thread errReader = drain(process.getErrorStream(), err);
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException ignored) {
            // the command did not read its input; its exit code says what happened
        }
        boolean timedOut = false;
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
            outReader.join(2000);
            errReader.join(2000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            timedOut = true;
        }
        int code = process.isAlive() ? -1 : process.exitValue();
        synchronized (out) {
            synchronized (err) {
                return new Result(List.copyOf(command), code, out.toString(StandardCharsets.UTF_8),
                        err.toString(StandardCharsets.UTF_8), timedOut);
            }
        }
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (sink) {
                        sink.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        }, "lab-cmd-reader");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
