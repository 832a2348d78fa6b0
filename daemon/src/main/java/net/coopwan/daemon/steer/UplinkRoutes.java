package net.coopwan.daemon.steer;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Per-uplink routing tables and source rules ({@link UplinkRoute}), installed with {@code ip}.
 *
 * <p>Every operation is idempotent so the daemon can simply re-apply what it wants after any
 * change or restart: {@link #install} first deletes whatever rules sit at its priority (there may
 * be several after a crash between delete and add), and routes use {@code replace}. Only owned
 * priorities and tables ({@link SteerRanges}) are accepted, so a bug or bad config cannot delete
 * someone else's rule. Not thread-safe: one steering thread owns it.
 */
public final class UplinkRoutes {

    /** Bound on how many rules one priority may hold before we give up deleting them. */
    static final int MAX_RULES_PER_PRIORITY = 64;

    private final CommandRunner runner;
    private final SteerRanges ranges;
    private final Duration timeout;

    public UplinkRoutes(CommandRunner runner, SteerRanges ranges) {
        this(runner, ranges, CommandRunner.DEFAULT_TIMEOUT);
    }

    public UplinkRoutes(CommandRunner runner, SteerRanges ranges, Duration timeout) {
        this.runner = runner;
        this.ranges = ranges;
        this.timeout = timeout;
    }

    /**
     * Makes the uplink's table hold its default route and its rule point at the table. The route
     * goes in first so that the moment the rule exists, packets it catches find a route.
     */
    public void install(UplinkRoute r) {
        int table = ranges.requireTable(r.table());
        int prio = ranges.requirePriority(r.rulePriority());
        List<String> route = new ArrayList<>(List.of("ip", "-4", "route", "replace", "default"));
        if (r.gateway() != null) {
            route.addAll(List.of("via", r.gateway().getHostAddress()));
        }
        route.addAll(List.of("dev", r.device(), "table", Integer.toString(table)));
        runner.check(route, null, timeout);
        deleteRulesAt(prio);
        runner.check(List.of("ip", "-4", "rule", "add", "from", r.source().getHostAddress() + "/32",
                "lookup", Integer.toString(table), "priority", Integer.toString(prio)), null, timeout);
    }

    /** Deletes the uplink's rule and empties its table; nothing to delete is not an error. */
    public void remove(UplinkRoute r) {
        int table = ranges.requireTable(r.table());
        deleteRulesAt(ranges.requirePriority(r.rulePriority()));
        flushTable(table);
    }

    /**
     * Deletes every rule whose priority is in {@code from..to} (clipped to the owned range) and
     * empties the owned tables those rules looked up: what a crashed earlier run left behind.
     *
     * @return how many rules were deleted
     */
    public int removeAll(int priorityFrom, int priorityTo) {
        int from = Math.max(priorityFrom, ranges.priorityFrom());
        int to = Math.min(priorityTo, ranges.priorityTo());
        String shown = runner.check(List.of("ip", "-4", "rule", "show"), null, timeout).stdout();
        int deleted = 0;
        TreeSet<Integer> tables = new TreeSet<>();
        for (RuleLine rule : RuleLine.parseAll(shown)) {
            if (rule.priority() >= from && rule.priority() <= to) {
                runner.check(List.of("ip", "-4", "rule", "del", "priority", Integer.toString(rule.priority())),
                        null, timeout);
                deleted++;
                if (rule.table() >= 0 && ranges.ownsTable(rule.table())) {
                    tables.add(rule.table());
                }
            }
        }
        for (int table : tables) {
            flushTable(table);
        }
        return deleted;
    }

    /**
     * The device's first IPv4 address, from {@code ip -4 -o addr show dev X}; empty if it has none
     * or the device does not exist (an uplink that went away is normal, not an error).
     */
    public Optional<Inet4Address> addressOf(String device) {
        CommandResult r = runner.run(List.of("ip", "-4", "-o", "addr", "show", "dev",
                InterfaceNames.require(device)), null, timeout);
        if (!r.succeeded()) {
            return absentOrThrow(r, List.of("ip", "-4", "-o", "addr", "show", "dev", device));
        }
        for (String line : r.stdout().split("\n")) {
            String[] t = line.trim().split("\\s+");
            for (int i = 0; i + 1 < t.length; i++) {
                if (t[i].equals("inet")) {
                    String a = t[i + 1];
                    int slash = a.indexOf('/');
                    return Optional.of(Ipv4Cidr.parseAddress(slash < 0 ? a : a.substring(0, slash)));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The next hop of the device's default route in the main table (where DHCP and PPP put it),
     * from {@code ip -4 route show default dev X}; empty for none, for a device route without a
     * gateway, or if the device does not exist.
     */
    public Optional<Inet4Address> defaultGatewayOf(String device) {
        List<String> argv = List.of("ip", "-4", "route", "show", "default", "dev", InterfaceNames.require(device));
        CommandResult r = runner.run(argv, null, timeout);
        if (!r.succeeded()) {
            return absentOrThrow(r, argv);
        }
        for (String line : r.stdout().split("\n")) {
            String[] t = line.trim().split("\\s+");
            if (t.length >= 3 && t[0].equals("default")) {
                for (int i = 1; i + 1 < t.length; i++) {
                    if (t[i].equals("via")) {
                        return Optional.of(Ipv4Cidr.parseAddress(t[i + 1]));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private void deleteRulesAt(int prio) {
        List<String> del = List.of("ip", "-4", "rule", "del", "priority", Integer.toString(prio));
        String shown = runner.check(List.of("ip", "-4", "rule", "show"), null, timeout).stdout();
        int present = 0;
        for (RuleLine rule : RuleLine.parseAll(shown)) {
            if (rule.priority() == prio) {
                present++;
            }
        }
        if (present > MAX_RULES_PER_PRIORITY) {
            throw new SteerException(present + " rules at priority " + prio + ", more than the "
                    + MAX_RULES_PER_PRIORITY + " we are prepared to delete; something else is adding them");
        }
        for (int i = 0; i < present; i++) {
            runner.check(del, null, timeout);
        }
    }

    private void flushTable(int table) {
        List<String> argv = List.of("ip", "-4", "route", "flush", "table", Integer.toString(table));
        CommandResult r = runner.run(argv, null, timeout);
        if (!r.succeeded() && !Absent.matches(r)) {
            throw CommandRunner.failed(argv, r);
        }
    }

    private static <T> Optional<T> absentOrThrow(CommandResult r, List<String> argv) {
        if (Absent.matches(r)) {
            return Optional.empty();
        }
        throw CommandRunner.failed(argv, r);
    }

    /** One line of {@code ip -4 rule show}: {@code 31000:\tfrom 100.64.60.2 lookup 3100}. */
    record RuleLine(int priority, int table) {

        static List<RuleLine> parseAll(String text) {
            List<RuleLine> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                int prio;
                try {
                    prio = Integer.parseInt(line.substring(0, colon).trim());
                } catch (NumberFormatException e) {
                    continue; // not a rule line; ip never prints one, but a parser must not throw
                }
                out.add(new RuleLine(prio, tableOf(line.substring(colon + 1))));
            }
            return out;
        }

        /** The numeric table after "lookup"/"table", or -1 (named table such as main, or none). */
        private static int tableOf(String rest) {
            String[] t = rest.trim().split("\\s+");
            for (int i = 0; i + 1 < t.length; i++) {
                if (t[i].equals("lookup") || t[i].equals("table")) {
                    try {
                        return Integer.parseInt(t[i + 1]);
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
            return -1;
        }
    }
}
