package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.List;

/**
 * The daemon's one nftables table, {@code inet coopwan}, replaced as a whole with one
 * {@code nft -f -} transaction.
 *
 * <p><b>Why {@code inet}</b>: it is the family OpenWrt's own firewall (fw4, table
 * {@code inet fw4}) uses, one table can later hold IPv6 rules next to the IPv4 ones, and NAT in
 * {@code inet} works on every kernel OpenWrt ships (it needs 5.2). Matching {@code ip saddr} in an
 * inet chain only matches IPv4 packets, which is what we want.
 *
 * <p><b>Why replace the whole table</b>: {@code add table; delete table; table { ... }} in one
 * transaction works whether the table existed or not, and the kernel applies all of it or none,
 * so there is never a moment with half the rules and never a leftover from an older plan.
 *
 * <p><b>The forward chain</b> has policy accept and holds only the plan's explicit accepts. In
 * nftables an accept ends only the chain it is in: the packet still traverses every other base
 * chain on the same hook (fw4's included), and a drop anywhere is final. So our chain can never
 * open a hole in the host's firewall nor close anything; its accepts are a place to count and
 * document forwarding the daemon relies on, and the host's firewall must allow that forwarding
 * itself (on OpenWrt: a fw4 zone forwarding).
 *
 * <p>Every interface name and CIDR has been validated by the records ({@link InterfaceNames},
 * {@link Ipv4Cidr}) before it reaches the text, so nothing can inject nftables syntax.
 */
public final class NatRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan";

    private final CommandRunner runner;
    private final Duration timeout;

    public NatRules(CommandRunner runner) {
        this(runner, CommandRunner.DEFAULT_TIMEOUT);
    }

    public NatRules(CommandRunner runner, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
    }

    /** The exact transaction {@link #apply} feeds to {@code nft -f -}; deterministic for a plan. */
    public static String render(NatPlan plan) {
        StringBuilder b = new StringBuilder();
        b.append("add table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("delete table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("table ").append(FAMILY).append(' ').append(TABLE).append(" {\n");
        b.append("\tchain postrouting {\n");
        b.append("\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        for (Masquerade m : plan.masquerades()) {
            b.append("\t\t");
            if (m.sourceCidr() != null) {
                b.append("ip saddr ").append(m.sourceCidr()).append(' ');
            }
            b.append("oifname \"").append(m.outInterface()).append("\" masquerade\n");
        }
        b.append("\t}\n");
        b.append("\tchain forward {\n");
        b.append("\t\ttype filter hook forward priority filter; policy accept;\n");
        for (ForwardAccept f : plan.forwardAccepts()) {
            b.append("\t\tiifname \"").append(f.inInterface()).append("\" oifname \"")
                    .append(f.outInterface()).append("\" accept\n");
        }
        b.append("\t}\n");
        b.append("}\n");
        return b.toString();
    }

    /** Replaces the table's whole content with the plan, atomically. */
    public void apply(NatPlan plan) {
        runner.check(List.of("nft", "-f", "-"), render(plan), timeout);
    }

    /** Deletes the table; no error if it is not there (the add makes the delete always valid). */
    public void remove() {
        runner.check(List.of("nft", "-f", "-"),
                "add table " + FAMILY + " " + TABLE + "\ndelete table " + FAMILY + " " + TABLE + "\n", timeout);
    }
}
