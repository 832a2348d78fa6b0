package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The path through the neighbour for duplication alone (issue 17 item 2; docs/latency.md section
 * 8): two packaged daemons and a concentrator in {@link NeighbourLab}, b's owner approves only
 * {@code duplication} (no bandwidth sharing, no emergency): b lends the agreement's
 * {@code bandwidth_kbps} through sharing's exchange, a's member through b joins its bond for LC
 * copies only. One copy on each line (own 1, neighbour 1), so a game packet is lost only when
 * both lines lose it.
 *
 * <ol>
 *   <li>20 % loss on a's own line, none on b's: the game (UDP 5005, LC) arrives whole, the same
 *       flow on UDP 6005 (not LC) loses about 20 % on the way up.</li>
 *   <li>10 % on a's line and 10 % on b's: the game's loss on the way up is near the product, 1 %,
 *       within 4 standard deviations of the binomial for its {@value #PRODUCT_PACKETS} packets
 *       (expected 10, sd 3.1: 0 to 23 lost; 4 sd are exceeded with probability below 1e-4, so
 *       the test does not flap, and a loss of one line's 10 % is far outside); the other flow
 *       loses about 10 %.</li>
 * </ol>
 *
 * <p>Namespaces {@code lp<4 hex>-{lan,a,b,inet}} (this part's prefix), deleted in finally;
 * leftovers of this prefix first.
 */
class LatencyPathLabIT {
    static final int PORT = 47950;
    static final String PREFIX = "lp";
    static final int PACKETS = 500;
    static final int PRODUCT_PACKETS = 1000;
    /** The second part's flow that is not LC (outside 5000-5500, never learned). */
    static final int OTHER_PORT_2 = 6006;
    /** The requester's offer: duplication only. */
    static final String OFFERS = LatencyDemo.DUPLICATION_OFFER;

    @TempDir
    Path dir;

    @BeforeAll
    static void removeLeftovers() {
        NeighbourLab.removeLeftovers(PREFIX);
    }

    /** The game of {@code count} packets, 20 ms apart, from the LAN host's {@code sport} to {@code dport}. */
    static Process game(NeighbourLab lab, int dport, int sport, int count, Path out) throws Exception {
        return new ProcessBuilder(lab.in("lan", "python3", "-c", LatencyDuplicationLabIT.GAME, NeighbourLab.SERVER,
                Integer.toString(dport), Integer.toString(sport), Integer.toString(count), "0.02"))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    static JsonNode result(Process p, Path out, int count) throws Exception {
        assertTrue(p.waitFor(count / 50 + 30, TimeUnit.SECONDS), "the game ends");
        String text = Files.readString(out);
        String last = text.strip().lines().reduce((x, y) -> y).orElse("");
        assertTrue(last.startsWith("{"), "game output: " + text);
        return ChannelLabIT.JSON.readTree(last);
    }

    /** Whether {@code lost} of {@code n} is within {@code sds} standard deviations of a binomial at {@code p}. */
    static boolean withinBinomial(int lost, int n, double p, double sds) {
        double mean = n * p;
        double sd = Math.sqrt(n * p * (1 - p));
        return Math.abs(lost - mean) <= sds * sd + 1;
    }

    @Test
    void aDuplicationOnlyAgreementBringsTheNeighboursPathUpAndTheGameLosesOnlyWhatBothLinesLose() throws Exception {
        String prefix = PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
        List<Process> tools = new ArrayList<>();
        Router a = null;
        Router b = null;
        try (NeighbourLab lab = new NeighbourLab(prefix)) {
            a = SharingLabIT.borrower(dir, lab, PORT);
            b = SharingLabIT.sharer(dir, lab, PORT);
            a.offers = OFFERS;
            a.extra = String.join("\n", EmergencyLabIT.emergencySection(lab), "\toption mode 'concentrator'",
                    EmergencyLabIT.bondThroughConcentrator("wrr"), "config latency 'latency'",
                    "\toption dup_own_copies '1'", "\toption dup_neighbour_copies '1'");
            b.extra = String.join("\n", EmergencyLabIT.helperListingTheConcentrator(), "config sharing 'sharing'",
                    "\toption window_s '1'");
            Path concConf = EmergencyLabIT.concentratorConfig(dir, lab);
            tools.add(new ProcessBuilder(lab.in("inet", BondLab.launcher(concConf, dir.resolve("conc-state"))))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("conc.log").toFile()).start());
            a.start();
            b.start();
            EmergencyLabIT.pairAndAgree(a, b, LatencyDuplicationLabIT.DUPLICATION_APPROVED);
            JsonNode agreements = AgreementLabIT.rpc(a, "agreements", null);
            assertTrue(!agreements.toString().contains("bandwidth_sharing"),
                    "duplication alone: " + agreements);
            JsonNode before = LatencyDuplicationLabIT.awaitDuplicating(a, 40);
            assertTrue(a.logText().contains("for LC copies only"), "a's member joined for LC copies only:\n" + a.logText());
            Thread.sleep(1000); // the member's first probe echo makes it usable

            Path echoLog = dir.resolve("echo.log");
            tools.add(new ProcessBuilder(lab.in("inet", "python3", "-c", LatencyDuplicationLabIT.ECHO, NeighbourLab.SERVER,
                    "120")).redirectErrorStream(true).redirectOutput(echoLog.toFile()).start());
            Thread.sleep(500);

            // 1. 20 % on a's own line only
            lab.randomLoss(20, 0);
            Path gOut = dir.resolve("g1.json");
            Path oOut = dir.resolve("o1.json");
            Process g = game(lab, LatencyDuplicationLabIT.GAME_PORT, 40005, PACKETS, gOut);
            Process o = game(lab, LatencyDuplicationLabIT.OTHER_PORT, 40006, PACKETS, oOut);
            JsonNode g1 = result(g, gOut, PACKETS);
            JsonNode o1 = result(o, oOut, PACKETS);
            lab.randomLoss(0, 0);
            Thread.sleep(1500);
            int gameUp1 = LatencyDuplicationLabIT.received(echoLog, LatencyDuplicationLabIT.GAME_PORT, 40005);
            int otherUp1 = LatencyDuplicationLabIT.received(echoLog, LatencyDuplicationLabIT.OTHER_PORT, 40006);
            JsonNode d1 = LatencyDuplicationLabIT.duplication(a.socket);
            String line1 = String.format(Locale.ROOT, "20 %% loss on a's line, 0 on b's, duplication only: game (LC) up %d of"
                            + " %d, echoes %d (rtt median %.1f ms, p99 %.1f ms); same flow not LC: up %d of %d, echoes %d;"
                            + " a: %d LC packets as %d copies, %d echoes delivered, %d echo duplicates",
                    gameUp1, PACKETS, g1.path("echoes").asInt(), g1.path("rttMedianMs").asDouble(),
                    g1.path("rttP99Ms").asDouble(), otherUp1, PACKETS, o1.path("echoes").asInt(), d1.path("lcPackets").asLong(),
                    d1.path("copiesSent").asLong(), d1.path("delivered").asLong(), d1.path("duplicatesDropped").asLong());
            System.out.println("lc path lab: " + line1 + "\nbefore: " + before + "\nafter: " + d1);
            assertTrue(d1.path("neighbourPathInUse").asBoolean(), line1);
            assertTrue(gameUp1 >= PACKETS * 99 / 100, "the game arrives through b: " + line1);
            assertTrue(g1.path("echoes").asInt() >= PACKETS * 99 / 100, "its echoes too: " + line1);
            assertTrue(withinBinomial(PACKETS - otherUp1, PACKETS, 0.20, 4), "the other flow loses the line's 20 %: " + line1);
            assertEquals(g1.path("echoes").asInt(), g1.path("echoCopies").asInt(), "each echo once: " + line1);

            // 2. 10 % on each line: a packet is lost when both copies are. The other flow goes to a
            // new port: the ad hoc rule upgraded part 1's flow to 6005 and learned (server, 6005), so
            // a new session there is LC from its first packet ([0237]) and would be duplicated too
            Path echoLog2 = dir.resolve("echo2.log");
            tools.add(new ProcessBuilder(lab.in("inet", "python3", "-c", LatencyDuplicationLabIT.ECHO.replace(
                    "(" + LatencyDuplicationLabIT.GAME_PORT + ", " + LatencyDuplicationLabIT.OTHER_PORT + ")",
                    "(" + OTHER_PORT_2 + ",)"), NeighbourLab.SERVER, "90")).redirectErrorStream(true)
                    .redirectOutput(echoLog2.toFile()).start());
            Thread.sleep(500);
            lab.randomLoss(10, 10);
            gOut = dir.resolve("g2.json");
            oOut = dir.resolve("o2.json");
            g = game(lab, LatencyDuplicationLabIT.GAME_PORT, 40007, PRODUCT_PACKETS, gOut);
            o = game(lab, OTHER_PORT_2, 40008, PRODUCT_PACKETS, oOut);
            JsonNode g2 = result(g, gOut, PRODUCT_PACKETS);
            JsonNode o2 = result(o, oOut, PRODUCT_PACKETS);
            lab.randomLoss(0, 0);
            Thread.sleep(1500);
            int gameUp2 = LatencyDuplicationLabIT.received(echoLog, LatencyDuplicationLabIT.GAME_PORT, 40007);
            int otherUp2 = LatencyDuplicationLabIT.received(echoLog2, OTHER_PORT_2, 40008);
            int lost = PRODUCT_PACKETS - gameUp2;
            int echoLost = PRODUCT_PACKETS - g2.path("echoes").asInt();
            String line2 = String.format(Locale.ROOT, "10 %% loss on each line: game (LC) lost %d of %d up (%.2f %%; product"
                            + " 1 %%), %d round trip (%.2f %%; 1 - 0.99^2 = 1.99 %%), rtt median %.1f ms, p99 %.1f ms;"
                            + " same flow not LC: lost %d up (%.1f %%), %d round trip",
                    lost, PRODUCT_PACKETS, 100.0 * lost / PRODUCT_PACKETS, echoLost, 100.0 * echoLost / PRODUCT_PACKETS,
                    g2.path("rttMedianMs").asDouble(), g2.path("rttP99Ms").asDouble(), PRODUCT_PACKETS - otherUp2,
                    100.0 * (PRODUCT_PACKETS - otherUp2) / PRODUCT_PACKETS, PRODUCT_PACKETS - o2.path("echoes").asInt());
            System.out.println("lc path lab: " + line2);
            assertTrue(withinBinomial(lost, PRODUCT_PACKETS, 0.01, 4), "the game's loss is the product's: " + line2);
            assertTrue(withinBinomial(echoLost, PRODUCT_PACKETS, 1 - 0.99 * 0.99, 4), "round trip: " + line2);
            assertTrue(withinBinomial(PRODUCT_PACKETS - otherUp2, PRODUCT_PACKETS, 0.10, 4), "the other flow: " + line2);
        } finally {
            tools.forEach(Process::destroyForcibly);
            for (Router r : new Router[] {a, b}) {
                if (r != null) {
                    r.stop();
                }
            }
            for (String n : List.of("a", "b", "conc", "echo", "echo2")) {
                Path log = dir.resolve(n + ".log");
                if (Files.exists(log)) {
                    Files.copy(log, Path.of("target", "latency-path-lab-" + n + ".log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
