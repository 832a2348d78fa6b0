package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.suppression.LcLossDetector;
import net.coopwan.daemon.coop.suppression.LcPathProbe;
import net.coopwan.daemon.coop.suppression.PathQualityDetector;
import net.coopwan.daemon.coop.suppression.SuppressionFeeds;
import net.coopwan.daemon.coop.suppression.SuppressionPolicy;
import net.coopwan.daemon.coop.suppression.TrafficCapDetector;
import net.coopwan.daemon.coop.suppression.UplinkLoad;
import net.coopwan.daemon.uplink.failure.IcmpProber;
import net.coopwan.daemon.uplink.failure.ProbeTarget;
import net.coopwan.daemon.uplink.failure.SysfsDeviceReader;

/**
 * Suppression's feeds against a real kernel: the daemon's own probe (uplink-failure's ICMP prober,
 * bound to the "uplink" {@code sfp0}) towards the "gateway" 100.64.172.2 in namespace gw, whose
 * egress towards us is the access line (tbf 8 Mbit/s, 200 ms buffer), and the uplink's sysfs byte
 * counters. A download from gw fills the line's queue: the probe's RTT rises and the path detector
 * and the policy see it; the download's rate passes the configured down cap. When it ends the
 * queue drains and the issue clears; when LC traffic stops the probes stop.
 *
 * <p>The uplink end {@code sfp0} lives in the test JVM's namespace (the probe socket is bound to a
 * device of the caller's namespace) with an address of 100.64.0.0/10; deleting gw deletes the
 * pair. Prefix {@code sf}.
 */
class SuppressionFeedsNetnsTest {
    static final String PREFIX = "sf";
    static final String UPLINK = "sfp0";
    static final String GW = "100.64.172.2";
    static final int BULK_PORT = 47762;
    static final long MS = 1_000_000L;
    static final Duration T = Duration.ofSeconds(10);
    static final ProcessCommandRunner HOST = new ProcessCommandRunner();

    @BeforeAll
    static void clean() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        Netns.removeLeftovers(PREFIX);
        HOST.run(List.of("ip", "link", "del", UPLINK), null, T); // a killed run's end; absent is fine
    }

    /** The feeds, stepped by the test every 50 ms for {@code ms}, LC traffic current throughout when {@code lc}. */
    static final class Rig {
        final PathQualityDetector path = new PathQualityDetector();
        final TrafficCapDetector caps = new TrafficCapDetector(0, 500_000); // 4 Mbit/s down
        final SuppressionPolicy policy = new SuppressionPolicy(1000 * MS, List.of(path, caps));
        final LcPathProbe probe;
        final SuppressionFeeds feeds;
        final List<String> transitions = new ArrayList<>();
        boolean sawPathIssue;
        boolean sawCapIssue;
        String pathWhy = "";

        Rig() throws java.io.IOException {
            probe = new LcPathProbe(IcmpProber.open(ProbeTarget.icmp((Inet4Address) InetAddress.getByName(GW)), UPLINK, null),
                    path);
            feeds = new SuppressionFeeds(List.of(probe), new UplinkLoad(List.of(UPLINK), new SysfsDeviceReader()::bytes, caps),
                    new LcLossDetector(), policy::lcCurrent, this);
        }

        void run(long ms, boolean lc) throws InterruptedException {
            sawPathIssue = false;
            sawCapIssue = false;
            long end = System.nanoTime() + ms * MS;
            while (System.nanoTime() < end) {
                long now = System.nanoTime();
                if (lc) {
                    policy.lcPacket(now);
                }
                feeds.step(now);
                if (path.issue(now)) {
                    sawPathIssue = true;
                    pathWhy = path.why(now);
                }
                sawCapIssue |= caps.issue(now);
                SuppressionPolicy.Transition t = policy.evaluate(now);
                if (t != null) {
                    transitions.add(t.from() + "->" + t.to() + ": " + t.reason());
                }
                // the feeds thread's pace: 2 ms while a probe is out, else 50 ms
                Thread.sleep(feeds.waiting() ? 2 : 50);
            }
        }
    }

    @Test
    void aFilledLineIsSeenByTheProbeAndTheCapsAndClearsWhenItDrains() throws Exception {
        Netns gw = Netns.create(PREFIX);
        try {
            HOST.check(List.of("ip", "link", "add", UPLINK, "type", "veth", "peer", "name", "sfq0", "netns", gw.name), null, T);
            HOST.check(List.of("ip", "addr", "add", "100.64.172.1/30", "dev", UPLINK), null, T);
            HOST.check(List.of("ip", "link", "set", UPLINK, "up"), null, T);
            gw.sh("ip", "addr", "add", GW + "/30", "dev", "sfq0");
            gw.sh("ip", "link", "set", "sfq0", "up");
            gw.sh("tc", "qdisc", "add", "dev", "sfq0", "root", "tbf", "rate", "8mbit", "burst", "32kb", "latency", "200ms");
            try (NetnsProcess bulk = new NetnsProcess(gw, "python3", "-c", SuppressionDownloadNetnsTest.BULK_SERVER,
                    String.valueOf(BULK_PORT), "cubic")) {
                assertEquals("ready", bulk.line(T));
                Rig rig = new Rig();
                try {
                    rig.run(4000, true);
                    long base = rig.path.baselineRttMicros();
                    assertTrue(rig.probe.answered() >= 15, "probes answered: " + rig.probe.answered());
                    // measured 3-9 ms: the baseline starts at the first sample (a cold JVM's first probe
                    // and reply, JIT included) and moves with a 30 s time constant; the 50 ms step gave 56 ms
                    assertTrue(base < 20_000, "the idle line's RTT, not the feed's step: " + base + " us");
                    assertFalse(rig.sawPathIssue, rig.pathWhy);
                    assertEquals(SuppressionPolicy.State.WATCHING, rig.policy.state(), rig.transitions.toString());

                    AtomicLong got = new AtomicLong();
                    Thread download = new Thread(() -> {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(GW, BULK_PORT), 5000);
                            s.setSoTimeout(1000);
                            InputStream in = s.getInputStream();
                            byte[] buf = new byte[1 << 16];
                            long end = System.nanoTime() + 5000 * MS;
                            for (int n; System.nanoTime() < end && (n = in.read(buf)) >= 0; ) {
                                got.addAndGet(n);
                            }
                        } catch (java.io.IOException e) {
                            // the assertions below say what did not happen
                        }
                    }, "sf-download");
                    download.start();
                    rig.run(5000, true);
                    download.join(10_000);
                    boolean loadedIssue = rig.sawPathIssue;
                    boolean capIssue = rig.sawCapIssue;
                    String loadedWhy = rig.pathWhy;
                    List<String> loadedTransitions = List.copyOf(rig.transitions);
                    rig.run(7000, true);
                    boolean drainedIssue = rig.sawPathIssue;
                    long sentBeforeIdle = rig.probe.sent();
                    rig.run(3000, false);
                    long sentIdle = rig.probe.sent() - sentBeforeIdle;
                    System.out.printf("SuppressionFeedsNetnsTest baseline %d us, download %d B in 5 s, loaded: %s, "
                            + "transitions %s, probes sent %d answered %d lost %d, sent in 3 s without LC %d%n",
                            base, got.get(), loadedWhy, rig.transitions, rig.probe.sent(), rig.probe.answered(),
                            rig.probe.lost(), sentIdle);
                    assertTrue(got.get() > 2_500_000, "the download ran: " + got.get());
                    assertTrue(loadedIssue && loadedWhy.startsWith("rtt"), "the filled queue is seen: " + loadedWhy);
                    assertTrue(loadedTransitions.stream().anyMatch(t -> t.startsWith("WATCHING->ENFORCING")),
                            "the policy enforces: " + loadedTransitions);
                    assertTrue(capIssue, "the down cap (500 kB/s) was passed too");
                    assertEquals(2, loadedTransitions.size(), "no flapping while loaded (the hold): " + loadedTransitions);
                    assertEquals(SuppressionPolicy.State.IDLE, rig.policy.state(), "no LC: idle " + rig.transitions);
                    assertTrue(sentIdle <= 5, "probes stop within D of the last LC packet: " + sentIdle);
                    assertTrue(rig.transitions.stream().anyMatch(t -> t.startsWith("ENFORCING->WATCHING")),
                            "the issue clears when the queue drains: " + rig.transitions + " (last 4 s issue " + drainedIssue + ")");
                } finally {
                    rig.feeds.close();
                }
            }
        } finally {
            gw.close();
            HOST.run(List.of("ip", "link", "del", UPLINK), null, T);
        }
    }
}
