package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One quota per borrower and direction on the sharer, whichever of its two paths a packet takes,
 * against a real kernel: the sharer's real rules ({@link EmergencyHelperRules} for the per-session
 * path {@code r4795} on the stand-in tunnel device and the per-packet variant's sealed forwarding
 * {@code p4795} on the peer link, each at the quota, plus {@link SharingLenderRules}) with the
 * borrower blasting several times the quota's own rate on BOTH paths at once, up, then the server
 * doing the same down, each direction at its own quota. Every sliding window of T, both paths
 * together, stays within that direction's one quota's bound (each path alone would pass a quota:
 * twice the offer in all), both paths carry, and the excess is counted.
 *
 * <pre>
 *  borrower hqb0 100.127.255.2/30 --- hqt0 100.127.255.1/30  sharer  hqw0 198.18.60.1/24 --- server 198.18.60.2 (per session)
 *           hqb1 100.64.79.1/24   --- hqp0 100.64.79.2/24                                      198.18.60.3 (the concentrator)
 * </pre>
 * Namespaces {@code hq} + 6 hex digits.
 */
class SharingQuotaNetnsTest {
    static final String PREFIX = "hq";
    private static final Duration S10 = Duration.ofSeconds(10);
    private static final String SERVER = "198.18.60.2";
    private static final String CONCENTRATOR = "198.18.60.3";
    private static final String BORROWER_INNER = "100.127.255.2";
    private static final String BORROWER_PEER = "100.64.79.1";

    @BeforeAll
    static void clean() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        Netns.removeLeftovers(PREFIX);
    }

    private static void topology(Netns bo, Netns sharer, Netns server) {
        bo.veth("hqb0", sharer, "hqt0");
        bo.veth("hqb1", sharer, "hqp0");
        sharer.veth("hqw0", server, "hqs0");
        bo.sh("ip", "addr", "add", BORROWER_INNER + "/30", "dev", "hqb0");
        bo.sh("ip", "addr", "add", BORROWER_PEER + "/24", "dev", "hqb1");
        // the per-session path to the server, the sealed member to the concentrator
        bo.sh("ip", "route", "add", SERVER + "/32", "via", "100.127.255.1");
        bo.sh("ip", "route", "add", CONCENTRATOR + "/32", "via", "100.64.79.2");
        sharer.sh("ip", "addr", "add", "100.127.255.1/30", "dev", "hqt0");
        sharer.sh("ip", "addr", "add", "100.64.79.2/24", "dev", "hqp0");
        sharer.sh("ip", "addr", "add", "198.18.60.1/24", "dev", "hqw0");
        sharer.sh("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        server.sh("ip", "addr", "add", SERVER + "/24", "dev", "hqs0");
        server.sh("ip", "addr", "add", CONCENTRATOR + "/32", "dev", "hqs0");
        // no route back to the borrower: only the sharer's masquerade brings answers home
        bo.sh("ping", "-n", "-q", "-c", "1", "-W", "2", "100.127.255.1");
        bo.sh("ping", "-n", "-q", "-c", "1", "-W", "2", "100.64.79.2");
        sharer.sh("ping", "-n", "-q", "-c", "1", "-W", "2", SERVER);
    }

    /** The arrivals of a receiver that ran until its end, sorted by time. */
    private static List<EmergencyHelperNetnsTest.Arrival> arrivals(NetnsProcess rx) {
        List<EmergencyHelperNetnsTest.Arrival> got = new ArrayList<>();
        for (String l : rx.rest(Duration.ofSeconds(20))) {
            if (!l.equals("end")) {
                got.add(EmergencyHelperNetnsTest.Arrival.parse(l));
            }
        }
        return got;
    }

    private static List<EmergencyHelperNetnsTest.Arrival> merged(List<EmergencyHelperNetnsTest.Arrival> a,
            List<EmergencyHelperNetnsTest.Arrival> b) {
        List<EmergencyHelperNetnsTest.Arrival> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(Comparator.comparingLong(EmergencyHelperNetnsTest.Arrival::atNs));
        return all;
    }

    private static long bytes(List<EmergencyHelperNetnsTest.Arrival> a) {
        return a.stream().mapToLong(EmergencyHelperNetnsTest.Arrival::ipBytes).sum();
    }

    @Test
    void bothPathsOfOneBorrowerShareOneQuotaUpAndDown() throws Exception {
        try (Netns bo = Netns.create(PREFIX); Netns sharer = Netns.create(PREFIX); Netns server = Netns.create(PREFIX)) {
            topology(bo, sharer, server);
            EmergencyHelperRules help = new EmergencyHelperRules(sharer.runner);
            SharingLenderRules lend = LenderTicker.rules(sharer);
            help.removeAll();
            lend.removeAll();
            // each direction its own quota, as the offers give them: up 200 000 B (R = 99 000 B/s), down 300 000 B
            EmergencyQuota quota = new EmergencyQuota(200_000, 1000);
            EmergencyQuota downQuota = new EmergencyQuota(300_000, 1000); // R = 148 500 B/s
            java.net.Inet4Address peer = Ipv4Cidr.parseAddress(BORROWER_PEER);
            // the order SharingDataPaths opens them in: the per-session path and its quota, then
            // the share's quota on the sealed forwarding, then the forwarding; the helper's per-path
            // limits (uploads only) at the upload's quota
            help.apply(new EmergencyGrant("r4795", EmergencyMode.DIRECT, "hqt0", Ipv4Cidr.parseAddress(BORROWER_INNER),
                    "hqw0", List.of(), quota));
            lend.apply("r4795", "hqt0", downQuota, quota);
            lend.sealed("r4795", "hqp0", peer, true);
            help.apply(new EmergencyGrant("p4795", EmergencyMode.CONCENTRATOR, "hqp0", peer, "hqw0",
                    List.of(EmergencyDestination.parse(CONCENTRATOR + ":5002"), EmergencyDestination.parse(CONCENTRATOR + ":6002")),
                    quota));
            String listed = sharer.sh("nft", "list", "table", "inet", "coopwan_lend");
            lend.sealed("r4795", "hqp0", peer, true);
            assertEquals(listed, sharer.sh("nft", "list", "table", "inet", "coopwan_lend"), "sealed on again changes nothing");
            // the quota's ticks, as the daemon runs them, while traffic flows (bounded: they end by themselves in a minute)
            LenderTicker ticks = new LenderTicker(lend, quota.windowMs());

            // up: 400 datagrams/s of 1000 IP bytes on each path for 4 s, 8 times R together
            List<EmergencyHelperNetnsTest.Arrival> upDirect;
            List<EmergencyHelperNetnsTest.Arrival> upSealed;
            try (NetnsProcess rxD = new NetnsProcess(server, "python3", "-c", EmergencyPy.RECEIVER, SERVER, "5001", "15", "1.5");
                    NetnsProcess rxS = new NetnsProcess(server, "python3", "-c", EmergencyPy.RECEIVER, CONCENTRATOR, "5002",
                            "15", "1.5")) {
                assertEquals("ready", rxD.line(S10));
                assertEquals("ready", rxS.line(S10));
                try (NetnsProcess txD = new NetnsProcess(bo, "python3", "-c", EmergencyPy.BLASTER, SERVER, "5001", "972",
                        "400", "4");
                        NetnsProcess txS = new NetnsProcess(bo, "python3", "-c", EmergencyPy.BLASTER, CONCENTRATOR, "5002",
                                "972", "400", "4")) {
                    assertEquals(1600, Integer.parseInt(txD.line(Duration.ofSeconds(20))));
                    assertEquals(1600, Integer.parseInt(txS.line(Duration.ofSeconds(20))));
                }
                upDirect = arrivals(rxD);
                upSealed = arrivals(rxS);
            }
            SharingLenderRules.Counters afterUp = lend.counters().get(0);

            // down: the server answers each path's first datagram with the same blast
            List<EmergencyHelperNetnsTest.Arrival> downDirect;
            List<EmergencyHelperNetnsTest.Arrival> downSealed;
            try (NetnsProcess txD = new NetnsProcess(server, "python3", "-c", EmergencyPy.REPLY_BLASTER, SERVER, "6001",
                    "972", "400", "4");
                    NetnsProcess txS = new NetnsProcess(server, "python3", "-c", EmergencyPy.REPLY_BLASTER, CONCENTRATOR,
                            "6002", "972", "400", "4")) {
                assertEquals("ready", txD.line(S10));
                assertEquals("ready", txS.line(S10));
                try (NetnsProcess rxD = new NetnsProcess(bo, "python3", "-c", EmergencyPy.RECEIVER, BORROWER_INNER, "7001",
                        "15", "1.5", SERVER + ":6001");
                        NetnsProcess rxS = new NetnsProcess(bo, "python3", "-c", EmergencyPy.RECEIVER, BORROWER_PEER, "7002",
                                "15", "1.5", CONCENTRATOR + ":6002")) {
                    assertEquals("ready", rxD.line(S10));
                    assertEquals("ready", rxS.line(S10));
                    assertEquals(1600, Integer.parseInt(txD.line(Duration.ofSeconds(20))));
                    assertEquals(1600, Integer.parseInt(txS.line(Duration.ofSeconds(20))));
                    downDirect = arrivals(rxD);
                    downSealed = arrivals(rxS);
                }
            }
            SharingLenderRules.Counters c = lend.counters().get(0);
            ticks.close();
            assertEquals(0, ticks.failures(), "every tick read the objects");

            long windowNs = quota.windowMs() * 1_000_000L;
            EmergencyHelperNetnsTest.Windows up = EmergencyHelperNetnsTest.slidingWindows(merged(upDirect, upSealed),
                    windowNs, Long.MIN_VALUE);
            EmergencyHelperNetnsTest.Windows down = EmergencyHelperNetnsTest.slidingWindows(merged(downDirect, downSealed),
                    windowNs, Long.MIN_VALUE);
            System.out.printf("sharing quota netns: up quota %d B per %d ms (R %d B/s, bound %.0f B), down quota %d B"
                            + " (R %d B/s, bound %.0f B); up: per session %d B, sealed %d B, most in one window of both %d B"
                            + " (%d windows); down: per session %d B, sealed %d B, most in one window %d B (%d windows);"
                            + " counters %s%n",
                    quota.quotaBytes(), quota.windowMs(), quota.rateBytesPerSecond(), quota.boundBytes(),
                    downQuota.quotaBytes(), downQuota.rateBytesPerSecond(), downQuota.boundBytes(), bytes(upDirect),
                    bytes(upSealed), up.maxBytes(), up.checked(), bytes(downDirect), bytes(downSealed), down.maxBytes(),
                    down.checked(), c);
            assertTrue(up.maxBytes() <= quota.quotaBytes(), "up, both paths: " + up.maxBytes() + " B in one window");
            assertTrue(down.maxBytes() <= downQuota.quotaBytes(), "down, both paths: " + down.maxBytes() + " B in one window");
            assertTrue(down.maxBytes() > quota.quotaBytes(), "down has its own, larger quota: " + down.maxBytes());
            // both paths carry, and neither alone got the whole quota's worth of the run
            for (List<EmergencyHelperNetnsTest.Arrival> a : List.of(upDirect, upSealed, downDirect, downSealed)) {
                assertTrue(bytes(a) > quota.rateBytesPerSecond() / 2, "each path carries: " + bytes(a));
            }
            assertTrue(upSealed.stream().allMatch(a -> a.source().equals("198.18.60.1")), "the sealed path is masqueraded");
            // every byte that arrived passed the shared limit and was counted there (down: plus the hellos' answers
            // none); up, what the shared limit passed and the helper's own per-path limit after it then dropped
            // did not arrive: the sealed path meets no meter (SharingLenderRules), so a borrower blasting both paths
            // can pass the window faster than the sealed path's own token bucket (only a misbehaving one)
            String helperCounters = sharer.sh("nft", "list", "counters", "table", "inet", "coopwan_help");
            java.util.regex.Matcher over = java.util.regex.Pattern.compile("counter over_[a-z0-9_]+ \\{\\s*packets \\d+ bytes (\\d+)")
                    .matcher(helperCounters);
            long helperDropped = 0;
            while (over.find()) {
                helperDropped += Long.parseLong(over.group(1));
            }
            assertEquals(bytes(upDirect) + bytes(upSealed) + helperDropped, afterUp.carriedUpBytes(),
                    "carried up = arrived up + the helper's own drops after it\n" + helperCounters);
            assertEquals(bytes(downDirect) + bytes(downSealed), c.carriedBytes(), "carried down = arrived down");
            assertTrue(afterUp.droppedUpBytes() > 1_000_000, "about 3.2 MB sent up, at most about 0.5 MB passed: " + afterUp);
            assertTrue(c.droppedBytes() > 1_000_000, "likewise down: " + c);

            // sealed off (an emergency replaced the forwarding): its packets no longer charge the share
            lend.sealed("r4795", "hqp0", peer, false);
            lend.sealed("r4795", "hqp0", peer, false);
            String off = sharer.sh("nft", "list", "table", "inet", "coopwan_lend");
            // the sealed maps (the meters of the heavy sessions still know the peer's address, for 5 s)
            String sealedMaps = sharer.sh("nft", "list", "map", "inet", "coopwan_lend", "sealed_down")
                    + sharer.sh("nft", "list", "map", "inet", "coopwan_lend", "sealed_up");
            assertFalse(sealedMaps.contains(BORROWER_PEER), sealedMaps);
            assertTrue(off.contains("\"hqt0\" : jump b_r4795"), "the per-session path keeps its quota: " + off);
            // removal with the sealed entry present takes it too
            lend.sealed("r4795", "hqp0", peer, true);
            lend.remove("r4795", "hqt0");
            lend.remove("r4795", "hqt0");
            String after = sharer.sh("nft", "list", "table", "inet", "coopwan_lend");
            assertFalse(after.contains("r4795") || after.contains(BORROWER_PEER), after);
            lend.removeAll();
            help.removeAll();
            String tables = sharer.sh("nft", "list", "tables");
            assertFalse(tables.contains("coopwan_lend") || tables.contains("coopwan_help"), tables);
        }
    }
}
