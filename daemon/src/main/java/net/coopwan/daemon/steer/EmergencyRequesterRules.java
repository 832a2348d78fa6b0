package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The requester's side of the emergency connection: policy routing of the LAN into the tunnel to
 * the helper, masquerade into it, and the reset of TCP sessions that started on the other path.
 *
 * <p><b>Routing</b> (while via the helper), one pair of rules per LAN device at two owned
 * priorities P and P+1:
 * <pre>
 * P:   iif LAN lookup main suppress_prefixlength 0   (LAN-to-LAN and connected routes stay as they are)
 * P+1: iif LAN lookup TABLE                          (TABLE: default dev TUN)
 * </pre>
 * The first rule is what wg-quick does: the main table minus its default route, so only what
 * would have taken the dead uplink's default goes on to the tunnel. The router's own traffic has no
 * {@code iif} of a LAN device and keeps the main table. The local table (priority 0) still comes
 * first, so the router's own addresses answer the LAN.
 *
 * <p><b>nftables</b>: the table {@code inet coopwan_emerg}, replaced whole like {@link NatRules}
 * (it holds no state: the marks live in conntrack), separate from {@code inet coopwan} (whose
 * owner rewrites it for other reasons) and from the helper's {@code inet coopwan_help} (a router
 * can be both). New connections from the LAN get the path they start on in their conntrack mark
 * ({@link SteerMarks}); with {@link EmergencyResetPolicy#ALL}, a TCP packet of an established
 * connection that started on the other path is answered with {@code reject with tcp reset}, which
 * sends the RST to the LAN client at its first packet on the new path (the rule's counter tells
 * how many were reset). The far end gets none: it sits behind the address we just left and will
 * time out. Without the rule the session still dies, only later: the kernel kills a masqueraded
 * conntrack entry whose packet leaves through another interface ({@code nf_nat_oif_changed}), the
 * application's retransmission starts a new entry with the new source address, and the far end
 * answers that with an RST (or nothing) after the retransmission timeout.
 *
 * <p>Software flow offloading (fw4's {@code flow_offloading}) moves established flows out of the
 * forward hook, so neither the new route nor the reset reaches them until the kernel tears the
 * offloaded flow down; leave it off on a requester.
 *
 * <p>Idempotent: rules at P and P+1 are deleted before they are added, the route is replaced, the
 * table replaced whole. Not thread-safe.
 */
public final class EmergencyRequesterRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan_emerg";
    /** Defaults at the top of the owned ranges, clear of the uplinks' tables counted from the bottom. */
    public static final int DEFAULT_TABLE = 3190;
    public static final int DEFAULT_PRIORITY = 31090;
    /** The named counters of what went through the helper: out of the LAN into the tunnel, and back. */
    static final String OUT = "via_helper_out";
    static final String IN = "via_helper_in";
    private static final java.util.regex.Pattern COUNTER = java.util.regex.Pattern.compile(
            "counter (via_helper_out|via_helper_in) \\{\\s*packets ([0-9]+) bytes ([0-9]+)");

    private final CommandRunner runner;
    private final int table;
    private final int priority;
    private final Duration timeout;

    /**
     * @param table    the owned routing table holding {@code default dev TUN}
     * @param priority the first of two owned rule priorities ({@code priority}, {@code priority + 1})
     */
    public EmergencyRequesterRules(CommandRunner runner, SteerRanges ranges, int table, int priority) {
        this(runner, ranges, table, priority, CommandRunner.DEFAULT_TIMEOUT);
    }

    public EmergencyRequesterRules(CommandRunner runner, SteerRanges ranges, int table, int priority, Duration timeout) {
        this.runner = runner;
        this.table = ranges.requireTable(table);
        this.priority = ranges.requirePriority(priority);
        ranges.requirePriority(priority + 1);
        this.timeout = timeout;
    }

    /**
     * Makes the kernel match the plan. Into the tunnel: the nft table first (marks and masquerade
     * ready), then the route, then the rules that send the LAN there; the route and the rules go
     * to one {@code ip -batch} (in that order, stopping at the first error), because this is on
     * the failover's critical path and a process per command costs a router ~10 ms each. Back:
     * the rules go first, so no packet meets an emptied table.
     */
    public void apply(EmergencyRequesterPlan plan) {
        if (plan.viaHelper()) {
            nft(render(plan));
            StringBuilder batch = new StringBuilder();
            batch.append("route replace default dev ").append(plan.tunDevice()).append(" table ").append(table).append('\n');
            for (int p : presentRules()) {
                batch.append("rule del priority ").append(p).append('\n');
            }
            for (String lan : plan.lanDevices()) {
                batch.append("rule add iif ").append(lan).append(" lookup main suppress_prefixlength 0 priority ")
                        .append(priority).append('\n');
                batch.append("rule add iif ").append(lan).append(" lookup ").append(table).append(" priority ")
                        .append(priority + 1).append('\n');
            }
            runner.check(List.of("ip", "-4", "-batch", "-"), batch.toString(), timeout);
        } else {
            deleteOurRules();
            flushTable();
            nft(render(plan));
        }
    }

    /**
     * The bytes the LAN sent through the helper and received back since the table was last
     * replaced: {@code [out, in]}, or null when the table is absent.
     */
    public long[] counters() {
        String listing = Absent.counters(runner, FAMILY, TABLE, timeout);
        if (listing == null) {
            return null;
        }
        long[] out = new long[2];
        java.util.regex.Matcher m = COUNTER.matcher(listing);
        while (m.find()) {
            out[m.group(1).equals(OUT) ? 0 : 1] = Long.parseLong(m.group(3));
        }
        return out;
    }

    /** Deletes our rules, empties our table and deletes the nft table (crash clean-up, stop); absent is fine. */
    public void removeAll() {
        deleteOurRules();
        flushTable();
        nft("add table " + FAMILY + " " + TABLE + "\ndelete table " + FAMILY + " " + TABLE + "\n");
    }

    /** The exact transaction {@link #apply} feeds to {@code nft -f -}; deterministic for a plan. */
    public static String render(EmergencyRequesterPlan plan) {
        String lans = plan.lanDevices().stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(", ", "{ ", " }"));
        String tun = "\"" + plan.tunDevice() + "\"";
        long path = plan.viaHelper() ? SteerMarks.VIA_HELPER : SteerMarks.OWN_UPLINK;
        StringBuilder b = new StringBuilder();
        b.append("add table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("delete table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("table ").append(FAMILY).append(' ').append(TABLE).append(" {\n");
        // what the LAN sent through the helper and got back: kept by the daemon when it leaves
        // the helper, and read back after a kill -9 (a replace of the table starts them at 0)
        b.append("\tcounter ").append(OUT).append(" {\n\t}\n");
        b.append("\tcounter ").append(IN).append(" {\n\t}\n");
        b.append("\tchain forward {\n");
        b.append("\t\ttype filter hook forward priority filter; policy accept;\n");
        b.append("\t\tiifname ").append(lans).append(" ct state new ").append(SteerMarks.set(path)).append('\n');
        if (plan.resetPolicy() == EmergencyResetPolicy.ALL) {
            b.append("\t\tiifname ").append(lans);
            if (plan.viaHelper()) {
                b.append(" oifname ").append(tun).append(" meta l4proto tcp ct state established ")
                        .append(SteerMarks.match("!=", SteerMarks.VIA_HELPER));
            } else {
                b.append(" meta l4proto tcp ct state established ").append(SteerMarks.match("==", SteerMarks.VIA_HELPER));
            }
            b.append(" counter reject with tcp reset\n");
        }
        if (plan.viaHelper()) {
            // after the reset: what was sent back as an RST never went through the helper
            b.append("\t\tiifname ").append(lans).append(" oifname ").append(tun).append(" counter name \"").append(OUT)
                    .append("\"\n");
            b.append("\t\tiifname ").append(tun).append(" oifname ").append(lans).append(" counter name \"").append(IN)
                    .append("\"\n");
        }
        b.append("\t}\n");
        b.append("\tchain postrouting {\n");
        b.append("\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        if (plan.viaHelper()) {
            b.append("\t\toifname ").append(tun).append(" masquerade\n");
        }
        b.append("\t}\n");
        b.append("}\n");
        return b.toString();
    }

    private void nft(String text) {
        runner.check(List.of("nft", "-f", "-"), text, timeout);
    }

    private void deleteOurRules() {
        for (int p : presentRules()) {
            runner.check(List.of("ip", "-4", "rule", "del", "priority", Integer.toString(p)), null, timeout);
        }
    }

    /** The priority of each rule of ours now in the kernel, once per rule (a priority may hold several). */
    private List<Integer> presentRules() {
        String shown = runner.check(List.of("ip", "-4", "rule", "show"), null, timeout).stdout();
        List<Integer> out = new java.util.ArrayList<>();
        for (int p : new int[] {priority, priority + 1}) {
            long present = UplinkRoutes.RuleLine.parseAll(shown).stream().filter(r -> r.priority() == p).count();
            if (present > UplinkRoutes.MAX_RULES_PER_PRIORITY) {
                throw new SteerException(present + " rules at priority " + p + ", more than the "
                        + UplinkRoutes.MAX_RULES_PER_PRIORITY + " we are prepared to delete; something else is adding them");
            }
            for (long i = 0; i < present; i++) {
                out.add(p);
            }
        }
        return out;
    }

    private void flushTable() {
        List<String> argv = List.of("ip", "-4", "route", "flush", "table", Integer.toString(table));
        CommandResult r = runner.run(argv, null, timeout);
        if (!r.succeeded() && !Absent.matches(r)) {
            throw CommandRunner.failed(argv, r);
        }
    }
}
