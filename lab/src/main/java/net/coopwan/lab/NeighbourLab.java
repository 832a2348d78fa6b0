package net.coopwan.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two households side by side, for the cooperation features (emergency failover first): each
 * router has its own ISP, the two routers share a peer link, and a LAN host sits behind router a.
 *
 * <pre>
 *  lan host 100.64.20.2 --- 100.64.20.1 router a 198.18.31.2 ---- 198.18.31.1 \
 *                                        100.64.79.1                            inet (server 198.18.9.2,
 *                                                                                     concentrator 198.18.9.3)
 *                                           | peer link                         /
 *                                        100.64.79.2 router b 198.18.32.2 ---- 198.18.32.1
 * </pre>
 *
 * Namespaces {@code PREFIX-lan}, {@code -a}, {@code -b}, {@code -inet}; each router masquerades
 * its LAN out of its own uplink and forwards (what OpenWrt's firewall does at home), inet routes
 * the two ISP links and holds the server's address on its loopback. Cuts are made on inet's side
 * of a's ISP link: {@link #linkDown} (a sees its carrier go) and {@link #blackhole} (a silent
 * drop in both directions: a's carrier stays up, nothing comes back). Addresses only from
 * 100.64.0.0/10 and 198.18.0.0/15; {@link #close} deletes everything, also after a failure.
 */
public final class NeighbourLab implements AutoCloseable {
    public static final String LAN_HOST = "100.64.20.2";
    public static final String A_LAN = "100.64.20.1";
    public static final String A_WAN = "198.18.31.2";
    public static final String A_GATEWAY = "198.18.31.1";
    public static final String B_WAN = "198.18.32.2";
    public static final String B_GATEWAY = "198.18.32.1";
    public static final String A_PEER = "100.64.79.1";
    public static final String B_PEER = "100.64.79.2";
    public static final String SERVER = "198.18.9.2";
    /** Where a concentrator listens in inet, beside the server (mode concentrator). */
    public static final String CONCENTRATOR = "198.18.9.3";
    private static final Duration T = Duration.ofSeconds(10);

    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private boolean blackholed;

    /** Builds the lab under {@code prefix} (at most 8 characters: interface names are prefix + 2). */
    public NeighbourLab(String prefix) {
        if (!prefix.matches("[a-z][a-z0-9]{1,7}")) {
            throw new IllegalArgumentException("prefix must be 2-8 of a-z 0-9, got '" + prefix + "'");
        }
        this.prefix = prefix;
        boolean ok = false;
        try {
            build();
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    public String ns(String role) {
        return prefix + "-" + role;
    }

    /** Router a's devices: LAN, uplink, peer link. */
    public String aLan() {
        return prefix + "al";
    }

    public String aWan() {
        return prefix + "aw";
    }

    public String aPeer() {
        return prefix + "ap";
    }

    public String bWan() {
        return prefix + "bw";
    }

    public String bPeer() {
        return prefix + "bp";
    }

    /** inet's end of b's ISP link. */
    public String inetToB() {
        return prefix + "ib";
    }

    /** inet's end of a's ISP link: where the cuts are made. */
    public String inetToA() {
        return prefix + "ia";
    }

    private void build() {
        for (String role : List.of("lan", "a", "b", "inet")) {
            run("ip", "netns", "add", ns(role));
            namespaces.add(ns(role));
            run("ip", "-n", ns(role), "link", "set", "lo", "up");
        }
        veth(ns("lan"), prefix + "lh", LAN_HOST + "/24", ns("a"), aLan(), A_LAN + "/24");
        veth(ns("a"), aWan(), A_WAN + "/30", ns("inet"), inetToA(), A_GATEWAY + "/30");
        veth(ns("b"), bWan(), B_WAN + "/30", ns("inet"), inetToB(), B_GATEWAY + "/30");
        veth(ns("a"), aPeer(), A_PEER + "/24", ns("b"), bPeer(), B_PEER + "/24");
        run("ip", "-n", ns("lan"), "route", "add", "default", "via", A_LAN);
        run("ip", "-n", ns("a"), "route", "add", "default", "via", A_GATEWAY);
        run("ip", "-n", ns("b"), "route", "add", "default", "via", B_GATEWAY);
        run("ip", "-n", ns("inet"), "addr", "add", SERVER + "/32", "dev", "lo");
        run("ip", "-n", ns("inet"), "addr", "add", CONCENTRATOR + "/32", "dev", "lo");
        for (String r : List.of("a", "b", "inet")) {
            run("ip", "netns", "exec", ns(r), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        }
        // what fw4 does at home: the LAN leaves with the uplink's address
        home("a", aWan());
        home("b", bWan());
    }

    private void home(String router, String wan) {
        Commands.run(T, List.of("ip", "netns", "exec", ns(router), "nft", "-f", "-"), String.join("\n",
                "table ip lab_home {",
                "\tchain post {",
                "\t\ttype nat hook postrouting priority srcnat; policy accept;",
                "\t\toifname \"" + wan + "\" masquerade",
                "\t}",
                "}", "")).orThrow();
    }

    private void veth(String ns1, String dev1, String addr1, String ns2, String dev2, String addr2) {
        run("ip", "link", "add", dev1, "netns", ns1, "type", "veth", "peer", "name", dev2, "netns", ns2);
        run("ip", "-n", ns1, "addr", "add", addr1, "dev", dev1);
        run("ip", "-n", ns2, "addr", "add", addr2, "dev", dev2);
        run("ip", "-n", ns1, "link", "set", dev1, "up");
        run("ip", "-n", ns2, "link", "set", dev2, "up");
    }

    /** Takes inet's end of a's ISP link down (a's device loses its carrier) or up again. */
    public void linkDown(boolean down) {
        run("ip", "-n", ns("inet"), "link", "set", inetToA(), down ? "down" : "up");
    }

    /** Drops every packet on a's ISP link in both directions at inet, or stops dropping. */
    public void blackhole(boolean on) {
        if (on == blackholed) {
            return;
        }
        String text = on ? String.join("\n",
                "table inet lab_blackhole {",
                "\tchain pre {",
                "\t\ttype filter hook prerouting priority -300; policy accept;",
                "\t\tiifname \"" + inetToA() + "\" counter drop",
                "\t}",
                "\tchain post {",
                "\t\ttype filter hook postrouting priority 300; policy accept;",
                "\t\toifname \"" + inetToA() + "\" counter drop",
                "\t}",
                "}", "")
                : "delete table inet lab_blackhole\n";
        Commands.run(T, List.of("ip", "netns", "exec", ns("inet"), "nft", "-f", "-"), text).orThrow();
        blackholed = on;
    }

    /**
     * Drops each packet on a's ISP link with probability {@code percent}/100 in both directions
     * (nftables' random numbers; the kernel has no netem), or stops with 0.
     */
    public void randomLoss(int percent) {
        randomLoss(percent, 0);
    }

    /**
     * Drops each packet on a's ISP link with probability {@code aPercent}/100 and on b's with
     * {@code bPercent}/100, both directions, each packet drawn on its own (independent losses, so
     * a packet sent once on each line is lost with the product); 0 and 0 stops.
     */
    public void randomLoss(int aPercent, int bPercent) {
        Commands.run(T, List.of("ip", "netns", "exec", ns("inet"), "nft", "-f", "-"),
                "add table inet lab_loss\ndelete table inet lab_loss\n").orThrow();
        if (aPercent <= 0 && bPercent <= 0) {
            return;
        }
        List<String> pre = new ArrayList<>();
        List<String> post = new ArrayList<>();
        for (String[] line : new String[][] {{inetToA(), Integer.toString(aPercent)}, {inetToB(), Integer.toString(bPercent)}}) {
            if (Integer.parseInt(line[1]) > 0) {
                pre.add("\t\tiifname \"" + line[0] + "\" numgen random mod 100 < " + line[1] + " counter drop");
                post.add("\t\toifname \"" + line[0] + "\" numgen random mod 100 < " + line[1] + " counter drop");
            }
        }
        List<String> text = new ArrayList<>(List.of("table inet lab_loss {", "\tchain pre {",
                "\t\ttype filter hook prerouting priority -300; policy accept;"));
        text.addAll(pre);
        text.addAll(List.of("\t}", "\tchain post {", "\t\ttype filter hook postrouting priority 300; policy accept;"));
        text.addAll(post);
        text.addAll(List.of("\t}", "}", ""));
        Commands.run(T, List.of("ip", "netns", "exec", ns("inet"), "nft", "-f", "-"), String.join("\n", text)).orThrow();
    }

    /** {@code argv} inside the namespace of {@code role}. */
    public List<String> in(String role, String... argv) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns(role)));
        c.addAll(Arrays.asList(argv));
        return c;
    }

    /** Runs {@code argv} inside {@code role}'s namespace (bounded), returning its result. */
    public Result exec(String role, String... argv) {
        return Commands.run(Duration.ofSeconds(60), in(role, argv));
    }

    private static void run(String... argv) {
        Commands.run(T, List.of(argv)).orThrow();
    }

    /** Deletes every namespace (their devices go with them); never throws. */
    @Override
    public void close() {
        for (String ns : namespaces) {
            Commands.run(T, List.of("ip", "netns", "pids", ns)).stdout().lines().forEach(pid ->
                    Commands.run(T, List.of("kill", "-9", pid.trim())));
            Commands.run(T, List.of("ip", "netns", "del", ns));
        }
        namespaces.clear();
    }

    /** Deletes namespaces named {@code PREFIXxxxx-role} that a killed earlier run left. */
    public static void removeLeftovers(String prefixStart) {
        for (String line : Commands.run(T, List.of("ip", "netns", "list")).stdout().split("\n")) {
            String ns = line.split(" ")[0].trim();
            if (ns.startsWith(prefixStart) && ns.matches("[a-z0-9]+-(lan|a|b|inet)")) {
                Commands.run(T, List.of("ip", "netns", "pids", ns)).stdout().lines().forEach(pid ->
                        Commands.run(T, List.of("kill", "-9", pid.trim())));
                Commands.run(T, List.of("ip", "netns", "del", ns));
            }
        }
    }
}
