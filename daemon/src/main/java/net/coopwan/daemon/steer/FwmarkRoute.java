package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.List;

/**
 * One owned policy route by packet mark: {@code ip rule fwmark MARK/MARK lookup TABLE priority P}
 * and {@code TABLE: default dev DEVICE}. Shared by the tables that send marked packets into one of
 * our devices (sharing's borrower, latency-critical connections into the bond), so the idempotent
 * rule handling is written once: the rules at P are deleted before the one is added (there may be
 * leftovers of a killed run), the route is replaced, and removing what is absent is success.
 */
final class FwmarkRoute {

    private final CommandRunner runner;
    private final long mark;
    private final int table;
    private final int priority;
    private final Duration timeout;

    FwmarkRoute(CommandRunner runner, long mark, int table, int priority, Duration timeout) {
        this.runner = runner;
        this.mark = mark;
        this.table = table;
        this.priority = priority;
        this.timeout = timeout;
    }

    /** Route first, then the rule, in one {@code ip -batch}: the moment the rule exists its table has the route. */
    void open(String device) {
        StringBuilder batch = new StringBuilder();
        batch.append("route replace default dev ").append(InterfaceNames.require(device)).append(" table ").append(table)
                .append('\n');
        for (int i = 0; i < presentRules(); i++) {
            batch.append("rule del priority ").append(priority).append('\n');
        }
        batch.append("rule add fwmark ").append(SteerMarks.hex(mark)).append('/').append(SteerMarks.hex(mark))
                .append(" lookup ").append(table).append(" priority ").append(priority).append('\n');
        runner.check(List.of("ip", "-4", "-batch", "-"), batch.toString(), timeout);
    }

    /** Every rule at the priority, and the table's routes, gone; absent is fine. */
    void remove() {
        for (int i = presentRules(); i > 0; i--) {
            runner.check(List.of("ip", "-4", "rule", "del", "priority", Integer.toString(priority)), null, timeout);
        }
        List<String> flush = List.of("ip", "-4", "route", "flush", "table", Integer.toString(table));
        CommandResult r = runner.run(flush, null, timeout);
        if (!r.succeeded() && !Absent.matches(r)) {
            throw CommandRunner.failed(flush, r);
        }
    }

    private int presentRules() {
        String shown = runner.check(List.of("ip", "-4", "rule", "show"), null, timeout).stdout();
        long present = UplinkRoutes.RuleLine.parseAll(shown).stream().filter(r -> r.priority() == priority).count();
        if (present > UplinkRoutes.MAX_RULES_PER_PRIORITY) {
            throw new SteerException(present + " rules at priority " + priority + ", more than the "
                    + UplinkRoutes.MAX_RULES_PER_PRIORITY + " we are prepared to delete; something else is adding them");
        }
        return (int) present;
    }
}
