package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.List;

/**
 * Runs one command of the operating system ({@code ip}, {@code nft}) and waits for it. The only
 * door from this package to the kernel, so unit tests replace the OS with a recording fake while
 * all the logic (what to run, how to read the answer) stays real.
 */
public interface CommandRunner {

    /** How long a single {@code ip} or {@code nft} may take before it counts as hung. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Runs {@code argv} (no shell: every element is one argument) and returns its result whatever
     * the exit status.
     *
     * @param stdin text fed to the command's standard input, or null for none
     * @throws SteerException if the command could not be started or did not finish in time (it is
     *                        then killed)
     */
    CommandResult run(List<String> argv, String stdin, Duration timeout);

    /** {@link #run} that also demands exit status 0. */
    default CommandResult check(List<String> argv, String stdin, Duration timeout) {
        CommandResult r = run(argv, stdin, timeout);
        if (!r.succeeded()) {
            throw failed(argv, r);
        }
        return r;
    }

    /** The exception for a command that exited non-zero, with its command line and stderr. */
    static SteerException failed(List<String> argv, CommandResult r) {
        return new SteerException("command failed (exit " + r.exit() + "): " + String.join(" ", argv)
                + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip()));
    }
}
