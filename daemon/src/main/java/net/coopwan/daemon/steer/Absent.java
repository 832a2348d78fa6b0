package net.coopwan.daemon.steer;

import java.util.Locale;

/**
 * Recognises the ways {@code ip} says "that is not there": a route or address already gone, a
 * table never created, a device that vanished. Removing what is absent is success for us, because
 * removal must be idempotent after a crash; every other failure is still an error.
 */
final class Absent {
    private Absent() {
    }

    /**
     * The counters of nftables table {@code family table} as {@code nft list counters} prints
     * them, or null when the table is absent; any other failure throws.
     */
    static String counters(CommandRunner runner, String family, String table, java.time.Duration timeout) {
        java.util.List<String> argv = java.util.List.of("nft", "list", "counters", "table", family, table);
        CommandResult r = runner.run(argv, null, timeout);
        if (r.succeeded()) {
            return r.stdout();
        }
        if (matches(r)) {
            return null;
        }
        throw CommandRunner.failed(argv, r);
    }

    static boolean matches(CommandResult r) {
        String e = r.stderr().toLowerCase(Locale.ROOT);
        return e.contains("no such process")             // route del: no such route
                || e.contains("no such file or directory") // rule del: no such rule
                || e.contains("does not exist")            // table flush, addr show on a missing device
                || e.contains("cannot find device")        // route/addr/link on a missing device
                || e.contains("address not found")         // addr del: address already gone (iproute2 6)
                || e.contains("cannot assign requested address"); // addr del: same, older kernels
    }
}
