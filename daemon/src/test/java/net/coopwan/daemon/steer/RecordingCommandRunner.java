package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fake of the operating system: records every command (argv and stdin) and answers from a
 * script keyed by the joined command line; anything unscripted succeeds with empty output.
 */
final class RecordingCommandRunner implements CommandRunner {

    record Call(List<String> argv, String stdin) {
        String line() {
            return String.join(" ", argv);
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private final Map<String, List<CommandResult>> script = new LinkedHashMap<>();

    /** The next run of exactly {@code line} answers {@code result} (queued; the last one repeats). */
    RecordingCommandRunner answer(String line, CommandResult result) {
        script.computeIfAbsent(line, k -> new ArrayList<>()).add(result);
        return this;
    }

    RecordingCommandRunner answer(String line, String stdout) {
        return answer(line, CommandResult.ok(stdout));
    }

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) {
        calls.add(new Call(List.copyOf(argv), stdin));
        List<CommandResult> q = script.get(String.join(" ", argv));
        if (q == null || q.isEmpty()) {
            return CommandResult.ok("");
        }
        return q.size() > 1 ? q.remove(0) : q.get(0);
    }

    List<Call> calls() {
        return calls;
    }

    List<String> lines() {
        return calls.stream().map(Call::line).toList();
    }
}
