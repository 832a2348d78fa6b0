package net.coopwan.daemon.steer;

import java.util.Objects;

/**
 * What a finished command left behind: its exit status and everything it wrote.
 *
 * @param exit   the exit status, 0 for success
 * @param stdout standard output, never null
 * @param stderr standard error, never null
 */
public record CommandResult(int exit, String stdout, String stderr) {

    public CommandResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    public static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "");
    }

    public boolean succeeded() {
        return exit == 0;
    }
}
