package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import net.coopwan.luci.client.ControlClient;

/**
 * Duplication of latency-critical packets with two packaged daemons in {@link NeighbourLab} and a
 * concentrator in inet (issue 17 item 2; docs/latency.md section 8, docs/PROTOCOL.md 4.7): a
 * bonds through the concentrator over its own uplink, with the emergency's standby member through
 * b, which b's sharing offer puts into the bond (the path duplication reuses); b's owner approves
 * bandwidth sharing and duplication. a's own line loses {@value #LOSS_PERCENT} % of its packets
 * each way (nft numgen drops at inet, {@link NeighbourLab#randomLoss}).
 *
 * <p>A "game" on the LAN host sends {@value #PACKETS} small datagrams, one every 20 ms, to a UDP
 * echo server behind the concentrator on the seed's port range (5005); the same flow on a port
 * that is not LC (6005) runs beside it. The game's connection goes into a's bond (the only
 * connection routed there), its packets leave as copies over a's own uplink and through b, the
 * concentrator keeps the first, the echoes come back both ways and a keeps the first: the server
 * and the LAN host see (close to) every game packet while the other flow loses what the line
 * loses. Copies sent, delivered and dropped as duplicates are the daemons' own counters (JSON-RPC
 * {@code latency}). With the peer link down duplication turns off and the game's next session, still
 * routed into the bond, loses what a's line loses. A stop of a removes its routing, a start puts
 * it back; a kill -9 leaves it, and the next start (classification off) removes it.
 *
 * <p>Namespaces {@code lw<4 hex>-{lan,a,b,inet}}, deleted in finally; leftovers of this prefix first.
 */
class LatencyDuplicationLabIT {
    static final int PORT = 4797;
    static final String PREFIX = "lw";
    static final int LOSS_PERCENT = LatencyDemo.LOSS_PERCENT;
    static final int PACKETS = LatencyDemo.PACKETS;
    static final int GAME_PORT = LatencyDemo.GAME_PORT;
    static final int OTHER_PORT = LatencyDemo.OTHER_PORT;
    /** The requester's offers: sharing (for the member through b) and duplication. */
    static final String OFFERS = String.join("\n", EmergencyDemo.SHARING_OFFER, LatencyDemo.DUPLICATION_OFFER);
    static final String DUPLICATION_APPROVED = LatencyDemo.DUPLICATION_APPROVED;
    /** The demo's echo server: prints "PORT CLIENT_PORT SEQ" per datagram received on SERVER:5005 and :6005. */
    static final String ECHO = LatencyDemo.ECHO;
    /** The demo's game: COUNT datagrams of 100 bytes every GAP s, JSON with the echoes and round trips. */
    static final String GAME = LatencyDemo.GAME;

    @TempDir
    Path dir;

    @BeforeAll
    static void removeLeftovers() {
        NeighbourLab.removeLeftovers(PREFIX);
    }

    /** The JSON-RPC {@code latency} of the daemon behind {@code socket}: its {@code duplication}. */
    static JsonNode duplication(Path socket) throws Exception {
        try (ControlClient c = ControlClient.connect(socket, Duration.ofSeconds(15))) {
            return c.call("latency", null).path("duplication");
        }
    }

    /** Waits at most {@code seconds} for a's duplication to be on with b's member in the bond. */
    static JsonNode awaitDuplicating(Router a, long seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode d = null;
        while (System.nanoTime() < until) {
            assertTrue(a.process.isAlive(), "daemon a runs:\n" + a.logText());
            d = duplication(a.socket);
            if (d.path("on").asBoolean() && d.path("neighbourPathInUse").asBoolean()) {
                return d;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("a never duplicated through b: " + d + "\n" + a.logText());
    }

    /** a's routing of LC connections into the bond: table, rule 31084, table 3184's route. */
    static String lcRouting(NeighbourLab lab) {
        StringBuilder sb = new StringBuilder();
        if (lab.exec("a", "nft", "list", "tables").stdout().contains("coopwan_lcroute")) {
            sb.append("table inet coopwan_lcroute; ");
        }
        lab.exec("a", "ip", "-4", "rule", "show").stdout().lines().filter(l -> l.startsWith("31084:"))
                .forEach(l -> sb.append(l.trim()).append("; "));
        String route = lab.exec("a", "ip", "-4", "route", "show", "table", "3184").stdout().strip();
        if (!route.isEmpty()) {
            sb.append("table 3184: ").append(route).append("; ");
        }
        return sb.toString();
    }

    /**
     * Distinct sequence numbers the echo server received on {@code port} from the game's
     * {@code clientPort} (a's masquerade keeps the LAN host's port: one source port per game).
     */
    static int received(Path echoLog, int port, int clientPort) throws Exception {
        return LatencyDemo.received(echoLog, port, clientPort);
    }

    static Process game(NeighbourLab lab, int dport, int sport, Path out) throws Exception {
        return new ProcessBuilder(lab.in("lan", "python3", "-c", GAME, NeighbourLab.SERVER, Integer.toString(dport),
                Integer.toString(sport), Integer.toString(PACKETS), "0.02")).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
    }

    static JsonNode result(Process p, Path out) throws Exception {
        assertTrue(p.waitFor(PACKETS / 50 + 30, TimeUnit.SECONDS), "the game ends");
        String text = Files.readString(out);
        String last = text.strip().lines().reduce((x, y) -> y).orElse("");
        assertTrue(last.startsWith("{"), "game output: " + text);
        return ChannelLabIT.JSON.readTree(last);
    }

    @Test
    void theGameArrivesThroughBothPathsWhileTheSameFlowUnduplicatedLosesWhatTheLineLoses() throws Exception {
        String prefix = PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        List<Process> tools = new ArrayList<>();
        Router a = null;
        Router b = null;
        try (NeighbourLab lab = new NeighbourLab(prefix)) {
            a = SharingLabIT.borrower(dir, lab, PORT);
            b = SharingLabIT.sharer(dir, lab, PORT);
            a.offers = OFFERS;
            // a borrows whatever it is offered (the member through b joins its bond); classification
            // and duplication with their defaults (the seed's UDP 5000-5500, own 3 / neighbour 2)
            a.extra = String.join("\n", EmergencyLabIT.emergencySection(lab), "\toption mode 'concentrator'",
                    EmergencyLabIT.bondThroughConcentrator("wrr"), "config sharing 'sharing'",
                    "\toption window_s '1'", "\toption busy_percent '0'", "config latency 'latency'");
            b.extra = String.join("\n", EmergencyLabIT.helperListingTheConcentrator(), "config sharing 'sharing'",
                    "\toption window_s '1'");
            Path concConf = EmergencyLabIT.concentratorConfig(dir, lab);
            Path concSocket = dir.resolve("conc.sock");
            tools.add(new ProcessBuilder(lab.in("inet", BondLab.launcher(concConf, dir.resolve("conc-state"))))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("conc.log").toFile()).start());
            a.start();
            b.start();
            EmergencyLabIT.pairAndAgree(a, b, EmergencyDemo.SHARING_APPROVED, DUPLICATION_APPROVED);
            SharingPerPacketLabIT.memberCaps(a, 0);
            JsonNode before = awaitDuplicating(a, 30);
            assertTrue(lcRouting(lab).contains("31084"), "a routes LC connections into its bond: " + lcRouting(lab));
            Thread.sleep(1000); // the member's first probe echo makes it usable

            Path echoLog = dir.resolve("echo.log");
            tools.add(new ProcessBuilder(lab.in("inet", "python3", "-c", ECHO, NeighbourLab.SERVER, "120"))
                    .redirectErrorStream(true).redirectOutput(echoLog.toFile()).start());
            Thread.sleep(500);
            lab.randomLoss(LOSS_PERCENT);
            Path gameOut = dir.resolve("game.json");
            Path otherOut = dir.resolve("other.json");
            Process game = game(lab, GAME_PORT, 40005, gameOut);
            Process other = game(lab, OTHER_PORT, 40006, otherOut);
            JsonNode g = result(game, gameOut);
            JsonNode o = result(other, otherOut);
            lab.randomLoss(0);
            Thread.sleep(1500); // one reading of the daemons' counters after the last echo

            JsonNode da = duplication(a.socket);
            JsonNode dc = duplication(concSocket);
            int gameAtServer = received(echoLog, GAME_PORT, 40005);
            int otherAtServer = received(echoLog, OTHER_PORT, 40006);
            String line = String.format(Locale.ROOT, "%d %% loss each way on a's own line; game (UDP %d, LC): server got %d"
                            + " of %d, the LAN host %d echoes (%d copies of echoes reached it), rtt median %.1f ms, p99 %.1f"
                            + " ms; same flow on UDP %d (not LC): server got %d of %d, the LAN host %d echoes, rtt median"
                            + " %.1f ms. a: %d connection(s) routed into the bond, %d LC session(s), %d LC packets as %d"
                            + " copies, %d echoes delivered, %d echo copies dropped as duplicates; concentrator: %d LC"
                            + " packets delivered, %d copies dropped as duplicates, %d echoes sent as %d copies",
                    LOSS_PERCENT, GAME_PORT, gameAtServer, PACKETS, g.path("echoes").asInt(), g.path("echoCopies").asInt(),
                    g.path("rttMedianMs").asDouble(), g.path("rttP99Ms").asDouble(), OTHER_PORT, otherAtServer, PACKETS,
                    o.path("echoes").asInt(), o.path("rttMedianMs").asDouble(), da.path("routedConnections").asLong(),
                    da.path("lcSessions").asLong(), da.path("lcPackets").asLong(), da.path("copiesSent").asLong(),
                    da.path("delivered").asLong(), da.path("duplicatesDropped").asLong(), dc.path("delivered").asLong(),
                    dc.path("duplicatesDropped").asLong(), dc.path("lcPackets").asLong(), dc.path("copiesSent").asLong());
            System.out.println("lc duplication lab: " + line);
            System.out.println("a's duplication before the game: " + before + "\nafter: " + da + "\nconcentrator: " + dc);

            // only the game's connection entered a's daemon, every one of its packets as copies
            assertEquals(1, da.path("routedConnections").asLong(), line);
            assertEquals(1, da.path("lcSessions").asLong(), line);
            assertEquals(PACKETS, da.path("lcPackets").asLong(), "a counted every game packet: " + line);
            assertTrue(da.path("copiesSent").asLong() >= 4L * PACKETS, "own 3 and b's 2 copies (a few may meet a "
                    + "path that is down): " + line);
            // the concentrator kept the first copy of each, and dropped the rest it got
            assertTrue(dc.path("delivered").asLong() >= PACKETS * 99 / 100, line);
            assertTrue(dc.path("duplicatesDropped").asLong() >= 2L * PACKETS, line);
            assertTrue(gameAtServer >= PACKETS * 99 / 100, "the game arrives: " + line);
            // echoes back both ways, the LAN host gets each once
            assertTrue(g.path("echoes").asInt() >= PACKETS * 99 / 100, "the echoes arrive: " + line);
            assertEquals(g.path("echoes").asInt(), g.path("echoCopies").asInt(), "a kept the first echo only: " + line);
            assertTrue(da.path("duplicatesDropped").asLong() > 0, "echoes came both ways: " + line);
            // the same flow without duplication loses what the line loses
            assertTrue(otherAtServer <= PACKETS * 90 / 100, "the line loses: " + line);
            assertTrue(PACKETS - otherAtServer >= 5 * Math.max(1, PACKETS - gameAtServer), line);

            // the neighbour link lost: duplication turns off, the game's next session goes through
            // the bond as ordinary bonded traffic over a's own line and loses what the line loses
            lab.exec("a", "ip", "link", "set", lab.aPeer(), "down").orThrow();
            long lost = System.nanoTime();
            JsonNode offD = null;
            long limit = lost + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < limit) {
                offD = duplication(a.socket);
                if (!offD.path("on").asBoolean()) {
                    break;
                }
                Thread.sleep(250);
            }
            long offMs = (System.nanoTime() - lost) / 1_000_000;
            assertFalse(offD.path("on").asBoolean(), "duplication off once the neighbour is gone: " + offD);
            assertTrue(a.logText().contains("lc duplication OFF with neighbour " + offD.path("neighbour").asText()),
                    "one log line with the neighbour and the reason:\n" + a.logText());
            lab.randomLoss(LOSS_PERCENT);
            Path aloneOut = dir.resolve("alone.json");
            JsonNode alone = result(game(lab, GAME_PORT, 40007, aloneOut), aloneOut);
            lab.randomLoss(0);
            Thread.sleep(1500);
            int aloneAtServer = received(echoLog, GAME_PORT, 40007);
            JsonNode da2 = duplication(a.socket);
            String off2 = String.format(Locale.ROOT, "peer link down: duplication off after %d ms (%s); the game again (UDP"
                            + " %d, a new session through the bond without copies): server got %d of %d, the LAN host %d"
                            + " echoes; a routed %d connection(s) into the bond, sent %d LC packets as copies",
                    offMs, offD.path("reason").asText(), GAME_PORT, aloneAtServer, PACKETS, alone.path("echoes").asInt(),
                    da2.path("routedConnections").asLong(), da2.path("lcPackets").asLong());
            System.out.println("lc duplication lab: " + off2);
            assertEquals(2, da2.path("routedConnections").asLong(), "the kernel still routes LC into the bond: " + off2);
            assertEquals(0, da2.path("lcPackets").asLong(), "no copies without duplication: " + off2);
            assertTrue(aloneAtServer <= PACKETS * 90 / 100, "without duplication the line's loss shows: " + off2);
            assertTrue(aloneAtServer >= PACKETS / 2, "but the bond carries the game: " + off2);
            lab.exec("a", "ip", "link", "set", lab.aPeer(), "up").orThrow();

            // a stop removes the routing; a start puts it back once the bond's data path runs
            a.stop();
            assertEquals("", lcRouting(lab), "the stop removed the routing");
            a.start();
            AgreementLabIT.awaitListening(a);
            long back = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!lcRouting(lab).contains("31084") && System.nanoTime() < back) {
                Thread.sleep(200);
            }
            assertTrue(lcRouting(lab).contains("31084"), "routing again after the start: " + lcRouting(lab));

            // kill -9: the routing stays; the next start (classification off) removes it
            EmergencyLabIT.killHard(a);
            String left = lcRouting(lab);
            assertTrue(left.contains("coopwan_lcroute") && left.contains("31084"), "the killed run left: " + left);
            a.extra = a.extra.replace("config latency 'latency'", "config latency 'latency'\n\toption enabled '0'");
            a.start();
            AgreementLabIT.awaitListening(a);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!lcRouting(lab).isEmpty() && System.nanoTime() < until) {
                Thread.sleep(200);
            }
            assertEquals("", lcRouting(lab), "the restart removed the killed run's routing");
            JsonNode off = duplication(a.socket);
            assertFalse(off.path("on").asBoolean(), off.toString());
            assertEquals("config latency enabled 0", off.path("reason").asText(), off.toString());
            System.out.println("kill -9 of a: left " + left + "; the restart removed it; duplication " + off);
        } finally {
            tools.forEach(Process::destroyForcibly);
            for (Router r : new Router[] {a, b}) {
                if (r != null) {
                    r.stop();
                }
            }
            for (String n : List.of("a", "b", "conc", "echo")) {
                Path log = dir.resolve(n + ".log");
                if (Files.exists(log)) {
                    Files.copy(log, Path.of("target", "latency-duplication-lab-" + n + ".log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
