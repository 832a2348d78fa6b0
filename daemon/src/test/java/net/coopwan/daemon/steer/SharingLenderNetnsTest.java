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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sharer's limits against a real kernel: a server blasts UDP at twice the quota's rate
 * towards a borrower behind the sharer's stand-in tunnel {@code cwhelp0}; every sliding window at
 * the borrower stays within the quota, the excess is counted, and removal leaves nothing. A rising
 * quota, in either direction, holds every window within the larger one (the replaced limit beside
 * the new one until settled), with windows of 1 s and of 10 s (the offer rising from the floor and
 * falling within a window, the sharing benchmark's case). The limit counts a packet of many segments
 * once (GRO/GSO), their own headers not. Both paths of one borrower sharing the quota:
 * SharingQuotaNetnsTest.
 */
class SharingLenderNetnsTest {
    private static final Duration S10 = Duration.ofSeconds(10);

    @BeforeAll
    static void clean() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        Netns.removeLeftovers(EmergencyHelperNetnsTest.PREFIX);
    }

    /** A borrower behind the sharer's stand-in tunnel cwhelp0, a server behind its WAN. */
    static void wire(Netns bo, Netns sharer, Netns server) {
        bo.veth("rq0", sharer, "cwhelp0");
        sharer.veth("wan0", server, "s0");
        bo.sh("ip", "addr", "add", "100.127.255.2/30", "dev", "rq0");
        bo.sh("ip", "route", "add", "default", "via", "100.127.255.1");
        sharer.sh("ip", "addr", "add", "100.127.255.1/30", "dev", "cwhelp0");
        sharer.sh("ip", "addr", "add", "198.18.60.1/24", "dev", "wan0");
        sharer.sh("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        server.sh("ip", "addr", "add", "198.18.60.2/24", "dev", "s0");
        server.sh("ip", "route", "add", "100.127.255.0/30", "via", "198.18.60.1");
        bo.sh("ping", "-n", "-q", "-c", "1", "-W", "2", "198.18.60.2");
    }

    /** What runs while the blaster sends. */
    interface During {
        void run() throws Exception;
    }

    private static final String BORROWER = "100.127.255.2";
    private static final String SERVER = "198.18.60.2";

    /**
     * UDP of 1000 IP bytes from the server to the borrower at {@code pps} for {@code seconds}, with
     * {@code during} run meanwhile: what arrived, by the borrower's kernel timestamps.
     */
    static List<EmergencyHelperNetnsTest.Arrival> blast(Netns bo, Netns server, int pps, int seconds, During during)
            throws Exception {
        return blast(bo, BORROWER, server, pps, seconds, during);
    }

    /**
     * UDP of 1000 IP bytes from {@code tx} to {@code rx} at {@code rxAddress} at {@code pps} for
     * {@code seconds}, with {@code during} run meanwhile: what arrived, by the receiver's kernel
     * timestamps.
     */
    static List<EmergencyHelperNetnsTest.Arrival> blast(Netns rx, String rxAddress, Netns tx, int pps, int seconds,
            During during) throws Exception {
        List<EmergencyHelperNetnsTest.Arrival> got = new ArrayList<>();
        try (NetnsProcess receiver = new NetnsProcess(rx, "python3", "-c", EmergencyPy.RECEIVER, rxAddress, "5001",
                String.valueOf(seconds + 9), "1.5")) {
            assertEquals("ready", receiver.line(S10));
            try (NetnsProcess sender = new NetnsProcess(tx, "python3", "-c", EmergencyPy.BLASTER, rxAddress,
                    "5001", "972", String.valueOf(pps), String.valueOf(seconds))) {
                during.run();
                assertEquals(pps * seconds, Integer.parseInt(sender.line(Duration.ofSeconds(20))));
            }
            for (String l : receiver.rest(Duration.ofSeconds(20))) {
                if (!l.equals("end")) {
                    got.add(EmergencyHelperNetnsTest.Arrival.parse(l));
                }
            }
        }
        got.sort(Comparator.comparingLong(EmergencyHelperNetnsTest.Arrival::atNs));
        return got;
    }

    /**
     * A rising quota was a new limit with a full bucket, so a window starting just before the change
     * carried the old limit's burst and the new one's whole bound (0.999 of the quota here, where the
     * bound is 0.990). The old limit now holds beside the new one for a window (also across a second
     * change within it): no window above the larger quota. Each direction on its own (down: the
     * server to the borrower, up: the borrower to the server), the other direction's limit left as
     * it is.
     */
    @ParameterizedTest
    @ValueSource(strings = {"down", "up"})
    void aRisingQuotaNeverLetsAWindowCarryTheOldBurstAndTheNewBound(String direction) throws Exception {
        try (Netns bo = Netns.create(EmergencyHelperNetnsTest.PREFIX); Netns sharer = Netns.create(EmergencyHelperNetnsTest.PREFIX);
                Netns server = Netns.create(EmergencyHelperNetnsTest.PREFIX)) {
            wire(bo, sharer, server);
            boolean down = direction.equals("down");
            SharingLenderRules rules = new SharingLenderRules(sharer.runner);
            rules.removeAll();
            EmergencyQuota small = new EmergencyQuota(100_000, 1000); // R = 49 500 B/s, its bucket full after a second
            EmergencyQuota large = new EmergencyQuota(1_000_000, 1000); // R = 495 000 B/s
            EmergencyQuota other = new EmergencyQuota(300_000, 1000); // the other direction's: R = 148 500 B/s
            rules.apply("bo1", "cwhelp0", down ? small : other, down ? other : small);
            Thread.sleep(1200);
            // 1.2 MB/s, above both rates, for 3 s
            List<EmergencyHelperNetnsTest.Arrival> got = blast(down ? bo : server, down ? BORROWER : SERVER,
                    down ? server : bo, 1200, 3, () -> {
                        long until = System.nanoTime() + S10.toNanos();
                        while (carried(rules, down) == 0) {
                            assertTrue(System.nanoTime() < until, "nothing reached the " + (down ? "borrower" : "server"));
                            Thread.sleep(5);
                        }
                        // the old limit's full bucket has begun to pass: the offer rises now, twice within a window
                        EmergencyQuota between = new EmergencyQuota(500_000, 1000);
                        rules.apply("bo1", "cwhelp0", down ? between : other, down ? other : between);
                        rules.apply("bo1", "cwhelp0", down ? large : other, down ? other : large);
                        String both = sharer.sh("nft", "list", "table", "inet", "coopwan_lend");
                        assertTrue(both.contains("rate over 49500 bytes") && both.contains("rate over 495000 bytes")
                                && !both.contains("rate over 247500 bytes"), "the first and the last hold, not the one between: "
                                + both);
                        assertEquals(1, both.split("rate over 148500 bytes", -1).length - 1,
                                "the other direction keeps its one limit: " + both);
                        Thread.sleep(large.windowMs());
                        rules.settle("bo1", "cwhelp0");
                        assertFalse(sharer.sh("nft", "list", "table", "inet", "coopwan_lend").contains("rate over 49500 bytes"),
                                "the old limit is gone once settled");
                    });
            EmergencyHelperNetnsTest.Windows w = EmergencyHelperNetnsTest.slidingWindows(got, 1_000_000_000L, Long.MIN_VALUE);
            System.out.printf("sharing lender netns, %s: a rising quota, most in one window %d B of the larger quota %d"
                    + " (bound %.0f), %d arrivals%n", direction, w.maxBytes(), large.quotaBytes(), large.boundBytes(), got.size());
            assertTrue(got.size() > 1000, "the large quota passed: " + got.size());
            assertTrue(w.maxBytes() <= large.boundBytes(), "most in one window " + w.maxBytes() + " B, the larger quota "
                    + large.quotaBytes() + " (bound " + large.boundBytes() + ")");
            assertEquals(0, carried(rules, !down), "nothing went the other way");
            rules.removeAll();
        }
    }

    /**
     * The sharing benchmark's case at T = 10 s (its lent download measured 1.001 of the quota per
     * segment on the tunnel): the offer rises from the floor to the offer and, within that window,
     * falls part of the way; one window after that settles; later it rises again, settles and
     * carries alone for more than a window, the lender's timing (LendingSession: SettleQuota a window after the last SetQuota). The server
     * blasts above every rate throughout; every sliding window of 10 s, by the borrower's kernel
     * timestamps, stays within the bound of the largest quota, every window that starts after the
     * fall and ends before the second rise within the smaller quota's bound, and every window that
     * starts before the first rise (it ends before the floor's limit settles) within the floor's.
     */
    @Test
    void tenSecondWindowsHoldAcrossAnOfferRisingFromTheFloorAndFallingWithinAWindow() throws Exception {
        try (Netns bo = Netns.create(EmergencyHelperNetnsTest.PREFIX); Netns sharer = Netns.create(EmergencyHelperNetnsTest.PREFIX);
                Netns server = Netns.create(EmergencyHelperNetnsTest.PREFIX)) {
            wire(bo, sharer, server);
            SharingLenderRules rules = new SharingLenderRules(sharer.runner);
            rules.removeAll();
            long windowNs = 10_000_000_000L;
            EmergencyQuota floor = new EmergencyQuota(150_000, 10_000); // R = 13 500 B/s
            EmergencyQuota offer = new EmergencyQuota(1_000_000, 10_000); // R = 90 000 B/s
            EmergencyQuota part = new EmergencyQuota(400_000, 10_000); // R = 36 000 B/s
            rules.apply("bo1", "cwhelp0", floor);
            long[] at = new long[3]; // the borrower's clock (realtime, as its timestamps): rise, fall, rise again
            // 200 kB/s (above every rate) for 40 s: the last 12 s under the offer alone
            List<EmergencyHelperNetnsTest.Arrival> got = blast(bo, server, 200, 40, () -> {
                long until = System.nanoTime() + S10.toNanos();
                while (carried(rules, true) == 0) {
                    assertTrue(System.nanoTime() < until, "nothing reached the borrower");
                    Thread.sleep(5);
                }
                Thread.sleep(2000); // the floor's full bucket has passed and it carries its rate: the offer rises
                at[0] = realtimeNs();
                rules.apply("bo1", "cwhelp0", offer);
                Thread.sleep(3000); // and falls part of the way within that window
                at[1] = realtimeNs();
                rules.apply("bo1", "cwhelp0", part);
                Thread.sleep(offer.windowMs());
                rules.settle("bo1", "cwhelp0");
                String settled = sharer.sh("nft", "list", "table", "inet", "coopwan_lend");
                assertTrue(settled.contains("rate over 36000 bytes") && !settled.contains("rate over 13500 bytes")
                        && !settled.contains("rate over 90000 bytes"), "settled to the last quota: " + settled);
                Thread.sleep(2000);
                at[2] = realtimeNs();
                rules.apply("bo1", "cwhelp0", offer); // the offer rises again
                Thread.sleep(offer.windowMs());
                rules.settle("bo1", "cwhelp0");
            });
            EmergencyHelperNetnsTest.Windows all = EmergencyHelperNetnsTest.slidingWindows(got, windowNs, Long.MIN_VALUE);
            // a window that starts before the rise ends before the floor's limit settles (a window after the fall)
            long beforeRise = mostInWindowsWithin(got, windowNs, Long.MIN_VALUE, at[0], at[1] + windowNs);
            long afterFall = mostInWindowsWithin(got, windowNs, at[1], Long.MAX_VALUE, at[2]);
            System.out.printf("sharing lender netns, 10 s windows: most in one window %d B (bound %.0f of the offer's %d),"
                    + " before the rise %d B (floor's bound %.0f), between the fall and the second rise %d B (bound %.0f),"
                    + " %d windows, %d arrivals%n", all.maxBytes(), offer.boundBytes(), offer.quotaBytes(), beforeRise,
                    floor.boundBytes(), afterFall, part.boundBytes(), all.checked(), got.size());
            // a window under the offer alone carries at least its rate for T (0.9 of the offer) minus what it drained before
            assertTrue(all.maxBytes() > offer.quotaBytes() * 8 / 10, "the offer passed: " + all.maxBytes());
            assertTrue(all.maxBytes() <= offer.boundBytes(), "most in one window " + all.maxBytes() + " B, the offer's bound "
                    + offer.boundBytes());
            assertTrue(beforeRise <= floor.boundBytes(), "before the rise " + beforeRise + " B, the floor's bound "
                    + floor.boundBytes());
            assertTrue(afterFall <= part.boundBytes(), "after the fall " + afterFall + " B, its bound " + part.boundBytes());
            // (the floor holds beside the fallen offer until settled, so the windows after the fall carry less than its quota)
            assertTrue(beforeRise > floor.quotaBytes() / 2 && afterFall > floor.quotaBytes() / 2,
                    "windows were checked on both sides: " + beforeRise + ", " + afterFall);
            rules.removeAll();
        }
    }

    /**
     * TCP of 2 MB into the borrower, which counts what reaches it with a packet socket on its device:
     * each packet's IP length and how many. Run with the address of the sender and the port.
     */
    private static final String TCP_COUNTING_RECEIVER = """
            import select, socket, struct, sys, time
            src, port = socket.inet_aton(sys.argv[1]), int(sys.argv[2])
            cap = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
            cap.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE: nothing lost while the test reads
            cap.bind(("rq0", 0x0800))
            cap.setblocking(False)
            srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            srv.bind(("0.0.0.0", port))
            srv.listen(1)
            print("ready", flush=True)
            end = time.monotonic() + 30
            srv.settimeout(15)
            c, _ = srv.accept()
            c.setblocking(False)
            got = ipbytes = packets = largest = 0
            done = False
            while time.monotonic() < end:
                ready, _, _ = select.select([cap] + ([] if done else [c]), [], [], 0.2)
                if c in ready:
                    d = c.recv(1 << 16)
                    got += len(d)
                    done = not d
                if cap in ready:
                    while True:
                        try:
                            pkt = cap.recv(1 << 17)
                        except BlockingIOError:
                            break
                        if len(pkt) >= 20 and pkt[9] == 6 and pkt[12:16] == src:
                            n = struct.unpack("!H", pkt[2:4])[0]
                            ipbytes += n
                            packets += 1
                            largest = max(largest, n)
                elif done:
                    break
            print(got, ipbytes, packets, largest, flush=True)
            """;

    /** Sends 2 MB over TCP to the address and port given, in large writes (the stack sends them as GSO packets). */
    private static final String TCP_SENDER = """
            import socket, sys
            s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=15)
            data = b"x" * (1 << 16)
            for _ in range(32):
                s.sendall(data)
            s.close()
            print("sent", flush=True)
            """;

    /**
     * Why the sharing benchmark counted 1.001 of the quota per segment where the limit's bound is
     * 0.990: the limit counts a packet as its forward hook sees it, and a TCP stream arrives there
     * as packets of many segments (GRO on a real WAN device; here the server's GSO across a veth),
     * one IP and TCP header each, while the device towards the borrower sends segments of at most
     * its MTU that each carry theirs (the tunnel: no offload; here a device allowed one segment per
     * packet). So the segments' IP lengths add up to more than the limit counted, by their headers
     * only: what EmergencyQuota's unit says.
     */
    @Test
    void theLimitCountsAPacketOfManySegmentsOnceTheirHeadersAreNotCounted() throws Exception {
        try (Netns bo = Netns.create(EmergencyHelperNetnsTest.PREFIX); Netns sharer = Netns.create(EmergencyHelperNetnsTest.PREFIX);
                Netns server = Netns.create(EmergencyHelperNetnsTest.PREFIX)) {
            wire(bo, sharer, server);
            // the stand-in tunnel, like the TUN, sends every segment on its own
            sharer.sh("ip", "link", "set", "dev", "cwhelp0", "gso_max_segs", "1");
            SharingLenderRules rules = new SharingLenderRules(sharer.runner);
            rules.removeAll();
            rules.apply("bo1", "cwhelp0", new EmergencyQuota(1_000_000_000L, 10_000)); // R = 90 MB/s
            String[] r;
            try (NetnsProcess receiver = new NetnsProcess(bo, "python3", "-c", TCP_COUNTING_RECEIVER, SERVER, "5002")) {
                assertEquals("ready", receiver.line(S10));
                try (NetnsProcess sender = new NetnsProcess(server, "python3", "-c", TCP_SENDER, BORROWER, "5002")) {
                    assertEquals("sent", sender.line(Duration.ofSeconds(20)));
                }
                r = receiver.line(Duration.ofSeconds(35)).split(" ");
            }
            long payload = Long.parseLong(r[0]);
            long segmentsIp = Long.parseLong(r[1]);
            long segments = Long.parseLong(r[2]);
            long largest = Long.parseLong(r[3]);
            SharingLenderRules.Counters c = rules.counters().get(0);
            System.out.printf("sharing lender netns, GRO/GSO: %d B of payload in %d segments of at most %d B, %d IP bytes;"
                    + " the limit counted %d B (%.3f of the segments' IP bytes), dropped %d B%n", payload, segments, largest,
                    segmentsIp, c.carriedBytes(), (double) c.carriedBytes() / segmentsIp, c.droppedBytes());
            assertEquals(32L << 16, payload, "the whole stream arrived");
            assertTrue(largest <= 1500, "the borrower got segments of at most the MTU: " + largest);
            assertTrue(c.carriedBytes() >= payload, "the limit counted at least the payload: " + c);
            // the headers of the segments the limit saw as one packet: at most 80 B each (IP 20, TCP up to 60)
            long uncounted = segmentsIp - c.carriedBytes();
            assertTrue(uncounted > 0, "the segments' own headers were not counted: " + uncounted);
            assertTrue(uncounted <= segments * 80, "no more than their headers: " + uncounted + " for " + segments);
            rules.removeAll();
        }
    }

    /** Now on the realtime clock the receiver's SO_TIMESTAMPNS stamps use, in ns. */
    private static long realtimeNs() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /**
     * The most bytes in one window of {@code windowNs} that starts at an arrival in [{@code fromNs},
     * {@code beforeNs}) and ends by {@code endsByNs}; 0 if there is none.
     */
    private static long mostInWindowsWithin(List<EmergencyHelperNetnsTest.Arrival> a, long windowNs, long fromNs, long beforeNs,
            long endsByNs) {
        long max = 0;
        for (int i = 0; i < a.size(); i++) {
            long start = a.get(i).atNs();
            if (start < fromNs || start >= beforeNs || start + windowNs > endsByNs) {
                continue;
            }
            long sum = 0;
            for (int j = i; j < a.size() && a.get(j).atNs() < start + windowNs; j++) {
                sum += a.get(j).ipBytes();
            }
            max = Math.max(max, sum);
        }
        return max;
    }

    /** What the limits of borrower bo1 let through in one direction so far; 0 before the table. */
    private static long carried(SharingLenderRules rules, boolean down) {
        List<SharingLenderRules.Counters> c = rules.counters();
        return c.isEmpty() ? 0 : down ? c.get(0).carriedBytes() : c.get(0).carriedUpBytes();
    }

    @Test
    void downloadsToABorrowerStayWithinItsQuotaInEveryWindow() throws Exception {
        try (Netns bo = Netns.create(EmergencyHelperNetnsTest.PREFIX); Netns sharer = Netns.create(EmergencyHelperNetnsTest.PREFIX);
                Netns server = Netns.create(EmergencyHelperNetnsTest.PREFIX)) {
            wire(bo, sharer, server);
            SharingLenderRules rules = new SharingLenderRules(sharer.runner);
            rules.removeAll();
            EmergencyQuota quota = new EmergencyQuota(200_000, 1000); // R = 99 000 B/s
            rules.apply("bo1", "cwhelp0", new EmergencyQuota(1_000_000, 1000));
            rules.apply("bo1", "cwhelp0", quota); // the offer fell: the new limit replaces the old
            String listed = sharer.sh("nft", "list", "table", "inet", "coopwan_lend");
            assertTrue(listed.contains("rate over 99000 bytes/second"), listed);
            assertTrue(listed.contains("rate over 495000"), "the old limit holds beside it for a window: " + listed);
            rules.settle("bo1", "cwhelp0");
            listed = sharer.sh("nft", "list", "table", "inet", "coopwan_lend");
            assertFalse(listed.contains("rate over 495000"), "then it is gone: " + listed);

            List<EmergencyHelperNetnsTest.Arrival> got = blast(bo, server, 400, 4, () -> { });
            assertTrue(got.size() > 100, "arrived: " + got.size());
            EmergencyHelperNetnsTest.Windows w = EmergencyHelperNetnsTest.slidingWindows(got, 1_000_000_000L, Long.MIN_VALUE);
            assertTrue(w.maxBytes() <= quota.boundBytes(), "most in one window " + w.maxBytes() + " B, quota "
                    + quota.quotaBytes() + " (bound " + quota.boundBytes() + ")");
            SharingLenderRules.Counters c = rules.counters().get(0);
            assertEquals("bo1", c.name());
            assertTrue(c.droppedBytes() > 500_000, "about 1.6 MB sent, at most about 0.5 MB passed: " + c);
            assertTrue(c.carriedBytes() >= got.size() * 1000L, c + " for " + got.size() + " arrivals");

            rules.remove("bo1", "cwhelp0");
            rules.remove("bo1", "cwhelp0"); // absent is fine
            String after = sharer.sh("nft", "list", "table", "inet", "coopwan_lend");
            assertFalse(after.contains("bo1"), after);
            rules.removeAll();
            assertFalse(sharer.sh("nft", "list", "tables").contains("coopwan_lend"));
        }
    }
}
