/**
 * Steering: the daemon's programming of kernel routing and nftables. The kernel forwards every
 * packet; the daemon only decides which tables, rules and NAT exist, by running {@code ip} and
 * {@code nft} (the same model as OpenWrt's mwan3: one routing table per uplink and
 * {@code ip rule from <uplink address> lookup <table>}).
 *
 * <ul>
 *   <li>{@link net.coopwan.daemon.steer.CommandRunner}: the one door to the OS, with
 *       {@link net.coopwan.daemon.steer.ProcessCommandRunner} (bounded wait, kill on timeout) as
 *       the real one; unit tests use a recording fake of the OS, never of the logic.</li>
 *   <li>{@link net.coopwan.daemon.steer.UplinkRoutes}: per-uplink table and source rule
 *       ({@link net.coopwan.daemon.steer.UplinkRoute}), clean-up after a crash, and reading an
 *       uplink's address and gateway.</li>
 *   <li>{@link net.coopwan.daemon.steer.TunnelRoutes}: addresses and routes of our own tunnel
 *       devices.</li>
 *   <li>{@link net.coopwan.daemon.steer.NatRules}: the table {@code inet coopwan}, replaced whole
 *       and atomically from a {@link net.coopwan.daemon.steer.NatPlan}.</li>
 *   <li>{@link net.coopwan.daemon.steer.EmergencyHelperRules} and
 *       {@link net.coopwan.daemon.steer.EmergencyRequesterRules}: the two sides of the emergency
 *       connection (docs/emergency-kernel.md).</li>
 *   <li>{@link net.coopwan.daemon.steer.SuppressionRules}: the table {@code inet coopwan_supp},
 *       present only while other traffic is suppressed for latency-critical traffic (it reads
 *       {@link net.coopwan.daemon.steer.SteerMarks#LATENCY_CRITICAL} and writes no mark;
 *       docs/PROTOCOL.md 3.14).</li>
 *   <li>{@link net.coopwan.daemon.steer.LatencyRules}: the table {@code inet coopwan_lc}, which marks
 *       latency-critical connections ({@link net.coopwan.daemon.steer.SteerMarks#LATENCY_CRITICAL})
 *       at their first packet from a {@link net.coopwan.daemon.steer.LatencyPlan}
 *       (docs/latency.md); {@link net.coopwan.daemon.steer.ConntrackUdpFlow} reads the UDP
 *       connections the ad hoc rule judges.</li>
 *   <li>{@link net.coopwan.daemon.steer.LatencyRouteRules}: the table {@code inet coopwan_lcroute}
 *       and the rule {@code fwmark 0x00100000} at {@link net.coopwan.daemon.steer.SteerRanges#LATENCY_OFFSET}
 *       that route connections latency-critical at their first packet into the bond's TUN
 *       (docs/latency.md section 8); {@link net.coopwan.daemon.steer.FwmarkRoute} is the owned
 *       mark rule and table it shares with sharing's borrower.</li>
 * </ul>
 *
 * <p><b>The emergency tables.</b> The helper's {@code inet coopwan_help} holds one token bucket
 * (a named {@code limit}, see {@link net.coopwan.daemon.steer.EmergencyQuota} for why it keeps
 * every sliding window within the quota), counters, destination sets and chains per requester,
 * reached through two verdict maps; it is never replaced whole, because that would refill every
 * bucket: each requester is added, changed and removed by its own transaction, which names no
 * other requester's objects. The requester's {@code inet coopwan_emerg} holds no state and is
 * replaced whole like {@code inet coopwan}; with it go two owned rule priorities and one owned
 * table ({@code iif LAN} into the tunnel). Both tables write only the conntrack mark bits
 * {@link net.coopwan.daemon.steer.SteerMarks#MASK} (0x00c00000). Each has a {@code removeAll()}
 * for the daemon's start (after a kill -9) and stop.
 *
 * <p><b>Ownership.</b> Steer never touches a rule, table or nftables table it did not create: it
 * owns rule priorities and routing tables in a configurable {@link
 * net.coopwan.daemon.steer.SteerRanges} (defaults: priorities 31000..31099, tables 3100..3199,
 * clear of the kernel's, mwan3's, netifd's and pbr's usual numbers; see there), refuses numbers
 * outside it, and its clean-up only deletes inside it. In nftables it owns exactly the tables
 * {@code inet coopwan}, {@code inet coopwan_help} and {@code inet coopwan_emerg} (and the cooperation
 * features' tables listed in docs/ARCHITECTURE.md section 7, {@code inet coopwan_lc} among them), and
 * in conntrack marks the bits 0x00c00000 (and 0x00200000 for sharing, 0x00100000 for LC). Routes in the main table are added only through our own tunnel devices.
 *
 * <p><b>Idempotence.</b> Every operation can be repeated with the same result (rule delete before
 * add, route and address {@code replace}, whole-table nft replace, removal of what is absent is
 * success), so the daemon re-applies its wanted state after any event or restart instead of
 * tracking what it did.
 *
 * <p><b>Two doors to the kernel.</b> Structure goes through {@link
 * net.coopwan.daemon.steer.CommandRunner} (one {@code ip} or {@code nft -f -} per change). What must
 * move many times a second, the sharer's sliding-window quotas ({@link
 * net.coopwan.daemon.steer.SlidingWindowQuota}, every T/20), goes through one long-lived
 * {@code nft -j -i} ({@link net.coopwan.daemon.steer.NftSession}, {@link
 * net.coopwan.daemon.steer.InteractiveNft}), so no process is started per tick. The sharer's
 * tunnels towards borrowers also get a tbf ({@code tc}), which goes with the device.
 *
 * <p><b>Safety of input.</b> Interface names ({@link net.coopwan.daemon.steer.InterfaceNames}) and
 * CIDRs ({@link net.coopwan.daemon.steer.Ipv4Cidr}) are validated strictly before they reach an
 * argument or the nftables text; commands are argv lists, never a shell. Failures are {@link
 * net.coopwan.daemon.steer.SteerException}s naming the command line and its stderr.
 */
package net.coopwan.daemon.steer;
