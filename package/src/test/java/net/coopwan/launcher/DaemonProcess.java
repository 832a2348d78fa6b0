package net.coopwan.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged daemon as a real child process, started through the real launcher script, with
 * its stdout and stderr in one log file that tests can wait on.
 */
final class DaemonProcess implements AutoCloseable {

    final Process process;
    final Path log;

    private DaemonProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Path jar() {
        return Path.of(System.getProperty("coopwan.jar", "target/coopwan.jar"));
    }

    static Path launcher() {
        return Path.of(System.getProperty("coopwan.launcher", "files/coopwan"));
    }

    /** Runs {@code coopwan ARGS} with no archive (tests must not depend on a CDS file). */
    static ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("sh");
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("COOPWAN_JAR", jar().toString());
        pb.environment().put("COOPWAN_CDS", "/nonexistent");
        pb.redirectErrorStream(true);
        return pb;
    }

    static DaemonProcess start(Path log, String... args) throws IOException {
        ProcessBuilder pb = command(args);
        pb.redirectOutput(log.toFile());
        return new DaemonProcess(pb.start(), log);
    }

    /** As {@link #start} but with SIGHUP ignored, as {@code nohup} starts a program. */
    static DaemonProcess startIgnoringHangup(Path log, String... args) throws IOException {
        ProcessBuilder pb = command(args);
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "trap '' HUP; exec \"$0\" \"$@\""));
        cmd.addAll(pb.command());
        pb.command(cmd);
        pb.redirectOutput(log.toFile());
        return new DaemonProcess(pb.start(), log);
    }

    /** Runs a short command to completion; returns exit code and output. */
    static Result runToEnd(Duration timeout, String... args) throws IOException, InterruptedException {
        Process p = command(args).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("coopwan " + String.join(" ", args) + " did not finish in " + timeout);
        }
        return new Result(p.exitValue(), new String(out));
    }

    record Result(int exit, String output) {
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits until the log contains TEXT, failing with the log when it does not in time. */
    void await(String text, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (output().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("daemon exited (" + process.exitValue() + ") before '" + text + "':\n" + output());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + text + "' within " + timeout + ":\n" + output()
                + "\nthreads of the daemon at that moment:\n" + threadDump());
    }

    /** The daemon's threads (jcmd Thread.print), so that a wait that timed out shows what blocked. */
    private String threadDump() {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "(jcmd did not answer)";
            }
            return new String(out);
        } catch (IOException e) {
            return "(no thread dump: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    void signal(String name) throws IOException, InterruptedException {
        // The launcher execs java, so the child's pid is the JVM's.
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (k.waitFor() != 0) {
            throw new AssertionError("kill -" + name + " failed");
        }
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("daemon did not exit within " + timeout);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
