package net.coopwan.luci.ctl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.config.ConfigException;
import net.coopwan.config.ConfigLoader;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.luci.client.ControlClient;
import net.coopwan.luci.rpc.Json;
import net.coopwan.luci.rpc.RpcException;

/**
 * {@code coopwan ctl [--socket PATH | --config FILE] [--json] COMMAND}: asks the running daemon
 * through its control socket. Exit codes: 0 ok, 1 the daemon answered with an error (or a reload
 * kept the old configuration), 2 usage or unreadable configuration, 3 the daemon cannot be reached.
 */
public final class CtlCommand {

    public static final int OK = 0;
    public static final int DAEMON_ERROR = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    /** The configuration the daemon runs with on OpenWrt; consulted when neither --socket nor --config is given. */
    public static final Path SYSTEM_CONFIG = Path.of("/etc/config/coopwan");

    private CtlCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command; never calls System.exit, so the launcher and tests can call it. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err, SYSTEM_CONFIG);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with the system configuration file given. */
    static int run(String[] args, PrintStream out, PrintStream err, Path systemConfig) {
        return run(args, InputStream.nullInputStream(), out, err, systemConfig);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with standard input (for {@code call METHOD -}) given. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Path systemConfig) {
        CtlArgs a;
        try {
            a = CtlArgs.parse(args);
        } catch (UsageException e) {
            err.println("coopwan ctl: " + e.getMessage());
            err.println(CtlArgs.USAGE);
            return USAGE;
        }
        if (a.help()) {
            out.println(CtlArgs.USAGE);
            return OK;
        }
        JsonNode params = a.params();
        if (a.paramsStdin()) {
            try {
                // rpcd hands ubus params over as one JSON object on stdin; at most 64 KiB as a line on the socket.
                byte[] bytes = in.readNBytes(64 * 1024 + 1);
                if (bytes.length > 64 * 1024) {
                    throw new UsageException("params on stdin larger than 64 KiB");
                }
                params = CtlArgs.parseParams(new String(bytes, StandardCharsets.UTF_8));
            } catch (UsageException e) {
                err.println("coopwan ctl: " + a.command() + ": " + e.getMessage());
                return USAGE;
            } catch (IOException e) {
                err.println("coopwan ctl: cannot read params from stdin: " + e.getMessage());
                return USAGE;
            }
        }
        Path socket;
        try {
            socket = socketPath(a, systemConfig, err);
        } catch (UsageException e) {
            err.println("coopwan ctl: " + e.getMessage());
            return USAGE;
        }
        if (socket == null) {
            err.println("coopwan ctl: the control socket is disabled in the configuration (option control_socket"
                    + " is empty); enable it or pass --socket PATH");
            return UNREACHABLE;
        }
        JsonNode result;
        try (ControlClient client = connect(socket)) {
            result = client.call(a.command(), params);
        } catch (Unreachable e) {
            err.println("coopwan ctl: cannot connect to " + socket + ": is the daemon running? (" + e.getMessage() + ")");
            return UNREACHABLE;
        } catch (RpcException e) {
            err.println("coopwan ctl: " + a.command() + ": " + e.getMessage() + " ("
                    + (e.reason() == null ? "" : e.reason() + ", ") + "error " + e.code() + ")");
            return DAEMON_ERROR;
        } catch (IOException e) {
            err.println("coopwan ctl: " + e.getMessage());
            return UNREACHABLE;
        }
        if (a.bond() != null) {
            // bond show NAME: the one bond out of the list; the daemon's own words for a missing one.
            JsonNode one = null;
            for (JsonNode b : result) {
                if (a.bond().equals(b.path("name").asText())) {
                    one = b;
                }
            }
            if (one == null) {
                err.println("coopwan ctl: bond show: no bond named '" + a.bond() + "' (NOT_FOUND)");
                return DAEMON_ERROR;
            }
            result = one;
        }
        print(a, result, out);
        if ("reload".equals(a.command()) && !result.path("applied").asBoolean(true)) {
            err.println("coopwan ctl: reload: " + result.path("message").asText());
            return DAEMON_ERROR;
        }
        return OK;
    }

    private static void print(CtlArgs a, JsonNode result, PrintStream out) {
        if (a.json()) {
            try {
                out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a parsed JSON tree cannot fail to print", e);
            }
        } else {
            out.print(HumanFormat.format(a.view(), result));
        }
        out.flush();
    }

    /** --socket, else control_socket of --config FILE, else of /etc/config/coopwan, else of the defaults; null if disabled. */
    private static Path socketPath(CtlArgs a, Path systemConfig, PrintStream err) throws UsageException {
        if (a.socket() != null) {
            return a.socket();
        }
        CoopwanConfig config;
        if (a.config() != null) {
            config = load(a.config());
        } else if (systemConfig != null && Files.isRegularFile(systemConfig)) {
            try {
                config = load(systemConfig);
            } catch (UsageException e) {
                // The daemon keeps its last good configuration when the file breaks; the default
                // socket is the best guess left, and the warning says why it was taken.
                err.println("coopwan ctl: warning: " + e.getMessage() + "; trying the default control socket");
                config = defaults();
            }
        } else {
            config = defaults();
        }
        String s = config.global().controlSocket();
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    private static CoopwanConfig load(Path file) throws UsageException {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            throw new UsageException(e.getMessage());
        } catch (RuntimeException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage() + "; pass --socket PATH");
        }
    }

    private static CoopwanConfig defaults() throws UsageException {
        try {
            return ConfigLoader.defaults();
        } catch (RuntimeException e) {
            throw new UsageException("cannot read the default configuration: " + e.getMessage() + "; pass --socket PATH");
        }
    }

    private static ControlClient connect(Path socket) throws Unreachable {
        try {
            return ControlClient.connect(socket, ControlClient.DEFAULT_TIMEOUT);
        } catch (IOException | IllegalArgumentException e) {
            throw new Unreachable(e instanceof NoSuchFileException ? "no such file" : e.getMessage());
        }
    }

    /** Connecting failed, as opposed to failing later on an open connection. */
    private static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }
}
