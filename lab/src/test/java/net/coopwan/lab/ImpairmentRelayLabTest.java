package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay on isp-1 of a real lab, between a probe in the router and an echo on the
 * concentrator's address in inet. One lab for the class (building one takes seconds); each test
 * resets the relay, and the lab is removed after the last test.
 */
class ImpairmentRelayLabTest {
    private static final String TARGET = Lab.CONCENTRATOR + ":" + Lab.DEFAULT_TUNNEL_PORT;
    private static Lab lab;
    private static RelayControl relay;

    @BeforeAll
    static void upLab() throws Exception {
        Lab.removeLeftovers();
        lab = Lab.builder().isps(1).relays(true).relaySeed(11).build();
        relay = lab.relay(1);
        Process echo = lab.spawnJava(Lab.INET, lab.logDir().resolve("echo.log"), UdpEcho.class,
                "--bind", TARGET, "--lifetime-ms", "170000");
        waitForLine(lab.logDir().resolve("echo.log"), "ready", echo);
    }

    @AfterAll
    static void downLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @AfterEach
    void resetRelay() {
        relay.reset();
    }

    private static void waitForLine(Path log, String start, Process p) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (Files.exists(log) && Files.readString(log).lines().anyMatch(l -> l.startsWith(start))) {
                return;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + start + "' in " + log + ": "
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    private static Map<String, Double> probe(String... args) {
        List<String> a = new ArrayList<>(List.of("--target", TARGET));
        a.addAll(List.of(args));
        Result r = lab.execJava(Lab.ROUTER, Duration.ofSeconds(30), UdpProbe.class, a.toArray(String[]::new))
                .orThrow();
        return UdpProbe.parse(r.stdout());
    }

    /** Stats once nothing is in flight any more (the relay may still hold delayed datagrams). */
    private static RelayControl.Stats quietStats() throws InterruptedException {
        RelayControl.Stats s = relay.stats();
        for (int i = 0; i < 50 && (s.up().queued() > 0 || s.down().queued() > 0); i++) {
            Thread.sleep(50);
            s = relay.stats();
        }
        assertTrue(s.up().addsUp(), s.up().toString());
        assertTrue(s.down().addsUp(), s.down().toString());
        return s;
    }

    @Test
    void relayIsTransparentRepliesComeFromTheConcentrator() throws Exception {
        Map<String, Double> p = probe("--count", "500", "--interval-us", "1000", "--wait-ms", "2000");
        assertEquals(500, p.get("received"), p.toString());
        assertEquals(0, p.get("wrong-source"), "replies seem to come from " + TARGET);
        RelayControl.Stats s = quietStats();
        assertEquals(500, s.up().received(), "every datagram went through the relay: " + s);
        assertEquals(500, s.up().forwarded());
        assertEquals(500, s.down().forwarded());
        assertEquals(0, s.up().dropped() + s.down().dropped());
    }

    @Test
    void lossOfTenPercentEachWay() throws Exception {
        relay.set("set both loss 10");
        Map<String, Double> p = probe("--count", "500", "--interval-us", "1000", "--wait-ms", "1000");
        // 0.9 * 0.9 of 500 come back: 405, binomial sd about 9.
        assertTrue(Math.abs(p.get("received") - 405) <= 35, p.toString());
        RelayControl.Stats s = quietStats();
        assertEquals(500, s.up().received());
        double upLoss = 100.0 * s.up().droppedLoss() / s.up().received();
        double downLoss = 100.0 * s.down().droppedLoss() / s.down().received();
        assertTrue(Math.abs(upLoss - 10) <= 4, "up loss " + upLoss);
        assertTrue(Math.abs(downLoss - 10) <= 4.5, "down loss " + downLoss);
        assertEquals(p.get("received"), (double) s.down().forwarded());
    }

    @Test
    void delayOfFiftyMillisecondsEachWayAddsAHundredToTheRoundTrip() {
        Map<String, Double> base = probe("--count", "50", "--interval-us", "10000", "--wait-ms", "1000");
        relay.set("set both delay 50");
        Map<String, Double> slow = probe("--count", "50", "--interval-us", "10000", "--wait-ms", "1000");
        assertEquals(50, slow.get("received"), slow.toString());
        double rise = slow.get("rtt-min-ms") - base.get("rtt-min-ms");
        assertTrue(rise >= 99 && rise <= 115, "rtt rose by " + rise + " ms: " + base + " -> " + slow);
        assertTrue(slow.get("rtt-avg-ms") >= 100 && slow.get("rtt-avg-ms") <= 140, slow.toString());
    }

    @Test
    void rateOfThousandKbitPerSecondLimitsThroughput() throws Exception {
        relay.set("set up rate 1000");
        relay.set("set up queue 200");
        // Offered: 1000-byte datagrams every 4 ms = 2 Mbit/s for 2 s, twice the rate.
        Map<String, Double> p = probe("--count", "500", "--interval-us", "4000", "--size", "1000",
                "--wait-ms", "1500");
        double kbps = p.get("rx-kbps");
        // The relay counts 28 header bytes per datagram; payload throughput is 1000/1028 of the rate.
        double expected = 1000.0 * 1000 / 1028;
        assertTrue(Math.abs(kbps - expected) <= 0.15 * expected, "throughput " + kbps + " kbit/s: " + p);
        RelayControl.Stats s = quietStats();
        assertTrue(s.up().droppedQueue() > 100, "queue overflowed: " + s.up());
        assertEquals(p.get("received"), (double) s.up().forwarded());
    }

    @Test
    void outageOfFiveHundredMillisecondsDropsWhatFallsInIt() throws Exception {
        Path log = lab.logDir().resolve("outage-probe.log");
        Process probe = lab.spawnJava(Lab.ROUTER, log, UdpProbe.class, "--target", TARGET, "--count", "300",
                "--interval-us", "10000", "--wait-ms", "1000");
        // Wait until traffic flows, then cut the link for 500 ms in the middle of the 3 s run.
        for (int i = 0; i < 100 && relay.stats().up().received() < 50; i++) {
            Thread.sleep(20);
        }
        relay.set("outage 500");
        assertTrue(probe.waitFor(20, TimeUnit.SECONDS), "probe finished");
        Map<String, Double> p = UdpProbe.parse(Files.readString(log).strip());
        RelayControl.Stats s = quietStats();
        long outageDrops = s.up().droppedOutage() + s.down().droppedOutage();
        // 500 ms at one datagram per 10 ms: 50, give or take one at each edge.
        assertTrue(s.up().droppedOutage() >= 48 && s.up().droppedOutage() <= 52, s.toString());
        assertEquals(300, s.up().received());
        assertEquals(300 - outageDrops, p.get("received"), "exactly the outage's datagrams are missing: " + p);
        assertEquals(0, s.up().droppedLoss() + s.up().droppedQueue());
    }

    @Test
    void garbageOfAnySizeIsRelayedAndTheRelaySurvives() throws Exception {
        Map<String, Double> g = probe("--garbage", "--count", "300", "--interval-us", "2000", "--seed", "5",
                "--wait-ms", "1000");
        assertEquals(300, g.get("sent"));
        assertEquals(0, g.get("wrong-source"));
        assertTrue(relay.alive());
        assertEquals("pong", relay.command("ping"));
        assertTrue(relay.command("set sideways loss 5").startsWith("error"));
        assertTrue(relay.command("set up loss 500").startsWith("error"));
        assertTrue(relay.command("bogus").startsWith("error"));
        RelayControl.Stats s = quietStats();
        assertEquals(300, s.up().received());
        assertEquals(g.get("received"), (double) s.down().forwarded());
        relay.reset();
        Map<String, Double> p = probe("--count", "50", "--interval-us", "2000", "--wait-ms", "1000");
        assertEquals(50, p.get("received"), "still relaying after garbage: " + p);
    }
}
