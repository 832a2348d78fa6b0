package net.coopwan.daemon.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.coopwan.config.ConfigLoader;
import net.coopwan.config.CoopwanConfig;
import net.coopwan.config.Latency;
import net.coopwan.daemon.steer.CommandResult;
import net.coopwan.daemon.steer.CommandRunner;
import net.coopwan.daemon.testing.ManualClock;

/** The order of kernel work at start and stop, with the OS replaced by a recording fake. */
class LatencyWiringTest {

    /** Records argv and stdin; {@code cat /proc/net/nf_conntrack} answers {@link #conntrack}. */
    static final class Fake implements CommandRunner {
        final List<String> lines = new ArrayList<>();
        String conntrack = "";
        long lcPackets;
        RuntimeException failConntrack;

        @Override
        public CommandResult run(List<String> argv, String stdin, Duration timeout) {
            String line = String.join(" ", argv);
            lines.add(stdin == null ? line : line + " <<" + stdin.lines().findFirst().orElse("") + "...");
            if (line.equals("cat /proc/net/nf_conntrack")) {
                if (failConntrack != null) {
                    throw failConntrack;
                }
                return CommandResult.ok(conntrack);
            }
            if (line.equals("nft list counters table inet coopwan_lc")) {
                return CommandResult.ok("table inet coopwan_lc {\n\tcounter lc_packets {\n\t\tpackets " + lcPackets
                        + " bytes 0\n\t}\n}\n");
            }
            if (line.startsWith("ip -4 -o addr show dev ")) {
                return CommandResult.ok("5: br-lan    inet 100.64.80.1/24 brd 100.64.80.255 scope global br-lan");
            }
            return CommandResult.ok("");
        }
    }

    @Test
    void startRemovesLeftoversThenAppliesAndStopRemoves() {
        Fake os = new Fake();
        List<String> log = new ArrayList<>();
        CoopwanConfig c = ConfigLoader.defaults();
        LatencyWiring w = LatencyWiring.start(c, os, new ManualClock(), false, log::add);
        assertEquals("nft -f - <<add table inet coopwan_lc...", os.lines.get(0));
        assertTrue(os.lines.get(1).startsWith("nft -f - <<add table inet coopwan_lc"));
        assertEquals("sysctl -q -w net.netfilter.nf_conntrack_acct=1", os.lines.get(2));
        assertEquals("ip -4 -o addr show dev br-lan", os.lines.get(3));
        assertEquals(4, os.lines.size());
        assertTrue(log.get(0).contains("latency classification on: 1 application type(s), DSCP rule b, ad hoc on, LAN [br-lan]"),
                log.toString());
        w.close();
        assertEquals("nft -f - <<add table inet coopwan_lc...", os.lines.get(4));
        assertEquals(5, os.lines.size());
    }

    @Test
    void theAdHocReadingUpgradesASteadyFlowAndSurvivesAFailedRead() {
        Fake os = new Fake();
        List<String> log = new ArrayList<>();
        ManualClock clock = new ManualClock();
        LatencyWiring w = LatencyWiring.start(ConfigLoader.defaults(), os, clock, false, log::add);
        int confirm = Latency.AdHoc.defaults().confirmS();
        for (int s = 0; s <= confirm; s++) {
            long pkts = 50L * (s + 1);
            os.conntrack = "ipv4 2 udp 17 29 src=100.64.80.2 dst=198.18.90.2 sport=40000 dport=7777 packets=" + pkts
                    + " bytes=" + pkts * 120 + " src=198.18.90.2 dst=198.18.81.1 sport=7777 dport=40000 packets=" + pkts
                    + " bytes=" + pkts * 120 + " mark=0 use=1";
            w.tick();
            clock.advanceMillis(1000);
        }
        assertTrue(os.lines.contains("nft -f - <<add element inet coopwan_lc adhoc { 100.64.80.2 . 40000 . 198.18.90.2 . 7777 }..."),
                os.lines.toString());
        assertTrue(os.lines.contains("nft -f - <<add element inet coopwan_lc learned { 198.18.90.2 . 7777 }..."),
                os.lines.toString());
        os.failConntrack = new net.coopwan.daemon.steer.SteerException("cat timed out");
        w.tick();
        assertTrue(log.get(log.size() - 1).contains("ad hoc reading failed: cat timed out"), log.toString());
        w.close();
    }

    @Test
    void lcTrafficIsCurrentWhileTheKernelsLcPacketCountGrows() {
        Fake os = new Fake();
        ManualClock clock = new ManualClock();
        LatencyWiring w = LatencyWiring.start(ConfigLoader.defaults(), os, clock, false, s -> { });
        w.tick();
        assertEquals(false, w.currentTraffic(), "no LC packet yet");
        os.lcPackets = 50;
        clock.advanceMillis(1000);
        w.tick();
        assertEquals(true, w.currentTraffic());
        clock.advanceMillis(1000);
        w.tick(); // unchanged count
        assertEquals(true, w.currentTraffic(), "D = 1000 ms after the reading that saw it");
        clock.advanceMillis(1);
        assertEquals(false, w.currentTraffic());
        w.close();
    }

    @Test
    void offRemovesLeftoversOnly() {
        Fake os = new Fake();
        Latency d = Latency.defaults();
        CoopwanConfig base = ConfigLoader.defaults();
        CoopwanConfig off = new CoopwanConfig(base.global(), base.uplinks(), base.peer(), base.offers(), base.web(),
                base.snmp(), base.bonds(), base.concentrator(), base.clients(), base.dataPlane(), base.emergency(),
                base.sharing(), base.suppression(), new Latency(false, d.apps(), d.dscpRule(), d.currentMs(), d.adHoc(), d.learn(),
                        d.learnLifetimeS()));
        List<String> log = new ArrayList<>();
        LatencyWiring w = LatencyWiring.start(off, os, new ManualClock(), false, log::add);
        w.tick();
        w.close();
        assertEquals(List.of("nft -f - <<add table inet coopwan_lc...", "nft -f - <<add table inet coopwan_lc..."), os.lines);
        assertTrue(log.get(0).contains("off"));
    }
}
