package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import net.coopwan.lab.ChannelLabIT.Router;

/**
 * Emergency failover, mode direct, with two packaged daemons in {@link NeighbourLab}: routers a
 * and b pair, b's owner approves an emergency agreement, and a LAN host behind a sends a 50 pps
 * UDP stream to the server. Router a's uplink is then black-holed (silently, carrier up) and,
 * separately, taken down (carrier lost); the server's receive log (CLOCK_MONOTONIC, the same
 * clock as this test's) shows when the stream arrives from b's address and, after the repair,
 * from a's again. Also: a TCP session established before the switch gets an RST (reset policy
 * all), a short TCP connection during the emergency works through b, b's owner can end the
 * emergency, and after a kill -9 of b's daemon during an emergency and a restart, b has no
 * emergency table or rule left and still has its agreement.
 *
 * <p>Namespaces {@code cwe<4 hex>-{lan,a,b,inet}}, deleted in finally; leftovers of an earlier
 * run are deleted first. Prints the measured times.
 */
class EmergencyLabIT {
    static final int PORT = 4793;
    static final int STREAM_PORT = 9000;
    static final String PREFIX = System.getProperty("emergency.lab.prefix", "cwe");
    static final String APPROVED = "emergency:bandwidth_kbps=5000,quota_bytes=50000000,window_ms=1000";

    @TempDir
    Path dir;

    @BeforeAll
    static void removeLeftovers() {
        NeighbourLab.removeLeftovers(PREFIX);
    }

    /** a's failover section, the demo's. */
    static String emergencySection(NeighbourLab lab) {
        return EmergencyDemo.failoverSection(lab);
    }

    /** The stream's arrivals: nanos and source address per datagram. */
    record Arrival(long nanos, String source) {
    }

    static List<Arrival> arrivals(Path file) throws IOException {
        List<Arrival> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String l : Files.readAllLines(file)) {
            String[] p = l.split(" ");
            if (p.length == 3) {
                out.add(new Arrival(Long.parseLong(p[0]), p[1]));
            }
        }
        return out;
    }

    /** Milliseconds from {@code since} to the first datagram from {@code source} after it; waits up to 15 s. */
    static long firstFrom(Path file, String source, long since) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < until) {
            for (Arrival a : arrivals(file)) {
                if (a.nanos() > since && a.source().equals(source)) {
                    return (a.nanos() - since) / 1_000_000;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no datagram from " + source + " within 15 s");
    }

    /** Pairs a and b by code and has b's owner approve {@link #APPROVED}; returns {idA, idB}. */
    static String[] pairAndAgree(Router a, Router b) throws Exception {
        return pairAndAgree(a, b, APPROVED);
    }

    /** Pairs a and b by code and has b's owner approve {@code approved} (each TYPE:PARAM=VALUE,...); returns {idA, idB}. */
    static String[] pairAndAgree(Router a, Router b, String... approved) throws Exception {
        AgreementLabIT.awaitListening(a, b);
        String idA = AgreementLabIT.channel(AgreementLabIT.rpc(a, "peers", null)).path("routerId").asText();
        String idB = AgreementLabIT.channel(AgreementLabIT.rpc(b, "peers", null)).path("routerId").asText();
        String code = AgreementLabIT.rpc(a, "pair.start", "{\"address\":\"" + NeighbourLab.B_PEER + "\"}")
                .path("code").asText();
        AgreementLabIT.rpc(b, "pair.enter", "{\"address\":\"" + NeighbourLab.A_PEER + "\",\"code\":\"" + code + "\"}");
        AgreementLabIT.awaitEstablished(a, b);
        AgreementLabIT.rpc(a, "request", "{\"peer\":\"" + idB + "\"}");
        AgreementLabIT.poll(b, "pending", j -> j.size() == 1, 10);
        List<String> args = new ArrayList<>(List.of("approve", idA));
        args.addAll(List.of(approved));
        Result approve = b.ctl(false, args.toArray(String[]::new));
        assertEquals(0, approve.exitCode(), approve.describe());
        AgreementLabIT.poll(a, "agreements", j -> j.size() == 1, 10);
        return new String[] {idA, idB};
    }

    /**
     * The longest gap between two arrivals from {@code since} until now, in ms, and when it ended
     * (nanos); waits until the file holds an arrival of the last 200 ms, so a gap still open counts.
     */
    static long[] longestGap(Path file, long since) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long checkedAt = System.nanoTime();
        while (System.nanoTime() < until) {
            List<Arrival> all = arrivals(file);
            if (!all.isEmpty() && all.get(all.size() - 1).nanos() > checkedAt - 200_000_000L) {
                break;
            }
            Thread.sleep(50);
        }
        long prev = since;
        long gap = 0;
        long end = 0;
        for (Arrival a : arrivals(file)) {
            if (a.nanos() <= since) {
                continue;
            }
            if (a.nanos() - prev > gap) {
                gap = a.nanos() - prev;
                end = a.nanos();
            }
            prev = a.nanos();
        }
        return new long[] {gap / 1_000_000, end};
    }

    /** Router {@code name} ("a": the requester, offering; "b": the helper) of the lab, on its uplink and peer link. */
    Router router(NeighbourLab lab, String name) {
        boolean requester = name.equals("a");
        Router r = new Router(dir, lab.ns(""), name, requester ? lab.aPeer() : lab.bPeer(), PORT);
        r.uplinkDevice = requester ? lab.aWan() : lab.bWan();
        r.offers = requester ? AgreementLabIT.OFFERS : "";
        return r;
    }

    static String prefix() {
        return PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    @Test
    void theLanIsCarriedByTheNeighbourWhileTheUplinkIsDownAndComesBack() throws Exception {
        String prefix = prefix();
        List<Process> tools = new ArrayList<>();
        try (NeighbourLab lab = new NeighbourLab(prefix)) {
            Router a = router(lab, "a");
            Router b = router(lab, "b");
            a.extra = emergencySection(lab);
            try {
                a.start();
                b.start();
                String[] ids = pairAndAgree(a, b);
                String idA = ids[0];
                String idB = ids[1];

                Path received = dir.resolve("received.txt");
                tools.add(start(lab.in("inet", Lab.javaCommand(UdpStream.class, "sink", "--bind",
                        NeighbourLab.SERVER + ":" + STREAM_PORT, "--seconds", "120", "--out", received.toString()))));
                Thread.sleep(1500);
                tools.add(start(lab.in("lan", Lab.javaCommand(UdpStream.class, "send", "--target",
                        NeighbourLab.SERVER + ":" + STREAM_PORT, "--pps", "50", "--seconds", "115"))));
                tools.add(start(lab.in("inet", "iperf3", "-s", "-p", "5201", "-B", NeighbourLab.SERVER)));
                tools.add(start(lab.in("inet", "iperf3", "-s", "-p", "5202", "-B", NeighbourLab.SERVER)));
                firstFrom(received, NeighbourLab.A_WAN, 0);
                // a long TCP session started on a's own uplink: it cannot survive the move to b's address
                Process longTcp = new ProcessBuilder(lab.in("lan", "iperf3", "-c", NeighbourLab.SERVER, "-p", "5201",
                        "-t", "100", "-b", "400k", "--connect-timeout", "3000")).redirectErrorStream(true).start();
                tools.add(longTcp);
                Thread.sleep(3000); // the detector's probes settle; nothing must move while the uplink is fine
                assertEquals("NORMAL", AgreementLabIT.rpc(a, "emergency", null).path("requester").path("state").asText());

                // a silent black-hole: a's carrier stays up, nothing comes back
                long cut = System.nanoTime();
                lab.blackhole(true);
                long failover = firstFrom(received, NeighbourLab.B_WAN, cut);
                System.out.printf("black-hole: the stream arrives from b's address %d ms after the cut%n", failover);
                JsonNode onA = AgreementLabIT.poll(a, "emergency",
                        j -> "CARRIED".equals(j.path("requester").path("state").asText()), 5);
                assertEquals(idB, onA.path("requester").path("peerId").asText());
                JsonNode onB = AgreementLabIT.poll(b, "emergency", j -> j.path("helping").size() == 1, 5);
                assertEquals(idA, onB.path("helping").path(0).path("peerId").asText());
                // 5000 kbit/s over 1000 ms is 625 000 B, below the agreed quota_bytes: the lower ceiling holds
                assertEquals(625_000L, onB.path("helping").path(0).path("quotaBytes").asLong());
                // the long session got its RST at once (reset policy all) instead of hanging
                assertTrue(longTcp.waitFor(5, TimeUnit.SECONDS), "the long TCP session still runs after the move");
                String longOut = new String(longTcp.getInputStream().readAllBytes());
                assertTrue(longOut.contains("reset") || longOut.contains("Connection"), longOut);
                System.out.println("the TCP session of before the move ended: " + lastLine(longOut));
                // a new TCP connection works through b
                Result shortTcp = lab.exec("lan", "iperf3", "-c", NeighbourLab.SERVER, "-p", "5202", "-t", "1", "-b", "1M",
                        "--connect-timeout", "3000");
                assertEquals(0, shortTcp.exitCode(), shortTcp.describe());

                long repair = System.nanoTime();
                lab.blackhole(false);
                long back = firstFrom(received, NeighbourLab.A_WAN, repair);
                System.out.printf("black-hole repaired: the stream arrives from a's address again %d ms later%n", back);
                AgreementLabIT.poll(a, "emergency", j -> "NORMAL".equals(j.path("requester").path("state").asText()), 10);
                AgreementLabIT.poll(b, "emergency", j -> j.path("helping").isEmpty(), 10);

                // carrier lost
                Thread.sleep(3000);
                long down = System.nanoTime();
                lab.linkDown(true);
                long failoverDown = firstFrom(received, NeighbourLab.B_WAN, down);
                System.out.printf("link down: the stream arrives from b's address %d ms after the cut%n", failoverDown);

                // b's owner ends it: a stops using b (the stream stops arriving from b)
                Result end = b.ctl(false, "emergency", "end", idA);
                System.out.print("coopwan ctl emergency end on b: " + end.stdout() + end.stderr());
                AgreementLabIT.poll(a, "emergency", j -> !"CARRIED".equals(j.path("requester").path("state").asText()), 5);
                AgreementLabIT.poll(b, "emergency", j -> j.path("helping").isEmpty(), 5);

                // a restarted requester whose uplink is still down asks at once
                a.stop();
                a.start();
                AgreementLabIT.poll(a, "emergency", j -> "CARRIED".equals(j.path("requester").path("state").asText()), 20);

                // kill -9 of the helper during the emergency: its rules stay behind until it starts again
                killHard(b);
                assertTrue(lab.exec("b", "nft", "list", "tables").stdout().contains("coopwan_help"), "a killed helper leaves its table");
                a.stop(); // nobody asks while b starts: what b has at start is what its start left
                b.start();
                AgreementLabIT.awaitListening(b);
                String tablesB = lab.exec("b", "nft", "list", "tables").stdout();
                assertFalse(tablesB.contains("coopwan_help"), "b removed what its killed run left: " + tablesB);
                assertEquals(1, AgreementLabIT.rpc(b, "agreements", null).size(), "b kept its agreement");
                JsonNode keptB = AgreementLabIT.rpc(b, "emergency", null).path("totals");
                System.out.println("b's counters after the kill -9 and the restart: " + keptB);
                assertTrue(keptB.toString().contains("\"role\":\"helper\"") && keptB.path(0).path("started").asLong() >= 3
                        && keptB.path(0).path("bytesOut").asLong() > 0, "b kept its counters, the killed run's too: " + keptB);
                a.start();
                AgreementLabIT.poll(a, "emergency", j -> "CARRIED".equals(j.path("requester").path("state").asText()), 20);
                long again = firstFrom(received, NeighbourLab.B_WAN, System.nanoTime());
                System.out.printf("after both restarts the stream arrives from b's address again (%d ms after the check)%n", again);

                // kill -9 of the requester during the emergency: the helper's lease runs out, a's rules wait for its start
                killHard(a);
                assertTrue(lab.exec("a", "ip", "rule").stdout().contains("lookup 3190"), "a killed requester leaves its rules");
                long killed = System.nanoTime();
                AgreementLabIT.poll(b, "emergency", j -> !j.path("helping").toString().contains("\"HELPING\""), 12);
                System.out.printf("b stopped forwarding %d ms after the requester was killed (lease 5 s)%n",
                        (System.nanoTime() - killed) / 1_000_000);
                lab.linkDown(false);
                a.start();
                AgreementLabIT.awaitListening(a);
                String rulesA = lab.exec("a", "ip", "rule").stdout();
                assertFalse(rulesA.contains("lookup 3190"), "a removed what its killed run left: " + rulesA);
                assertEquals(1, AgreementLabIT.rpc(a, "agreements", null).size(), "a kept its agreement");
                JsonNode keptA = AgreementLabIT.rpc(a, "emergency", null).path("totals");
                System.out.println("a's counters after the kill -9 and the restart: " + keptA);
                assertTrue(keptA.path(0).path("started").asLong() >= 4 && keptA.path(0).path("bytesOut").asLong() > 0
                        && keptA.path(0).path("bytesIn").asLong() >= 0, "a kept its counters: " + keptA + "\n"
                        + String.join("\n", a.logText().lines().filter(l -> l.contains("emergency")).toList()));

                for (Router r : List.of(a, b)) {
                    System.out.println("router " + r.name + ", emergency lines of its log:");
                    r.logText().lines().filter(l -> l.contains("emergency")).forEach(System.out::println);
                }
                assertTrue(failover < 1500, "black-hole failover " + failover + " ms");
                assertTrue(failoverDown < 1000, "link-down failover " + failoverDown + " ms");
                assertTrue(back < 5000, "back on the own uplink after " + back + " ms");
                assertTrue(a.logText().contains("emergency: carried"), a.logText());
            } finally {
                for (Process p : tools) {
                    p.destroyForcibly();
                }
                a.stop();
                b.stop();
            }
            for (String r : List.of("a", "b")) {
                Result tables = lab.exec(r, "nft", "list", "tables");
                assertFalse(tables.stdout().contains("coopwan_help") || tables.stdout().contains("coopwan_emerg"),
                        r + " keeps an emergency table after stop: " + tables.stdout());
                Result rules = lab.exec(r, "ip", "rule");
                assertFalse(rules.stdout().matches("(?s).*\\b310[0-9][0-9]:.*"), r + " keeps a rule: " + rules.stdout());
            }
        }
    }

    /** kill -9 of the router's daemon (the launcher execs the JVM: the process is the daemon). */
    static void killHard(Router r) throws InterruptedException {
        r.process.destroyForcibly();
        assertTrue(r.process.waitFor(10, TimeUnit.SECONDS), "daemon " + r.name + " killed");
    }

    private static Process start(List<String> cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    static String lastLine(String text) {
        String[] l = text.strip().split("\n");
        return l[l.length - 1];
    }

    static final String TUNNEL_KEY = NeighbourBond.TUNNEL_KEY;
    static final String BOND_ADDRESS = NeighbourBond.BOND_ADDRESS;

    /** The requester's bond0 through the concentrator in inet (active-backup over its one uplink). */
    static String bondThroughConcentrator() {
        return bondThroughConcentrator("active-backup");
    }

    /** The same bond in scheduling mode {@code mode} (bandwidth sharing per packet spreads over its members: wrr). */
    static String bondThroughConcentrator(String mode) {
        return NeighbourBond.bondThroughConcentrator(mode);
    }

    /** The helper's failover section: the one concentrator a requester's sealed packets may reach. */
    static String helperListingTheConcentrator() {
        return NeighbourBond.helperListingTheConcentrator();
    }

    /** Writes the concentrator's configuration (inet, client home1) into {@code dir}; returns its path. */
    static Path concentratorConfig(Path dir, NeighbourLab lab) throws IOException {
        return NeighbourBond.concentratorConfig(dir, lab);
    }

    /**
     * Mode concentrator: a bonds through a concentrator in inet (bond0, one member over its own
     * uplink, active-backup); b lists that concentrator. When a's uplink is black-holed, b's
     * kernel carries a's already sealed tunnel packets, so the LAN host keeps its public address
     * (the bond's): the UDP stream only pauses, and a TCP session started before the cut lives
     * through the failover and the return.
     */
    @Test
    void throughTheConcentratorSessionsSurviveTheFailoverAndTheReturn() throws Exception {
        String prefix = prefix();
        List<Process> tools = new ArrayList<>();
        try (NeighbourLab lab = new NeighbourLab(prefix)) {
            Router a = router(lab, "a");
            Router b = router(lab, "b");
            a.extra = String.join("\n", emergencySection(lab), "\toption mode 'concentrator'",
                    "\toption recover_ms '2000'", bondThroughConcentrator());
            b.extra = helperListingTheConcentrator();
            Path concConf = concentratorConfig(dir, lab);
            Process conc = new ProcessBuilder(lab.in("inet", BondLab.launcher(concConf, dir.resolve("conc-state"))))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("conc.log").toFile()).start();
            tools.add(conc);
            try {
                a.start();
                b.start();
                String[] ids = pairAndAgree(a, b);
                // the LAN into the bond: the admin's policy, as in the bonding lab
                lab.exec("a", "ip", "route", "replace", "default", "dev", "bond0", "table", "200").orThrow();
                lab.exec("a", "ip", "rule", "add", "iif", lab.aLan(), "lookup", "200", "priority", "100").orThrow();
                Path received = dir.resolve("received-b.txt");
                tools.add(start(lab.in("inet", Lab.javaCommand(UdpStream.class, "sink", "--bind",
                        NeighbourLab.SERVER + ":" + STREAM_PORT, "--seconds", "90", "--out", received.toString()))));
                tools.add(start(lab.in("inet", "iperf3", "-s", "-p", "5201", "-B", NeighbourLab.SERVER)));
                Thread.sleep(1500);
                tools.add(start(lab.in("lan", Lab.javaCommand(UdpStream.class, "send", "--target",
                        NeighbourLab.SERVER + ":" + STREAM_PORT, "--pps", "50", "--seconds", "85"))));
                firstFrom(received, "100.64.100.2", 0);
                Process longTcp = new ProcessBuilder(lab.in("lan", "iperf3", "-c", NeighbourLab.SERVER, "-p", "5201",
                        "-t", "35", "-b", "400k", "--connect-timeout", "3000")).redirectErrorStream(true).start();
                tools.add(longTcp);
                Thread.sleep(3000);

                long cut = System.nanoTime();
                lab.blackhole(true);
                JsonNode onB = AgreementLabIT.poll(b, "emergency", j -> j.path("helping").size() == 1
                        && "HELPING".equals(j.path("helping").path(0).path("state").asText()), 5);
                assertEquals(ids[0], onB.path("helping").path(0).path("peerId").asText());
                Thread.sleep(3000);
                long[] gap = longestGap(received, cut);
                System.out.printf("mode concentrator, black-hole: the stream paused %d ms, back %d ms after the cut%n",
                        gap[0], (gap[1] - cut) / 1_000_000);
                long carried = AgreementLabIT.rpc(b, "emergency", null).path("helping").path(0).path("bytesCarried").asLong();
                assertTrue(carried > 0, "b's kernel carried a's sealed packets: " + carried);

                long repair = System.nanoTime();
                lab.blackhole(false);
                AgreementLabIT.poll(a, "emergency", j -> "NORMAL".equals(j.path("requester").path("state").asText()), 10);
                AgreementLabIT.poll(b, "emergency", j -> j.path("helping").isEmpty(), 10);
                Thread.sleep(2000);
                long[] gapBack = longestGap(received, repair);
                System.out.printf("mode concentrator, repaired: the stream paused at most %d ms on the way back%n", gapBack[0]);

                // carrier lost: the bond's member on the dead uplink makes way at once
                Thread.sleep(500);
                long down = System.nanoTime();
                lab.linkDown(true);
                AgreementLabIT.poll(a, "emergency", j -> "CARRIED".equals(j.path("requester").path("state").asText()), 5);
                Thread.sleep(1500);
                long[] gapDown = longestGap(received, down);
                System.out.printf("mode concentrator, link down: the stream paused %d ms%n", gapDown[0]);
                lab.linkDown(false);
                AgreementLabIT.poll(a, "emergency", j -> "NORMAL".equals(j.path("requester").path("state").asText()), 15);
                assertTrue(gapDown[0] < 1000, "the stream paused " + gapDown[0] + " ms at the link-down");

                assertTrue(longTcp.waitFor(40, TimeUnit.SECONDS), "the long TCP session ends by itself");
                String out = new String(longTcp.getInputStream().readAllBytes());
                assertEquals(0, longTcp.exitValue(), "the TCP session of before the cut survived both changes:\n" + out);
                System.out.println("the TCP session through the bond: " + lastLine(out) + " (exit 0: it survived)");
                assertTrue(gap[0] < 2000, "the stream paused " + gap[0] + " ms");
                for (Router r : List.of(a, b)) {
                    System.out.println("router " + r.name + ", emergency lines of its log:");
                    r.logText().lines().filter(l -> l.contains("emergency") || l.contains("neighbour")).forEach(System.out::println);
                }
            } finally {
                for (Process p : tools) {
                    p.destroyForcibly();
                }
                a.stop();
                b.stop();
            }
        }
    }
}
