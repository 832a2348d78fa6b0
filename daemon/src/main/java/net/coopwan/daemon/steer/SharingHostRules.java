package net.coopwan.daemon.steer;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The borrower's copies of what names the hosts its LAN talks to (docs/PROTOCOL.md 3.13, "download
 * hosts"): the kernel forwards every packet as before and hands a copy of some to an NFLOG group,
 * where the daemon reads them ({@code nflog.NflogReader}). Copies only: the rules have no verdict,
 * so nothing is diverted or delayed, and a daemon that does not read loses the copies, not packets.
 *
 * <p>Table {@code inet coopwan_hosts}:
 * <pre>
 * output  (the router's own resolver answering the LAN):
 *   oifname @lans ipv4 udp sport 53 / tcp sport 53: log group G snaplen S
 * forward (answers of a resolver elsewhere, and the first data of new web sessions):
 *   oifname @lans ipv4 udp sport 53 / tcp sport 53: log group G snaplen S
 *   iifname @lans tcp dport @web ip length > 80, flow not in @looked: add to @looked, log group G snaplen S
 * </pre>
 * {@code ip length > 80} is more than an IPv4 and a TCP header can be without options of IP, so the
 * segment carries data: the ClientHello or the HTTP request, which the client sends first.
 * {@code looked} (source, source port, destination; {@value #LOOKED_SIZE} flows, {@value
 * #LOOKED_TIMEOUT_S} s) lets only the first such segment of a session through: conntrack's packet
 * counters would do, but they count only with {@code nf_conntrack_acct} on, and ours must not
 * depend on a sysctl. When {@code looked} is full, the add fails and no copy is made: a session not
 * learned from, never one slowed down.
 *
 * <p>A table of its own, not {@code coopwan_share}: that one exists only while a path to a sharer is
 * open, but learning runs whenever this router may borrow, since a LAN host asks once and uses the
 * answer for its TTL. Idempotent (the table is replaced whole); not thread-safe.
 */
public final class SharingHostRules {

    public static final String FAMILY = "inet";
    public static final String TABLE = "coopwan_hosts";
    /** Mirrors the borrower's rule priority 31085. */
    public static final int DEFAULT_GROUP = 31085;
    /** Bytes of each packet copied: a whole ordinary DNS answer, the first segment of a ClientHello. */
    public static final int SNAPLEN = 4096;
    static final int LOOKED_SIZE = 8192;
    static final int LOOKED_TIMEOUT_S = 30;

    private final CommandRunner runner;
    private final int group;
    private final Duration timeout = CommandRunner.DEFAULT_TIMEOUT;

    public SharingHostRules(CommandRunner runner, int group) {
        this.runner = runner;
        this.group = SteerRanges.requireNflogGroup(group);
    }

    public int group() {
        return group;
    }

    /** Copies of DNS answers to {@code lanDevices} and of the first data of web sessions from them. */
    public void apply(List<String> lanDevices, Set<Integer> webPorts) {
        runner.check(List.of("nft", "-f", "-"), render(lanDevices, webPorts, group), timeout);
    }

    /** The table gone (stop, and start after a kill -9); absent is fine. */
    public void removeAll() {
        runner.check(List.of("nft", "-f", "-"), "add table " + FAMILY + " " + TABLE + "\ndelete table " + FAMILY + " "
                + TABLE + "\n", timeout);
    }

    /** The table, replaced whole; deterministic. */
    public static String render(List<String> lanDevices, Set<Integer> webPorts, int group) {
        if (lanDevices.isEmpty()) {
            throw new IllegalArgumentException("no LAN device to learn from");
        }
        lanDevices.forEach(InterfaceNames::require);
        if (webPorts.isEmpty() || webPorts.size() > 16) {
            throw new IllegalArgumentException("1-16 ports, got " + webPorts.size());
        }
        for (int p : webPorts) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port " + p + " is not 1..65535");
            }
        }
        String lans = new TreeSet<>(lanDevices).stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(", ", "{ ", " }"));
        String ports = new TreeSet<>(webPorts).stream().map(String::valueOf).collect(Collectors.joining(", ", "{ ", " }"));
        String copy = "log group " + group + " snaplen " + SNAPLEN + " queue-threshold 1";
        String flow = "ip saddr . tcp sport . ip daddr";
        StringBuilder b = new StringBuilder();
        b.append("add table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("delete table ").append(FAMILY).append(' ').append(TABLE).append('\n');
        b.append("table ").append(FAMILY).append(' ').append(TABLE).append(" {\n");
        b.append("\tset lans {\n\t\ttype ifname\n\t\telements = ").append(lans).append("\n\t}\n");
        b.append("\tset web {\n\t\ttype inet_service\n\t\telements = ").append(ports).append("\n\t}\n");
        b.append("\tset looked {\n\t\ttypeof ").append(flow).append("\n\t\tsize ").append(LOOKED_SIZE)
                .append("\n\t\tflags dynamic,timeout\n\t\ttimeout ").append(LOOKED_TIMEOUT_S).append("s\n\t}\n");
        for (String hook : List.of("output", "forward")) {
            b.append("\tchain ").append(hook).append(" {\n");
            b.append("\t\ttype filter hook ").append(hook).append(" priority filter; policy accept;\n");
            for (String proto : List.of("udp", "tcp")) {
                b.append("\t\toifname @lans meta nfproto ipv4 ").append(proto).append(" sport 53 ").append(copy).append('\n');
            }
            if (hook.equals("forward")) {
                b.append("\t\tiifname @lans meta nfproto ipv4 tcp dport @web ip length > 80 ").append(flow)
                        .append(" != @looked add @looked { ").append(flow).append(" } ").append(copy).append('\n');
            }
            b.append("\t}\n");
        }
        b.append("}\n");
        return b.toString();
    }
}
