package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs every command inside a network namespace: {@code ip netns exec NS argv...}. */
final class NetnsCommandRunner implements CommandRunner {
    private final CommandRunner inner;
    private final String namespace;

    NetnsCommandRunner(CommandRunner inner, String namespace) {
        this.inner = inner;
        this.namespace = InterfaceNames.require(namespace);
    }

    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(argv);
        return inner.run(full, stdin, timeout);
    }
}
