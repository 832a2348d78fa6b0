package net.coopwan.daemon.steer;

/**
 * The policy-rule priorities and routing-table numbers this daemon owns. Everything in
 * {@link UplinkRoutes} and {@link TunnelRoutes} refuses numbers outside these ranges, and clean-up
 * only ever deletes inside them, so the daemon cannot disturb rules and tables of anyone else.
 *
 * <p>Defaults, chosen to stay clear of the usual neighbours on an OpenWrt router:
 * <ul>
 *   <li>rule priorities 31000..31099: the kernel's own rules are 0 (local), 32766 (main) and
 *       32767 (default); mwan3 uses 1001..1250, 2001..2250 and 2251..2254 (its iif, fwmark and
 *       unreachable rules); netifd's {@code ip4table} rules and most hand-written rules sit in the
 *       low thousands; pbr starts at 30000 and counts downwards. Ours must stay below 32766 so a
 *       packet from an uplink's address meets its table before main.</li>
 *   <li>tables 3100..3199: 253..255 are the kernel's default/main/local, mwan3 numbers its tables
 *       by interface id (1..250), pbr and netifd allocate from 256 up in small steps. 3100 mirrors
 *       the priority range so an operator reading {@code ip rule} sees which table belongs to whom.</li>
 * </ul>
 *
 * @param priorityFrom first owned rule priority (inclusive)
 * @param priorityTo   last owned rule priority (inclusive)
 * @param tableFrom    first owned routing table (inclusive)
 * @param tableTo      last owned routing table (inclusive)
 */
public record SteerRanges(int priorityFrom, int priorityTo, int tableFrom, int tableTo) {

    public static final SteerRanges DEFAULTS = new SteerRanges(31000, 31099, 3100, 3199);

    /**
     * NFLOG groups (a 16-bit number each) the daemon binds: 31000..31099, mirroring the priorities.
     * ulogd, suricata and the examples of libnetfilter_log use the low groups (0, 1, 2, ...); a
     * group has one listener, so another program's group would refuse our bind (or we its).
     */
    public static final int NFLOG_GROUP_FROM = 31000;
    public static final int NFLOG_GROUP_TO = 31099;

    /**
     * Latency-critical connections into the bond (issue 17, {@link LatencyRouteRules}): rule
     * priority {@code priorityFrom + 84} ({@code fwmark 0x00100000/0x00100000}) and table
     * {@code tableFrom + 84} ({@code default dev BOND}). Inside the block 80-89 the cooperation
     * features use at the top of the ranges (80 the bond's member through the neighbour, 85
     * sharing's borrower, 90-91 the emergency): before sharing's 85, so a connection that is both
     * LC and moved to a sharer is duplicated through the bond rather than carried by one sharer.
     */
    public static final int LATENCY_OFFSET = 84;

    public SteerRanges {
        if (priorityFrom < 1 || priorityTo < priorityFrom || priorityTo >= 32766) {
            throw new IllegalArgumentException("rule priorities must be a range within 1..32765 (below main): "
                    + priorityFrom + ".." + priorityTo);
        }
        if (tableFrom < 1 || tableTo < tableFrom || overlapsReserved(tableFrom, tableTo)) {
            throw new IllegalArgumentException("tables must be a positive range without 253..255 (default, main, local): "
                    + tableFrom + ".." + tableTo);
        }
    }

    private static boolean overlapsReserved(int from, int to) {
        return from <= 255 && to >= 253;
    }

    /** The rule priority of {@link #LATENCY_OFFSET}. */
    public int latencyPriority() {
        return requirePriority(priorityFrom + LATENCY_OFFSET);
    }

    /** The routing table of {@link #LATENCY_OFFSET}. */
    public int latencyTable() {
        return requireTable(tableFrom + LATENCY_OFFSET);
    }

    public boolean ownsPriority(int priority) {
        return priority >= priorityFrom && priority <= priorityTo;
    }

    public boolean ownsTable(int table) {
        return table >= tableFrom && table <= tableTo;
    }

    /** The group, if it is one of ours ({@link #NFLOG_GROUP_FROM}..{@link #NFLOG_GROUP_TO}). */
    public static int requireNflogGroup(int group) {
        if (group < NFLOG_GROUP_FROM || group > NFLOG_GROUP_TO) {
            throw new IllegalArgumentException("NFLOG group " + group + " is outside the owned range "
                    + NFLOG_GROUP_FROM + ".." + NFLOG_GROUP_TO);
        }
        return group;
    }

    int requirePriority(int priority) {
        if (!ownsPriority(priority)) {
            throw new IllegalArgumentException("rule priority " + priority + " is outside the owned range "
                    + priorityFrom + ".." + priorityTo);
        }
        return priority;
    }

    int requireTable(int table) {
        if (!ownsTable(table)) {
            throw new IllegalArgumentException("routing table " + table + " is outside the owned range "
                    + tableFrom + ".." + tableTo);
        }
        return table;
    }
}
