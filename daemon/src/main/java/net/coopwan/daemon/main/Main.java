package net.coopwan.daemon.main;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import net.coopwan.config.ConfigException;

/**
 * {@code coopwan run [--config FILE] [--state DIR]}: runs in the foreground until SIGTERM or
 * SIGINT, reloading the config on SIGHUP. Exit codes: 0 stopped, 2 usage, 3 config, 4 state
 * store, 5 a front-end could not start.
 */
public final class Main {

    public static final String DEFAULT_STATE_DIR = "/var/lib/coopwan";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        long entered = System.nanoTime();
        Path configFile = null;
        Path stateDir = Path.of(DEFAULT_STATE_DIR);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--config", "-c" -> {
                    if (++i >= args.length) {
                        return usage(err, "--config needs a file");
                    }
                    configFile = Path.of(args[i]);
                }
                case "--state", "-s" -> {
                    if (++i >= args.length) {
                        return usage(err, "--state needs a directory");
                    }
                    stateDir = Path.of(args[i]);
                }
                case "--help", "-h" -> {
                    usage(out, null);
                    return 0;
                }
                default -> {
                    return usage(err, "unknown argument '" + a + "'");
                }
            }
        }
        ConfigHolder config;
        try {
            config = configFile == null ? ConfigHolder.embeddedDefaults() : ConfigHolder.fromFile(configFile);
        } catch (ConfigException e) {
            err.println("coopwan: refusing to start: " + e.getMessage());
            return DaemonException.CONFIG;
        }
        Logging.configure(config.current().global().logLevel());
        Daemon daemon;
        try {
            daemon = Daemon.start(config, stateDir);
        } catch (DaemonException e) {
            err.println("coopwan: refusing to start: " + e.getMessage());
            return e.exitCode();
        }
        CountDownLatch stop = new CountDownLatch(1);
        // SIGTERM (procd, systemd) and SIGINT (Ctrl-C) end the wait below; the daemon then stops in
        // order and we exit 0. The hook covers any other way the JVM goes down.
        Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "coopwan-shutdown"));
        Signals.onTerminate(stop::countDown);
        if (!Signals.onHangup(daemon::reload)) {
            daemon.events().record("config", "SIGHUP is ignored in this process (started under nohup?): "
                    + "reload with 'coopwan ctl reload' instead");
        }
        // Time since main, not since exec: JVM boot comes on top (docs/benchmarks/startup measures
        // the whole from outside; /proc's start time is too coarse and, in some VMs, offset).
        out.println("coopwan ready in " + (System.nanoTime() - entered) / 1_000_000 + " ms after main");
        for (String where : daemon.listening()) {
            out.println("  " + where);
        }
        out.flush();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        daemon.close();
        return 0;
    }

    private static int usage(PrintStream s, String problem) {
        if (problem != null) {
            s.println("coopwan run: " + problem);
        }
        s.println("usage: coopwan run [--config FILE] [--state DIR]");
        s.println("  --config FILE  UCI configuration (default: embedded defaults)");
        s.println("  --state DIR    state directory for the H2 store (default: " + DEFAULT_STATE_DIR + ")");
        return problem == null ? 0 : 2;
    }
}
