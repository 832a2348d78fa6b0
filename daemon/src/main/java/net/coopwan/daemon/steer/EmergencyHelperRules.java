package net.coopwan.daemon.steer;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The helper's side of the emergency connection: the table {@code inet coopwan_help}, separate
 * from {@code inet coopwan} because that one is rewritten whole and a rewrite would refill every
 * requester's token bucket. Here each requester is changed by its own incremental transaction.
 *
 * <pre>
 * forward (base, filter):  iifname . ip saddr vmap @requesters   -> jump req_NAME
 *                          oifname . ip daddr vmap @returns      -> jump ret_NAME
 *                          iifname @tunnels -> unknown, drop     (the rest of a DIRECT tunnel device)
 * req_NAME:   not to the uplink -> refused, drop; allowed destination -> goto pass_NAME; else refused, drop
 * pass_NAME:  limit q_NAME over -> over, drop; mark HELPED, carried, accept
 * ret_NAME:   not from the uplink -> return; established,related -> accept; else refused, drop
 * postrouting (base, srcnat): ct mark HELPED -> masquerade
 * </pre>
 * Per requester: limit {@code q_NAME}, counters {@code carried_NAME}, {@code over_NAME},
 * {@code refused_NAME}, sets {@code dsta_NAME} (addresses) and {@code dstp_NAME} (address . UDP
 * port), chains {@code req_/pass_/ret_NAME} and one element in each map. Masquerade matches a
 * conntrack mark ({@link SteerMarks#HELPED}) set by {@code pass_NAME}, so it needs no per-requester
 * element and cannot masquerade anything the quota did not pass.
 *
 * <p><b>The tunnel device is ours.</b> In DIRECT mode the in-device is the helper's own tunnel, which
 * carries nothing but requesters' traffic, so it goes into the set {@code tunnels} and whatever
 * it brings that no requester's key matches (another source address, IPv6) is counted in
 * {@code unknown} and dropped instead of being forwarded unlimited, maybe into the helper's LAN.
 * The element stays when its requesters are removed (dropping is then still right) and goes with
 * the table. A CONCENTRATOR in-device is the shared peer link, so it never goes into that set.
 *
 * <p><b>Idempotence.</b> {@link #apply} reads the table once, then runs one transaction: the
 * skeleton is added if missing (its two base chains flushed and refilled, they hold no state), the
 * requester's objects are added (an existing counter or limit is left as it is, so its state
 * survives), its sets and chains flushed and refilled, and its limit replaced only when the quota
 * changed (nftables ignores new parameters on an existing limit). Other requesters' objects are
 * never named. {@link #remove} deletes only the requester's own objects, absent is success.
 *
 * <p>As in {@link NatRules}, an accept here ends only our chain: the host's firewall must still
 * allow the forwarding; a drop here is final. Not thread-safe: one steering thread owns it.
 */
public final class EmergencyHelperRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan_help";
    private static final String T = FAMILY + " " + TABLE;

    private final CommandRunner runner;
    private final Duration timeout;

    public EmergencyHelperRules(CommandRunner runner) {
        this(runner, CommandRunner.DEFAULT_TIMEOUT);
    }

    public EmergencyHelperRules(CommandRunner runner, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
    }

    /** An element of the two maps: the device and address a requester is matched by. */
    record Key(String device, Inet4Address address) {
        String nft() {
            return "\"" + device + "\" . " + address.getHostAddress();
        }
    }

    /**
     * What {@link #apply} needs to know of the table as it is.
     *
     * @param present    whether the table exists
     * @param requesters the {@code requesters} map: key to requester name
     * @param returns    the {@code returns} map: key to requester name
     * @param limits     each requester's limit, as {@link EmergencyQuota#nftSpec()} would write it
     */
    record Current(boolean present, Map<Key, String> requesters, Map<Key, String> returns, Map<String, String> limits) {
        static final Current ABSENT = new Current(false, Map.of(), Map.of(), Map.of());
    }

    /** Installs or updates the requester's rules, leaving every other requester as it is. */
    public void apply(EmergencyGrant grant) {
        Current now = read();
        Key key = new Key(grant.inDevice(), grant.source());
        String holder = now.requesters().get(key);
        if (holder != null && !holder.equals(grant.name())) {
            throw new SteerException("cannot carry " + key.nft() + " for requester " + grant.name()
                    + ": it is carried for requester " + holder);
        }
        runner.check(List.of("nft", "-f", "-"), render(grant, now), timeout);
    }

    /** Removes the requester's rules and objects; an absent requester or table is success. */
    public void remove(String name) {
        EmergencyGrant.requireName(name);
        Current now = read();
        if (now.present()) {
            runner.check(List.of("nft", "-f", "-"), renderRemove(name, now), timeout);
        }
    }

    /** Deletes the whole table (daemon start after a crash, and stop); absent is success. */
    public void removeAll() {
        runner.check(List.of("nft", "-f", "-"), "add table " + T + "\ndelete table " + T + "\n", timeout);
    }

    /** Packets from a DIRECT tunnel device that matched no requester (see the class comment); 0 without the table. */
    public long unknownPackets() {
        List<String> argv = List.of("nft", "list", "counter", FAMILY, TABLE, "unknown");
        CommandResult r = runner.run(argv, null, timeout);
        if (!r.succeeded()) {
            if (Absent.matches(r)) {
                return 0;
            }
            throw CommandRunner.failed(argv, r);
        }
        return EmergencyHelperListing.packets(r.stdout());
    }

    /** Every requester's counters, by name; empty when the table is absent. */
    public List<EmergencyCounters> counters() {
        String listing = Absent.counters(runner, FAMILY, TABLE, timeout);
        return listing == null ? List.of() : EmergencyHelperListing.parseCounters(listing);
    }

    /** The exact transaction {@link #apply} runs for {@code grant} on a table in state {@code now}. */
    static String render(EmergencyGrant g, Current now) {
        String n = g.name();
        StringBuilder b = new StringBuilder();
        b.append("add table ").append(T).append('\n');
        b.append("add map ").append(T).append(" requesters { type ifname . ipv4_addr : verdict; }\n");
        b.append("add map ").append(T).append(" returns { type ifname . ipv4_addr : verdict; }\n");
        b.append("add set ").append(T).append(" tunnels { type ifname; }\n");
        b.append("add counter ").append(T).append(" unknown\n");
        b.append("add chain ").append(T).append(" forward { type filter hook forward priority filter; policy accept; }\n");
        b.append("add chain ").append(T).append(" postrouting { type nat hook postrouting priority srcnat; policy accept; }\n");
        b.append("flush chain ").append(T).append(" forward\n");
        b.append("flush chain ").append(T).append(" postrouting\n");
        rule(b, "forward", "iifname . ip saddr vmap @requesters");
        rule(b, "forward", "oifname . ip daddr vmap @returns");
        rule(b, "forward", "iifname @tunnels counter name \"unknown\" drop");
        rule(b, "postrouting", SteerMarks.match("==", SteerMarks.HELPED) + " masquerade");

        for (String c : List.of("carried_", "over_", "refused_")) {
            b.append("add counter ").append(T).append(' ').append(c).append(n).append('\n');
        }
        b.append("add set ").append(T).append(" dsta_").append(n).append(" { type ipv4_addr; }\n");
        b.append("add set ").append(T).append(" dstp_").append(n).append(" { type ipv4_addr . inet_service; }\n");
        b.append("flush set ").append(T).append(" dsta_").append(n).append('\n');
        b.append("flush set ").append(T).append(" dstp_").append(n).append('\n');
        List<String> addrs = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        for (EmergencyDestination d : g.destinations()) {
            if (d.udpPort() == null) {
                addrs.add(d.address().getHostAddress());
            } else {
                ports.add(d.address().getHostAddress() + " . " + d.udpPort());
            }
        }
        elements(b, "dsta_" + n, addrs);
        elements(b, "dstp_" + n, ports);
        for (String c : List.of("req_", "pass_", "ret_")) {
            b.append("add chain ").append(T).append(' ').append(c).append(n).append('\n');
        }
        for (String c : List.of("req_", "pass_", "ret_")) {
            b.append("flush chain ").append(T).append(' ').append(c).append(n).append('\n');
        }
        String spec = g.quota().nftSpec();
        String had = now.limits().get(n);
        if (had != null && !had.equals(spec)) {
            // The chains referring to it were flushed above, so it can go; a new bucket starts full.
            b.append("delete limit ").append(T).append(" q_").append(n).append('\n');
        }
        b.append("add limit ").append(T).append(" q_").append(n).append(" { ").append(spec).append("; }\n");

        String wan = "\"" + g.wanDevice() + "\"";
        rule(b, "req_" + n, "oifname != " + wan + " counter name \"refused_" + n + "\" drop");
        if (g.anyDestination()) {
            rule(b, "req_" + n, "goto pass_" + n);
        } else {
            rule(b, "req_" + n, "ip daddr @dsta_" + n + " goto pass_" + n);
            rule(b, "req_" + n, "ip daddr . udp dport @dstp_" + n + " goto pass_" + n);
            rule(b, "req_" + n, "counter name \"refused_" + n + "\" drop");
        }
        rule(b, "pass_" + n, "limit name \"q_" + n + "\" counter name \"over_" + n + "\" drop");
        rule(b, "pass_" + n, SteerMarks.set(SteerMarks.HELPED) + " counter name \"carried_" + n + "\" accept");
        rule(b, "ret_" + n, "iifname != " + wan + " return");
        rule(b, "ret_" + n, "ct state established,related accept");
        rule(b, "ret_" + n, "counter name \"refused_" + n + "\" drop");

        Key key = new Key(g.inDevice(), g.source());
        deleteElements(b, "requesters", "req_", n, now.requesters(), key);
        deleteElements(b, "returns", "ret_", n, now.returns(), key);
        b.append("add element ").append(T).append(" requesters { ").append(key.nft()).append(" : jump req_").append(n).append(" }\n");
        b.append("add element ").append(T).append(" returns { ").append(key.nft()).append(" : jump ret_").append(n).append(" }\n");
        if (g.mode() == EmergencyMode.DIRECT) {
            b.append("add element ").append(T).append(" tunnels { \"").append(g.inDevice()).append("\" }\n");
        }
        return b.toString();
    }

    /** The exact transaction {@link #remove} runs on a present table in state {@code now}. */
    static String renderRemove(String n, Current now) {
        StringBuilder b = new StringBuilder();
        deleteElements(b, "requesters", "req_", n, now.requesters(), null);
        deleteElements(b, "returns", "ret_", n, now.returns(), null);
        // add-then-delete: valid whether the object exists or not, and nothing else refers to it
        // once its map elements are gone and its chains are empty.
        for (String c : List.of("req_", "pass_", "ret_")) {
            b.append("add chain ").append(T).append(' ').append(c).append(n).append('\n');
            b.append("flush chain ").append(T).append(' ').append(c).append(n).append('\n');
        }
        for (String c : List.of("req_", "pass_", "ret_")) {
            b.append("delete chain ").append(T).append(' ').append(c).append(n).append('\n');
        }
        b.append("add limit ").append(T).append(" q_").append(n).append(" { rate over 1 bytes/second; }\n");
        b.append("delete limit ").append(T).append(" q_").append(n).append('\n');
        for (String c : List.of("carried_", "over_", "refused_")) {
            b.append("add counter ").append(T).append(' ').append(c).append(n).append('\n');
            b.append("delete counter ").append(T).append(' ').append(c).append(n).append('\n');
        }
        b.append("add set ").append(T).append(" dsta_").append(n).append(" { type ipv4_addr; }\n");
        b.append("delete set ").append(T).append(" dsta_").append(n).append('\n');
        b.append("add set ").append(T).append(" dstp_").append(n).append(" { type ipv4_addr . inet_service; }\n");
        b.append("delete set ").append(T).append(" dstp_").append(n).append('\n');
        return b.toString();
    }

    private static void rule(StringBuilder b, String chain, String rule) {
        b.append("add rule ").append(T).append(' ').append(chain).append(' ').append(rule).append('\n');
    }

    private static void elements(StringBuilder b, String set, List<String> elements) {
        if (!elements.isEmpty()) {
            b.append("add element ").append(T).append(' ').append(set).append(" { ")
                    .append(String.join(", ", elements)).append(" }\n");
        }
    }

    /** Deletes the map elements pointing at this requester's chain, except {@code keep}. */
    private static void deleteElements(StringBuilder b, String map, String prefix, String name,
                                       Map<Key, String> elements, Key keep) {
        for (Map.Entry<Key, String> e : elements.entrySet()) {
            if (e.getValue().equals(name) && !e.getKey().equals(keep)) {
                b.append("delete element ").append(T).append(' ').append(map).append(" { ")
                        .append(e.getKey().nft()).append(" : jump ").append(prefix).append(name).append(" }\n");
            }
        }
    }

    private Current read() {
        List<String> argv = List.of("nft", "list", "table", FAMILY, TABLE);
        CommandResult r = runner.run(argv, null, timeout);
        if (!r.succeeded()) {
            if (Absent.matches(r)) {
                return Current.ABSENT;
            }
            throw CommandRunner.failed(argv, r);
        }
        return EmergencyHelperListing.parse(r.stdout());
    }
}
