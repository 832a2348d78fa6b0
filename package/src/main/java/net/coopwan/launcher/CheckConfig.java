package net.coopwan.launcher;

import java.io.PrintStream;
import java.nio.file.Path;

import net.coopwan.config.ConfigException;
import net.coopwan.config.ConfigLoader;

/** {@code coopwan check [--config FILE]}: what the daemon would say about FILE, without starting it. */
final class CheckConfig {

    static final String DEFAULT_CONFIG = "/etc/config/coopwan";

    private CheckConfig() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path file = Path.of(DEFAULT_CONFIG);
        if (args.length == 2 && (args[0].equals("--config") || args[0].equals("-c"))) {
            file = Path.of(args[1]);
        } else if (args.length != 0) {
            err.println("usage: coopwan check [--config FILE]");
            return 2;
        }
        try {
            ConfigLoader.load(file);
            out.println(file + ": ok");
            return 0;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 3;
        }
    }
}
