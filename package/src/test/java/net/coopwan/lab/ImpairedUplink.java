package net.coopwan.lab;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import net.coopwan.daemon.tun.LinuxTunDevices;
import net.coopwan.daemon.tun.TunDevice;

/**
 * Router a's ISP link of a {@link NeighbourLab} made into a real line: delay, jitter and loss
 * (random or in bursts, {@link LinkImpairment.GilbertElliott}) on every IP packet that crosses it,
 * each direction apart. The kernel here has no netem, so inet policy-routes the link's packets
 * into a TUN device whose other end is this relay; the relay holds each packet as the direction's
 * {@link LinkImpairment} says (the {@link ReleaseQueue} the UDP relay uses too) and writes it back
 * into the TUN, from where inet routes it on as if it had just arrived.
 *
 * <pre>
 *   a ---- inetToA ==(rule: iif inetToA)==&gt; TUN -&gt; relay (up) -&gt; TUN ==(iif TUN: main)==&gt; server, b, ...
 *   a &lt;--- inetToA &lt;==(iif TUN: main)== TUN &lt;- relay (down) &lt;- TUN &lt;==(rule: to a's /30)== everything else
 * </pre>
 *
 * The cuts of the lab (link down, black-hole) still act on inetToA. The TUN is opened here and
 * moved into inet, so the relay runs in the test's JVM; it goes with the namespace or on
 * {@link #close}.
 */
final class ImpairedUplink implements AutoCloseable {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int TABLE = 77;

    private final NeighbourLab lab;
    private final TunDevice tun;
    private final ReleaseQueue<Void> up;
    private final ReleaseQueue<Void> down;
    private final List<Thread> threads = new ArrayList<>();
    private final String spec;
    private volatile boolean running = true;
    private long notIpv4;

    /**
     * @param spec settings for both directions, {@code ;}-separated {@code name=value}, names as the
     *             UDP relay's control ({@code delay}, {@code jitter}, {@code loss}, {@code ge},
     *             {@code gemean}, {@code fades}, {@code rate}, {@code queue}, {@code reorder},
     *             {@code steps}, whose offsets count from here), e.g.
     *             {@code delay=15;jitter=5;ge=1,25,100} or {@code delay=30;jitter=5;gemean=1,4;steps=10000:60:10};
     *             {@code up.NAME} or {@code down.NAME} for one direction
     */
    ImpairedUplink(NeighbourLab lab, String spec, long seed) throws IOException {
        this.lab = lab;
        this.spec = spec;
        long start = System.nanoTime();
        LinkImpairment upModel = new LinkImpairment(seed, start);
        LinkImpairment downModel = new LinkImpairment(seed + 1_000_003L, start);
        apply(spec, upModel, downModel);
        String name = lab.inetToA().replaceFirst("ia$", "im");
        this.tun = new LinuxTunDevices().open(name);
        boolean ok = false;
        try {
            String inet = lab.ns("inet");
            run("ip", "link", "set", name, "netns", inet);
            ByteBuffer upBuf = ByteBuffer.allocateDirect(65536);
            ByteBuffer downBuf = ByteBuffer.allocateDirect(65536);
            this.up = new ReleaseQueue<>("up", upModel, (b, x) -> write(upBuf, b), 20_000, 64L << 20);
            this.down = new ReleaseQueue<>("down", downModel, (b, x) -> write(downBuf, b), 20_000, 64L << 20);
            // A packet written into the TUN arrives from it: from the server's own address when it
            // goes down to a (accept_local), and from a's side on the way up (no reverse-path check).
            run("ip", "netns", "exec", inet, "sysctl", "-q", "-w", "net.ipv4.conf." + name + ".accept_local=1",
                    "net.ipv4.conf." + name + ".rp_filter=0", "net.ipv4.conf.all.rp_filter=0");
            // The server's own TCP segments come back in through the TUN on their way to a, and early
            // demux takes them for its socket's: every segment after the handshake was lost, so no
            // TCP session with data crossed the line (found by the sharing benchmark; its bulk
            // downloads from the server got nothing). Without early demux they are routed on.
            run("ip", "netns", "exec", inet, "sysctl", "-q", "-w", "net.ipv4.tcp_early_demux=0", "net.ipv4.ip_early_demux=0");
            run("ip", "-n", inet, "link", "set", name, "up");
            run("ip", "-n", inet, "route", "add", "default", "dev", name, "table", String.valueOf(TABLE));
            // The local table comes after our rules (it is rule 0 by default): a's packets to the
            // server, an address of inet itself, must go through the relay too.
            run("ip", "-n", inet, "rule", "add", "pref", "10", "iif", name, "lookup", "local");
            run("ip", "-n", inet, "rule", "add", "pref", "11", "iif", name, "lookup", "main");
            // a's pings to its gateway (a probe target) cross the relay; the gateway's ARP must
            // not (its route lookup has no protocol): it finds the address local, as by default.
            run("ip", "-n", inet, "rule", "add", "pref", "12", "iif", lab.inetToA(), "to", NeighbourLab.A_GATEWAY,
                    "ipproto", "icmp", "lookup", String.valueOf(TABLE));
            run("ip", "-n", inet, "rule", "add", "pref", "13", "iif", lab.inetToA(), "to", NeighbourLab.A_GATEWAY,
                    "lookup", "local");
            run("ip", "-n", inet, "rule", "add", "pref", "14", "iif", lab.inetToA(), "lookup", String.valueOf(TABLE));
            run("ip", "-n", inet, "rule", "add", "pref", "15", "to", NeighbourLab.A_WAN + "/30", "lookup",
                    String.valueOf(TABLE));
            run("ip", "-n", inet, "rule", "add", "pref", "20", "lookup", "local");
            run("ip", "-n", inet, "rule", "del", "pref", "0");
            threads.add(thread("impaired-uplink-read", this::readLoop));
            threads.add(thread("impaired-uplink-up", () -> up.pump(() -> running)));
            threads.add(thread("impaired-uplink-down", () -> down.pump(() -> running)));
            ok = true;
        } finally {
            if (!ok) {
                tun.close();
            }
        }
    }

    /** Applies {@code spec} (see the constructor) to the two models; throws on a bad setting. */
    static void apply(String spec, LinkImpairment upModel, LinkImpairment downModel) {
        for (String part : spec.split(";")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("uplink setting NAME=VALUE wanted, got '" + part + "'");
            }
            String name = p.substring(0, eq);
            String value = p.substring(eq + 1);
            if (name.startsWith("up.")) {
                ImpairmentRelay.set(upModel, name.substring(3), value);
            } else if (name.startsWith("down.")) {
                ImpairmentRelay.set(downModel, name.substring(5), value);
            } else {
                ImpairmentRelay.set(upModel, name, value);
                ImpairmentRelay.set(downModel, name, value);
            }
        }
    }

    String spec() {
        return spec;
    }

    /** e.g. {@code up: 52113 in, 1720 lost; down: 60321 in, 1811 lost}. */
    String stats() {
        LinkImpairment.Stats u = up.model().stats(up.queued());
        LinkImpairment.Stats d = down.model().stats(down.queued());
        return String.format(Locale.ROOT, "up %d packets, %d lost (%.1f %%); down %d packets, %d lost (%.1f %%)%s",
                u.received(), u.droppedLoss(), pct(u.droppedLoss(), u.received()), d.received(), d.droppedLoss(),
                pct(d.droppedLoss(), d.received()), notIpv4 > 0 ? "; " + notIpv4 + " not IPv4, dropped" : "");
    }

    private static double pct(long part, long whole) {
        return whole == 0 ? 0 : part * 100.0 / whole;
    }

    private boolean write(ByteBuffer direct, ByteBuffer packet) throws IOException {
        synchronized (direct) {
            direct.clear();
            direct.put(packet);
            direct.flip();
            return tun.write(direct) > 0;
        }
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        while (running) {
            try {
                buf.clear();
                int n = tun.read(buf, 250);
                if (n <= 0) {
                    continue;
                }
                buf.flip();
                if (n < 20 || (buf.get(0) >> 4) != 4) {
                    notIpv4++;
                    continue;
                }
                // towards a: its /30 (198.18.31.0/30); anything else came from a
                boolean towardsA = (buf.getInt(16) & 0xFFFFFFFC) == 0xC6121F00;
                (towardsA ? down : up).offer(buf, null);
            } catch (IOException e) {
                if (running) {
                    System.err.println("impaired uplink: read: " + e.getMessage());
                }
                return;
            }
        }
    }

    private static Thread thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void run(String... argv) {
        Commands.run(T, List.of(argv)).orThrow();
    }

    /** Stops the relay and takes the rules out; the namespace's end removes them anyway. */
    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        String inet = lab.ns("inet");
        Commands.run(T, List.of("ip", "-n", inet, "rule", "add", "pref", "0", "lookup", "local"));
        for (String pref : List.of("10", "11", "12", "13", "14", "15", "20")) {
            Commands.run(T, List.of("ip", "-n", inet, "rule", "del", "pref", pref));
        }
        tun.close();
    }
}
