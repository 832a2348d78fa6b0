package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The impaired uplink of the neighbour lab on real packets: pings from the LAN host to the server
 * take the configured delay in each direction, and bursty loss drops what the model says.
 * Namespaces {@code cwi<4 hex>-*}, deleted in finally.
 */
class ImpairedUplinkIT {
    private static final String PREFIX = "cwi";

    @BeforeAll
    static void removeLeftovers() {
        NeighbourLab.removeLeftovers(PREFIX);
    }

    private static NeighbourLab lab() {
        return new NeighbourLab(PREFIX + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000)));
    }

    @Test
    void delayAndJitterApplyToEveryPacketEachWay() throws Exception {
        try (NeighbourLab lab = lab(); ImpairedUplink line = new ImpairedUplink(lab, "delay=40;up.jitter=5", 1)) {
            Result r = lab.exec("lan", "ping", "-n", "-c", "10", "-i", "0.1", "-W", "2", NeighbourLab.SERVER);
            assertEquals(0, r.exitCode(), r.describe());
            Matcher m = Pattern.compile("rtt min/avg/max/mdev = ([0-9.]+)/([0-9.]+)/([0-9.]+)").matcher(r.stdout());
            assertTrue(m.find(), r.stdout());
            double min = Double.parseDouble(m.group(1));
            double max = Double.parseDouble(m.group(3));
            assertTrue(min >= 75 && max <= 100, "40 ms each way, up to 5 ms of jitter up: min " + min + ", max " + max);
            assertTrue(line.stats().startsWith("up 10 packets, 0 lost"), line.stats());
            // a's pings to its gateway (a probe target) cross the line too
            Result g = lab.exec("a", "ping", "-n", "-c", "3", "-i", "0.1", "-W", "2", NeighbourLab.A_GATEWAY);
            Matcher gm = Pattern.compile("rtt min/avg/max/mdev = ([0-9.]+)/").matcher(g.stdout());
            assertTrue(gm.find() && Double.parseDouble(gm.group(1)) >= 75, g.stdout());
        }
    }

    @Test
    void burstyLossDropsPacketsOfBothDirectionsAndTheCutsStillWork() throws Exception {
        try (NeighbourLab lab = lab(); ImpairedUplink line = new ImpairedUplink(lab, "ge=20,50,100", 5)) {
            Result r = lab.exec("lan", "ping", "-n", "-c", "100", "-i", "0.01", "-W", "1", NeighbourLab.SERVER);
            Matcher m = Pattern.compile("(\\d+) received").matcher(r.stdout());
            assertTrue(m.find(), r.stdout());
            int received = Integer.parseInt(m.group(1));
            // mean loss 28.6 % each way, so about half the round trips fail
            assertTrue(received > 20 && received < 80, received + " of 100 came back; " + line.stats());
            assertTrue(line.stats().contains("lost"), line.stats());
            lab.blackhole(true);
            Result cut = lab.exec("lan", "ping", "-n", "-c", "3", "-i", "0.1", "-W", "1", NeighbourLab.SERVER);
            assertTrue(cut.stdout().contains(" 0 received"), cut.stdout());
        }
    }
}
