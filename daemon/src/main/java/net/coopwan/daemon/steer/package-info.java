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
 * </ul>
 *
 * <p><b>Ownership.</b> Steer never touches a rule, table or nftables table it did not create: it
 * owns rule priorities and routing tables in a configurable {@link
 * net.coopwan.daemon.steer.SteerRanges} (defaults: priorities 31000..31099, tables 3100..3199,
 * clear of the kernel's, mwan3's, netifd's and pbr's usual numbers; see there), refuses numbers
 * outside it, and its clean-up only deletes inside it. In nftables it owns exactly the table
 * {@code inet coopwan}. Routes in the main table are added only through our own tunnel devices.
 *
 * <p><b>Idempotence.</b> Every operation can be repeated with the same result (rule delete before
 * add, route and address {@code replace}, whole-table nft replace, removal of what is absent is
 * success), so the daemon re-applies its wanted state after any event or restart instead of
 * tracking what it did.
 *
 * <p><b>Safety of input.</b> Interface names ({@link net.coopwan.daemon.steer.InterfaceNames}) and
 * CIDRs ({@link net.coopwan.daemon.steer.Ipv4Cidr}) are validated strictly before they reach an
 * argument or the nftables text; commands are argv lists, never a shell. Failures are {@link
 * net.coopwan.daemon.steer.SteerException}s naming the command line and its stderr.
 */
package net.coopwan.daemon.steer;
