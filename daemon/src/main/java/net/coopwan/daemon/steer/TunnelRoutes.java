package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Addresses and routes of the daemon's own tunnel devices (the bond's TUN), with {@code ip}. The
 * daemon created the device, so it owns everything on it; routes go into the main table (0) or an
 * owned table. All operations are idempotent ({@code replace}, and removing what is absent is
 * success) so state can be re-applied blindly. Not thread-safe.
 */
public final class TunnelRoutes {

    /** Table number meaning "the main table": no {@code table} argument at all. */
    public static final int MAIN = 0;

    private final CommandRunner runner;
    private final SteerRanges ranges;
    private final Duration timeout;

    public TunnelRoutes(CommandRunner runner, SteerRanges ranges) {
        this(runner, ranges, CommandRunner.DEFAULT_TIMEOUT);
    }

    public TunnelRoutes(CommandRunner runner, SteerRanges ranges, Duration timeout) {
        this.runner = runner;
        this.ranges = ranges;
        this.timeout = timeout;
    }

    /** Gives {@code dev} the address {@code cidr} (e.g. {@code 100.64.77.1/30}); replaces, never duplicates. */
    public void addAddress(String dev, String cidr) {
        runner.check(List.of("ip", "-4", "addr", "replace", Ipv4Cidr.parse(cidr).toString(), "dev",
                InterfaceNames.require(dev)), null, timeout);
    }

    /** Removes the address; already absent is success. */
    public void removeAddress(String dev, String cidr) {
        tolerateAbsent(List.of("ip", "-4", "addr", "del", Ipv4Cidr.parse(cidr).toString(), "dev",
                InterfaceNames.require(dev)));
    }

    /** Routes {@code cidr} (a network, host bits zero) out of {@code dev} in {@code table} (0 = main). */
    public void routeVia(String dev, String cidr, int table) {
        runner.check(route("replace", dev, cidr, table), null, timeout);
    }

    /** Removes that route; already absent is success. */
    public void removeRoute(String dev, String cidr, int table) {
        tolerateAbsent(route("del", dev, cidr, table));
    }

    /** Brings the device up. */
    public void linkUp(String dev) {
        runner.check(List.of("ip", "link", "set", "dev", InterfaceNames.require(dev), "up"), null, timeout);
    }

    private List<String> route(String verb, String dev, String cidr, int table) {
        Ipv4Cidr net = Ipv4Cidr.parse(cidr);
        if (!net.isNetwork()) {
            throw new IllegalArgumentException("route destination " + net + " has host bits set; give the network");
        }
        List<String> argv = new ArrayList<>(List.of("ip", "-4", "route", verb, net.toString(), "dev",
                InterfaceNames.require(dev)));
        if (table != MAIN) {
            argv.addAll(List.of("table", Integer.toString(ranges.requireTable(table))));
        }
        return argv;
    }

    private void tolerateAbsent(List<String> argv) {
        CommandResult r = runner.run(argv, null, timeout);
        if (!r.succeeded() && !Absent.matches(r)) {
            throw CommandRunner.failed(argv, r);
        }
    }
}
