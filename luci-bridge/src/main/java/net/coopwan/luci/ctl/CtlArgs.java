package net.coopwan.luci.ctl;

import java.nio.file.Path;

import net.coopwan.luci.rpc.RpcMethods;

/**
 * A parsed {@code coopwan ctl} command line.
 *
 * @param socket      --socket PATH, or null
 * @param config      --config FILE, or null
 * @param json        --json: print the raw result
 * @param help        --help
 * @param command     one of {@link RpcMethods#NAMES}; null only with help
 * @param eventCount  N of {@code events N}, or null for the daemon's default
 */
record CtlArgs(Path socket, Path config, boolean json, boolean help, String command, Integer eventCount) {

    static final String USAGE = String.join("\n",
            "usage: coopwan ctl [--socket PATH | --config FILE] [--json] COMMAND",
            "commands:",
            "  status        hostname, role, version, uptime, uplinks up, front-ends",
            "  uplinks       configured uplinks: NAME DEVICE STATE RX TX",
            "  interfaces    kernel network interfaces",
            "  events [N]    the newest N events (default 50, at most 1000), oldest first",
            "  reload        re-read the configuration file",
            "  version       the daemon's version",
            "options:",
            "  --socket PATH  the daemon's control socket",
            "  --config FILE  take the control socket from this configuration (default /etc/config/coopwan,",
            "                 else the built-in default)",
            "  --json         print the result as JSON, for scripts",
            "exit codes: 0 ok, 1 the daemon answered with an error, 2 usage, 3 cannot reach the daemon");

    static CtlArgs parse(String[] args) throws UsageException {
        Path socket = null;
        Path config = null;
        boolean json = false;
        String command = null;
        Integer count = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--socket", "-s" -> socket = Path.of(value(args, ++i, a));
                case "--config", "-c" -> config = Path.of(value(args, ++i, a));
                case "--json", "-j" -> json = true;
                case "--help", "-h", "help" -> {
                    return new CtlArgs(null, null, false, true, null, null);
                }
                default -> {
                    if (a.startsWith("-") && !(command != null && isNumber(a))) {
                        throw new UsageException("unknown option '" + a + "'");
                    }
                    if (command == null) {
                        if (!RpcMethods.NAMES.contains(a)) {
                            throw new UsageException("unknown command '" + a + "'; commands are "
                                    + String.join(", ", RpcMethods.NAMES));
                        }
                        command = a;
                    } else if ("events".equals(command) && count == null) {
                        count = eventCount(a);
                    } else {
                        throw new UsageException("unexpected argument '" + a + "' after " + command);
                    }
                }
            }
        }
        if (command == null) {
            throw new UsageException("no command given");
        }
        if (socket != null && config != null) {
            throw new UsageException("give either --socket or --config, not both");
        }
        return new CtlArgs(socket, config, json, false, command, count);
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].isEmpty()) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static boolean isNumber(String s) {
        return s.matches("[+-]?\\d+");
    }

    /** Any int; the range (1-1000) is the daemon's rule, and its error says so. */
    private static int eventCount(String s) throws UsageException {
        if (!isNumber(s)) {
            throw new UsageException("events needs a number, got '" + s + "'");
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new UsageException("events: " + s + " is out of range");
        }
    }
}
