package net.coopwan.lab;

import java.util.List;

/** What one command run by the lab did: its exit code and captured output. */
public record Result(List<String> command, int exitCode, String stdout, String stderr, boolean timedOut) {

    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }

    /** Returns this result, or throws with the command and its output when it failed. */
    public Result orThrow() {
        if (!ok()) {
            throw new LabException(describe());
        }
        return this;
    }

    public String describe() {
        return String.join(" ", command) + (timedOut ? " timed out" : " exited " + exitCode)
                + (stdout.isBlank() ? "" : "\nstdout: " + stdout.strip())
                + (stderr.isBlank() ? "" : "\nstderr: " + stderr.strip());
    }
}
