package net.coopwan.launcher;

import java.io.PrintStream;
import java.util.Arrays;

import net.coopwan.daemon.main.Main;
import net.coopwan.daemon.main.Version;
import net.coopwan.luci.ctl.CtlCommand;

/**
 * {@code coopwan COMMAND [ARGS]}. The shaded jar's main class; each command lives with the module
 * that owns it and this class only dispatches.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        // "run" returns only after shutdown; every command ends the JVM explicitly so that no
        // stray non-daemon thread of a library keeps a finished command alive.
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            usage(err);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "run" -> Main.run(rest, out, err);
            case "ctl" -> CtlCommand.run(rest, out, err);
            case "check" -> CheckConfig.run(rest, out, err);
            case "passwd" -> Passwd.run(rest, out, err);
            case "version", "--version" -> {
                out.println("coopwan " + Version.get());
                yield 0;
            }
            case "help", "--help", "-h" -> {
                usage(out);
                yield 0;
            }
            default -> {
                err.println("coopwan: unknown command '" + args[0] + "'");
                usage(err);
                yield 2;
            }
        };
    }

    private static void usage(PrintStream s) {
        s.println("usage: coopwan COMMAND [ARGS]");
        s.println("  run [--config FILE] [--state DIR]   run the daemon in the foreground");
        s.println("  ctl [--json] COMMAND                 ask the running daemon (status, uplinks, interfaces, events, reload)");
        s.println("  check [--config FILE]                validate a configuration file");
        s.println("  passwd [--config FILE]               set the web UI password (reads it from the terminal or stdin)");
        s.println("  version                              print the version");
    }
}
