package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lab in real namespaces: it builds, routes through each ISP, and always cleans up. */
class LabTest {
    private static final Duration T = Duration.ofSeconds(10);

    @BeforeAll
    static void removeLeftovers() {
        Lab.removeLeftovers();
    }

    private static List<String> namespacesOf(String prefix) {
        return Lab.labNamespaces().stream().filter(n -> n.startsWith(prefix + "-")).toList();
    }

    @Test
    void routerReachesTheConcentratorThroughEachIsp() {
        try (Lab lab = Lab.builder().isps(2).build()) {
            assertTrue(lab.prefix().matches("cwl[0-9a-f]{5}"), lab.prefix());
            assertEquals(lab.prefix() + "-isp-2", lab.ns("isp-2"));
            assertEquals(6, namespacesOf(lab.prefix()).size());
            for (int isp = 1; isp <= 2; isp++) {
                // Each ping goes through its own ISP: that ISP forwards it (its down0 counts it).
                long before = rxPackets(lab, isp);
                lab.ping(Lab.ROUTER, Lab.routerWan(isp), Lab.CONCENTRATOR).orThrow();
                assertTrue(rxPackets(lab, isp) - before >= 2, "echo requests went through isp-" + isp);
            }
            lab.ping(Lab.INET, Lab.SERVER_ADDRESS).orThrow();
            lab.ping(Lab.SERVER, Lab.CONCENTRATOR).orThrow();
            // The router's default routes are the two WANs by metric, like a dual-WAN router.
            String routes = lab.exec(Lab.ROUTER, T, "ip", "route", "show", "default").orThrow().stdout();
            assertTrue(routes.contains("via 100.64.1.1 dev wan1 metric 10"), routes);
            assertTrue(routes.contains("via 100.64.2.1 dev wan2 metric 20"), routes);
            // Carrier NAT: inet sees the ISP's address, never 100.64.
            String nft = lab.exec(Lab.isp(1), T, "nft", "list", "table", "ip", "cwlab").orThrow().stdout();
            assertTrue(nft.contains("masquerade"), nft);
        }
    }

    private static long rxPackets(Lab lab, int isp) {
        return Long.parseLong(lab.exec(Lab.isp(isp), T, "cat", "/sys/class/net/down0/statistics/rx_packets")
                .orThrow().stdout().strip());
    }

    @Test
    void fourIspsEachReachable() {
        try (Lab lab = Lab.builder().isps(4).build()) {
            for (int i = 1; i <= 4; i++) {
                lab.ping(Lab.ROUTER, Lab.routerWan(i), Lab.CONCENTRATOR).orThrow();
            }
            assertThrows(IllegalArgumentException.class, () -> lab.ns("isp-5"));
        }
        assertThrows(IllegalArgumentException.class, () -> Lab.builder().isps(5));
    }

    @Test
    void namespacesAreGoneAfterCloseEvenWhenTheBodyThrows() {
        String[] prefix = new String[1];
        Process[] child = new Process[1];
        assertThrows(IllegalStateException.class, () -> {
            try (Lab lab = Lab.builder().isps(1).build()) {
                prefix[0] = lab.prefix();
                child[0] = lab.spawn(Lab.SERVER, null, "sleep", "600");
                throw new IllegalStateException("test body failed");
            }
        });
        assertEquals(List.of(), namespacesOf(prefix[0]));
        assertFalse(child[0].isAlive(), "spawned process killed");
        assertFalse(Files.exists(Lab.marker(prefix[0])), "marker removed");
    }

    @Test
    void execCapturesOutputAndKillsOnTimeout() {
        try (Lab lab = Lab.builder().isps(1).build()) {
            Result r = lab.exec(Lab.SERVER, T, "sh", "-c", "echo out; echo err >&2; exit 3");
            assertEquals(3, r.exitCode());
            assertEquals("out\n", r.stdout());
            assertEquals("err\n", r.stderr());
            long start = System.nanoTime();
            Result slow = lab.exec(Lab.SERVER, Duration.ofMillis(300), "sleep", "30");
            assertTrue(slow.timedOut());
            assertTrue(System.nanoTime() - start < 5_000_000_000L);
        }
    }

    @Test
    void rateLimitsAreTbfOnTheIspInterfaces() {
        try (Lab lab = Lab.builder().isps(1).build()) {
            lab.setRate(1, Lab.Way.DOWNSTREAM, 1000);
            lab.setRate(1, Lab.Way.UPSTREAM, 2000);
            String down = lab.exec(Lab.isp(1), T, "tc", "qdisc", "show", "dev", "down0").orThrow().stdout();
            String up = lab.exec(Lab.isp(1), T, "tc", "qdisc", "show", "dev", "up0").orThrow().stdout();
            assertTrue(down.contains("tbf") && down.contains("rate 1Mbit"), down);
            assertTrue(up.contains("tbf") && up.contains("rate 2Mbit"), up);
            lab.clearRate(1, Lab.Way.DOWNSTREAM);
            lab.clearRate(1, Lab.Way.DOWNSTREAM);
            assertFalse(lab.exec(Lab.isp(1), T, "tc", "qdisc", "show", "dev", "down0").stdout().contains("tbf"));
            lab.ping(Lab.ROUTER, Lab.CONCENTRATOR).orThrow();
        }
    }

    @Test
    void downstreamRateLimitShowsInIperf3() {
        try (Lab lab = Lab.builder().isps(1).iperf3Server(true).build()) {
            lab.setRate(1, Lab.Way.DOWNSTREAM, 4000);
            // -R: the server sends, so the data crosses isp-1's egress towards the router.
            Result r = lab.exec(Lab.LAN, Duration.ofSeconds(15), "iperf3", "-c", Lab.SERVER_ADDRESS, "-R", "-t", "2",
                    "-O", "1", "-f", "k").orThrow();
            String receiver = r.stdout().lines().filter(l -> l.contains("receiver")).findFirst().orElseThrow();
            double kbps = Double.parseDouble(receiver.replaceAll(".*?([0-9.]+) Kbits/sec.*", "$1"));
            assertTrue(Math.abs(kbps - 4000) <= 600, "iperf3 saw " + kbps + " kbit/s: " + receiver);
        }
    }

    @Test
    void removeLeftoversDeletesLabsWhoseOwnerIsGoneAndKeepsLiveOnes() throws Exception {
        String orphan = "cwlfff" + String.format("%02x", (int) (ProcessHandle.current().pid() % 256));
        Files.createDirectories(Lab.RUN_DIR);
        Commands.run(T, List.of("ip", "netns", "add", orphan + "-router")).orThrow();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(Lab.marker(orphan), gone.pid() + " 1\n");
        try (Lab live = Lab.builder().isps(1).build()) {
            List<String> removed = Lab.removeLeftovers();
            assertTrue(removed.contains(orphan), removed.toString());
            assertEquals(List.of(), namespacesOf(orphan));
            assertFalse(Files.exists(Lab.marker(orphan)));
            assertEquals(5, namespacesOf(live.prefix()).size(), "a live lab is kept");
        } finally {
            Lab.destroy(orphan);
        }
    }
}
