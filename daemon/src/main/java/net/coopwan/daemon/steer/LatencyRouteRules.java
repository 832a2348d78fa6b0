package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Latency-critical (LC) connections from the LAN into the bond's TUN, so that only LC packets of
 * the household enter the daemon for duplication (issue 17; docs/latency.md "How LC packets reach
 * the daemon"). Everything else keeps its kernel path.
 *
 * <p>Table {@code inet coopwan_lcroute}, one chain at prerouting priority {@link #HOOK_PRIORITY},
 * just after {@link LatencyRules}' classification (-155), so a connection's first packet already
 * carries {@link SteerMarks#LATENCY_CRITICAL} in its conntrack mark:
 * <pre>
 * iifname != @lans: return                                   (replies and the router's own packets keep their path)
 * ct status not confirmed (the connection's first packet), ct mark has LC: ct label set {@value #LABEL}, counter routed
 * ct label {@value #LABEL}: meta mark |= LC                   (every packet of such a connection, for the rule)
 * ip rule: fwmark 0x00100000/0x00100000 lookup TABLE (priority P); TABLE: default dev BOND
 * </pre>
 * Why the conntrack label and not the LC bit alone: a connection the ad hoc rule upgrades
 * mid-session (or one older than the table) already left through the uplink, and its NAT binding
 * is fixed to the uplink's address; routed into the bond from its next packet, it would reach the
 * concentrator with a source the concentrator refuses. Only connections that are LC at their
 * first packet get the label, so each connection keeps one path for its life, like sharing's. The
 * first packet is told by conntrack's {@code confirmed} status, not by {@code ct state new}: a UDP
 * flow without replies stays "new" at every packet.
 * (An upgraded ad hoc session must not get a new source address anyway: [0236], the notes'
 * mapping.) Label bit {@value #LABEL} of conntrack's 128: OpenWrt's firewall uses none.
 *
 * <p>Idempotent: the table is replaced whole, the rule at P deleted before it is added, the route
 * replaced; {@link #removeAll} deletes all three, absent or not (stop, start after a kill -9). The
 * label stays on the connections (it goes with them). Not thread-safe.
 */
public final class LatencyRouteRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan_lcroute";
    /** One after classification's -155, before mangle (-150): our mangle chains see the packet mark too. */
    public static final int HOOK_PRIORITY = LatencyRules.HOOK_PRIORITY + 1;
    /** The conntrack label bit of a connection routed into the bond. */
    public static final int LABEL = 100;
    static final String ROUTED = "routed";
    private static final java.util.regex.Pattern COUNTER = java.util.regex.Pattern.compile(
            "counter " + ROUTED + " \\{\\s*packets ([0-9]+) bytes ([0-9]+)");

    private final CommandRunner runner;
    private final FwmarkRoute route;
    private final Duration timeout;

    public LatencyRouteRules(CommandRunner runner, SteerRanges ranges) {
        this.runner = runner;
        this.timeout = CommandRunner.DEFAULT_TIMEOUT;
        this.route = new FwmarkRoute(runner, SteerMarks.LATENCY_CRITICAL, ranges.latencyTable(),
                ranges.latencyPriority(), timeout);
    }

    /** LC connections from {@code lanDevices} that start from now go into {@code bondDevice}. */
    public void open(List<String> lanDevices, String bondDevice) {
        runner.check(List.of("nft", "-f", "-"), render(lanDevices), timeout);
        route.open(bondDevice);
    }

    /** Connections routed into the bond since the table was made, or -1 without the table. */
    public long routedConnections() {
        CommandResult r = runner.run(List.of("nft", "list", "counter", FAMILY, TABLE, ROUTED), null, timeout);
        if (!r.succeeded()) {
            return -1;
        }
        java.util.regex.Matcher m = COUNTER.matcher(r.stdout());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Rule, route and table gone; absent is fine. */
    public void removeAll() {
        route.remove();
        runner.check(List.of("nft", "-f", "-"), "add table " + FAMILY + " " + TABLE + "\ndelete table " + FAMILY + " "
                + TABLE + "\n", timeout);
    }

    /** The table, replaced whole; deterministic for its devices. */
    public static String render(List<String> lanDevices) {
        if (lanDevices.isEmpty() || lanDevices.size() > 16) {
            throw new IllegalArgumentException("1-16 LAN devices, got " + lanDevices.size());
        }
        String lans = lanDevices.stream().map(d -> "\"" + InterfaceNames.require(d) + "\"")
                .collect(Collectors.joining(", ", "{ ", " }"));
        String lc = SteerMarks.hex(SteerMarks.LATENCY_CRITICAL);
        return "add table " + FAMILY + " " + TABLE + "\n"
                + "delete table " + FAMILY + " " + TABLE + "\n"
                + "table " + FAMILY + " " + TABLE + " {\n"
                + "\tcounter " + ROUTED + " {\n\t}\n"
                + "\tset lans {\n\t\ttype ifname\n\t\telements = " + lans + "\n\t}\n"
                + "\tchain pre {\n"
                + "\t\ttype filter hook prerouting priority " + HOOK_PRIORITY + "; policy accept;\n"
                + "\t\tiifname != @lans return\n"
                + "\t\tct status & confirmed == 0 ct mark and " + lc + " == " + lc + " ct label set " + LABEL + " counter name \""
                + ROUTED + "\"\n"
                + "\t\tct label " + LABEL + " meta mark set meta mark or " + lc + "\n"
                + "\t}\n"
                + "}\n";
    }
}
