package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The helper's rules against a real kernel: req -- helper -- server, namespaces {@code cwes*}, a
 * veth {@code cwhelp0} standing for the helper's tunnel device (the rules only look at names).
 * Addresses: requester 100.127.255.2/30 (its inner tunnel address), helper 100.127.255.1/30,
 * helper WAN 198.18.60.1/24, server 198.18.60.2/24 with no route back (only the masquerade
 * brings answers home).
 */
class EmergencyHelperNetnsTest {
    static final String PREFIX = "cwes";
    private static final Duration S10 = Duration.ofSeconds(10);

    @BeforeAll
    static void clean() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        Netns.removeLeftovers(PREFIX);
    }

    /** One datagram as the server saw it; {@code ipBytes} is what the kernel's limit counts. */
    record Arrival(long atNs, int ipBytes, String source, int port) {
        static Arrival parse(String line) {
            String[] t = line.split(" ");
            return new Arrival(Long.parseLong(t[0]), Integer.parseInt(t[1]) + 28, t[2], Integer.parseInt(t[3]));
        }
    }

    /** Windows checked (one starting at each arrival from {@code fromNs}) and the most bytes in one. */
    record Windows(int checked, long maxBytes) {
    }

    static Windows slidingWindows(List<Arrival> a, long windowNs, long fromNs) {
        long max = 0;
        int checked = 0;
        int end = 0;
        long sum = 0;
        for (int start = 0; start < a.size(); start++) {
            while (end < a.size() && a.get(end).atNs() < a.get(start).atNs() + windowNs) {
                sum += a.get(end++).ipBytes();
            }
            if (a.get(start).atNs() >= fromNs) {
                checked++;
                max = Math.max(max, sum);
            }
            sum -= a.get(start).ipBytes();
        }
        return new Windows(checked, max);
    }

    private static void topology(Netns req, Netns helper, Netns server) {
        req.veth("rq0", helper, "cwhelp0");
        helper.veth("wan0", server, "s0");
        req.sh("ip", "addr", "add", "100.127.255.2/30", "dev", "rq0");
        req.sh("ip", "route", "add", "default", "via", "100.127.255.1");
        helper.sh("ip", "addr", "add", "100.127.255.1/30", "dev", "cwhelp0");
        helper.sh("ip", "addr", "add", "198.18.60.1/24", "dev", "wan0");
        helper.sh("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        server.sh("ip", "addr", "add", "198.18.60.2/24", "dev", "s0");
        // resolve neighbours now, so no datagram of the measurement waits for ARP
        req.sh("ping", "-n", "-q", "-c", "1", "-W", "2", "100.127.255.1");
        helper.sh("ping", "-n", "-q", "-c", "1", "-W", "2", "198.18.60.2");
    }

    private static EmergencyCounters countersOf(EmergencyHelperRules rules, String name) {
        return rules.counters().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static long timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Twice the quota's own rate (4 to 22 times the sustained rate R) for 4 s, for a short and a middle window of the seed's
     * (0.1 s and 1 s; 10 s would take a minute). Half-way, the requester is re-applied and a
     * second requester added and removed: none of that may refill its bucket.
     */
    @ParameterizedTest
    @ValueSource(longs = {100, 1000})
    void directModeKeepsEverySlidingWindowWithinTheQuota(long windowMs) throws Exception {
        try (Netns req = Netns.create(PREFIX); Netns helper = Netns.create(PREFIX); Netns server = Netns.create(PREFIX)) {
            topology(req, helper, server);
            EmergencyHelperRules rules = new EmergencyHelperRules(helper.runner);
            rules.removeAll();
            EmergencyQuota quota = new EmergencyQuota(200 * windowMs, windowMs); // 1.6 Mbit/s; R = 18000 or 99000 B/s
            String pps = "400"; // 1000-byte IP packets: twice the quota's own rate, 4 to 22 times R
            EmergencyGrant r1 = new EmergencyGrant("r1", EmergencyMode.DIRECT, "cwhelp0",
                    Ipv4Cidr.parseAddress("100.127.255.2"), "wan0", List.of(), quota);
            EmergencyGrant r2 = new EmergencyGrant("r2", EmergencyMode.DIRECT, "cwhelp0",
                    Ipv4Cidr.parseAddress("100.127.255.6"), "wan0", List.of(), quota);
            long firstApplyMs = timed(() -> rules.apply(r1));
            long secondApplyMs = timed(() -> rules.apply(r1));
            String listed = helper.sh("nft", "list", "table", "inet", "coopwan_help");
            rules.apply(r1);
            assertEquals(listed, helper.sh("nft", "list", "table", "inet", "coopwan_help"), "re-apply changes nothing");

            int sent;
            long reapplyAtNs;
            List<Arrival> got = new ArrayList<>();
            try (NetnsProcess rx = new NetnsProcess(server, "python3", "-c", EmergencyPy.RECEIVER,
                    "198.18.60.2", "5001", "15", "1.5")) {
                assertEquals("ready", rx.line(S10));
                try (NetnsProcess tx = new NetnsProcess(req, "python3", "-c", EmergencyPy.BLASTER,
                        "198.18.60.2", "5001", "972", pps, "4")) {
                    Thread.sleep(2000);
                    reapplyAtNs = wallNs();
                    rules.apply(r1);
                    rules.apply(r2);
                    rules.remove("r2");
                    sent = Integer.parseInt(tx.line(S10));
                }
                for (String l : rx.rest(Duration.ofSeconds(20))) {
                    if (!l.equals("end")) {
                        got.add(Arrival.parse(l));
                    }
                }
            }
            got.sort(Comparator.comparingLong(Arrival::atNs));
            assertTrue(got.size() > 50, "arrived: " + got.size());
            long windowNs = quota.windowMs() * 1_000_000L;
            Windows all = slidingWindows(got, windowNs, Long.MIN_VALUE);
            // once the full bucket of the start has drained, windows carry about R*T; a refilled
            // bucket at the re-apply would show a window of R + R*T again
            Windows steady = slidingWindows(got, windowNs, got.get(0).atNs() + 1_200_000_000L);
            EmergencyCounters c = countersOf(rules, "r1");
            long arrivedBytes = got.stream().mapToLong(Arrival::ipBytes).sum();
            System.out.printf("emergency helper netns: quota %d B per %d ms (rate %d B/s), sent %d, arrived %d,"
                            + " %d windows checked, max %.4f of the quota; after the first 1.2 s %d windows, max %.4f;"
                            + " counters %s; apply %d ms first, %d ms again; re-apply at +%d ms%n",
                    quota.quotaBytes(), quota.windowMs(), quota.rateBytesPerSecond(), sent, got.size(), all.checked(),
                    (double) all.maxBytes() / quota.quotaBytes(), steady.checked(),
                    (double) steady.maxBytes() / quota.quotaBytes(), c, firstApplyMs, secondApplyMs,
                    (reapplyAtNs - got.get(0).atNs()) / 1_000_000);
            assertTrue(all.maxBytes() <= quota.quotaBytes(), "a window of " + quota.windowMs() + " ms carried "
                    + all.maxBytes() + " bytes");
            assertTrue(steady.maxBytes() <= 0.75 * quota.quotaBytes(), "a bucket was refilled: " + steady.maxBytes());
            assertTrue(got.stream().allMatch(a -> a.source().equals("198.18.60.1")), "masqueraded to the helper's WAN");
            assertEquals(got.size(), c.carriedPackets(), "carried = arrived");
            assertEquals(arrivedBytes, c.carriedBytes(), "carried bytes = arrived IP bytes");
            assertEquals(sent, c.carriedPackets() + c.droppedOverQuotaPackets(), "every datagram carried or dropped");
            assertTrue(c.droppedOverQuotaPackets() > sent / 2, "over quota: " + c.droppedOverQuotaPackets());
            assertEquals(0, c.refusedPackets());
            assertFalse(rules.counters().stream().anyMatch(x -> x.name().equals("r2")), "r2 removed");
            // another source on the helper's tunnel matches no requester: dropped, not forwarded unlimited
            req.sh("ip", "addr", "add", "100.64.99.9/32", "dev", "rq0");
            assertFalse(req.tryRun(S10, "ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "1", "-I", "100.64.99.9",
                    "198.18.60.2").succeeded());
            assertEquals(3, rules.unknownPackets());

            rules.removeAll();
            rules.removeAll();
            assertFalse(helper.sh("nft", "list", "tables").contains("coopwan_help"));
            assertFalse(helper.sh("ip", "-4", "rule", "show").matches("(?s).*310[0-9][0-9]:.*"));
            assertEquals(List.of(), rules.counters());
        }
    }

    private static long wallNs() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String limitHandle(Netns ns, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("limit " + name + " \\{ # handle ([0-9]+)")
                .matcher(ns.sh("nft", "-a", "list", "table", "inet", "coopwan_help"));
        assertTrue(m.find(), name);
        return m.group(1);
    }

    /** The kernel accepts every transaction shape: same quota (kept), new quota (replaced), a moved key, a conflict. */
    @Test
    void changesOfOneRequesterStayWithItsOwnObjects() {
        try (Netns helper = Netns.create(PREFIX)) {
            EmergencyHelperRules rules = new EmergencyHelperRules(helper.runner);
            // R = 102400 bytes/s, which nft lists as "100 kbytes/second"
            EmergencyQuota q1 = new EmergencyQuota(206_869, 1000);
            assertEquals(102_400, q1.rateBytesPerSecond());
            EmergencyGrant r1 = new EmergencyGrant("r1", EmergencyMode.DIRECT, "cwhelp0",
                    Ipv4Cidr.parseAddress("100.127.255.2"), "wan0", List.of(), q1);
            EmergencyGrant r2 = new EmergencyGrant("r2", EmergencyMode.CONCENTRATOR, "peer0",
                    Ipv4Cidr.parseAddress("100.64.70.2"), "wan0", List.of(EmergencyDestination.parse("198.18.9.2:4500")), q1);
            rules.apply(r1);
            rules.apply(r2);
            String h1 = limitHandle(helper, "q_r1");
            String h2 = limitHandle(helper, "q_r2");
            rules.apply(r1);
            assertEquals(h1, limitHandle(helper, "q_r1"), "same quota: the bucket is kept");

            rules.apply(new EmergencyGrant("r1", EmergencyMode.DIRECT, "cwhelp0", Ipv4Cidr.parseAddress("100.127.255.6"),
                    "wan0", List.of(EmergencyDestination.parse("198.18.9.9")), new EmergencyQuota(20_000, 100)));
            String listed = helper.sh("nft", "list", "table", "inet", "coopwan_help");
            assertTrue(listed.contains("rate over 18000 bytes/second"), listed);
            assertFalse(listed.contains("100.127.255.2"), "the old key is gone: " + listed);
            assertTrue(listed.contains("\"cwhelp0\" . 100.127.255.6 : jump req_r1"), listed);
            assertTrue(listed.contains("\"peer0\" . 100.64.70.2 : jump req_r2"), listed);
            assertEquals(h2, limitHandle(helper, "q_r2"), "the other requester's bucket is untouched");

            assertThrows(SteerException.class, () -> rules.apply(new EmergencyGrant("r3", EmergencyMode.DIRECT,
                    "cwhelp0", Ipv4Cidr.parseAddress("100.127.255.6"), "wan0", List.of(), q1)));
            rules.remove("r1");
            rules.remove("r1");
            assertEquals(h2, limitHandle(helper, "q_r2"));
            assertEquals(List.of("r2"), rules.counters().stream().map(EmergencyCounters::name).toList());
            rules.removeAll();
            rules.remove("r2");
            assertFalse(helper.sh("nft", "list", "tables").contains("coopwan_help"));
        }
    }

    /**
     * The concentrator mode: only the listed address:port leaves; another port, ICMP and
     * unsolicited traffic from the WAN towards the requester are refused and counted.
     */
    @Test
    void concentratorModeCarriesOnlyTheListAndCountsTheRest() throws Exception {
        try (Netns req = Netns.create(PREFIX); Netns helper = Netns.create(PREFIX); Netns server = Netns.create(PREFIX)) {
            topology(req, helper, server);
            EmergencyHelperRules rules = new EmergencyHelperRules(helper.runner);
            rules.removeAll();
            rules.apply(new EmergencyGrant("c1", EmergencyMode.CONCENTRATOR, "cwhelp0",
                    Ipv4Cidr.parseAddress("100.127.255.2"), "wan0",
                    List.of(EmergencyDestination.parse("198.18.60.2:5001")), new EmergencyQuota(1_000_000, 1000)));
            List<String> got;
            try (NetnsProcess rx = new NetnsProcess(server, "python3", "-c", EmergencyPy.RECEIVER,
                    "198.18.60.2", "5001,5002", "8", "1.0")) {
                assertEquals("ready", rx.line(S10));
                try (NetnsProcess ok = new NetnsProcess(req, "python3", "-c", EmergencyPy.BLASTER,
                        "198.18.60.2", "5001", "100", "100", "0.2");
                     NetnsProcess no = new NetnsProcess(req, "python3", "-c", EmergencyPy.BLASTER,
                             "198.18.60.2", "5002", "100", "100", "0.2")) {
                    assertEquals("20", ok.line(S10));
                    assertEquals("20", no.line(S10));
                }
                assertFalse(req.tryRun(S10, "ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "1", "198.18.60.2").succeeded());
                got = rx.rest(Duration.ofSeconds(15));
            }
            got = got.subList(0, got.size() - 1);
            assertEquals(20, got.size(), "only the listed port arrives: " + got);
            assertTrue(got.stream().allMatch(l -> l.endsWith(" 198.18.60.1 5001")), got.toString());
            // unsolicited, from the WAN side: refused too
            server.sh("ip", "route", "add", "100.127.255.0/30", "via", "198.18.60.1");
            assertFalse(server.tryRun(S10, "ping", "-n", "-q", "-c", "2", "-i", "0.2", "-W", "1", "100.127.255.2").succeeded());

            EmergencyCounters c = countersOf(rules, "c1");
            System.out.printf("emergency helper netns (concentrator): %s%n", c);
            assertEquals(20, c.carriedPackets());
            assertEquals(20 * 128, c.carriedBytes());
            assertEquals(0, c.droppedOverQuotaPackets());
            assertEquals(20 + 3 + 2, c.refusedPackets(), "other port, pings, unsolicited");

            rules.remove("c1");
            rules.remove("c1");
            assertEquals(List.of(), rules.counters());
            rules.removeAll();
            assertFalse(helper.sh("nft", "list", "tables").contains("coopwan_help"));
        }
    }
}
