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
 * The sharer's download limit against a real kernel: a server blasts UDP at twice the quota's rate
 * towards a borrower behind the sharer's stand-in tunnel {@code cwhelp0}; every sliding window at
 * the borrower stays within the quota, the excess is counted, and removal leaves nothing.
 */
class SharingLenderNetnsTest {
    private static final Duration S10 = Duration.ofSeconds(10);

    @BeforeAll
    static void clean() {
        assumeTrue(Netns.available(), "needs root and ip netns");
        Netns.removeLeftovers(EmergencyHelperNetnsTest.PREFIX);
    }

    @Test
    void downloadsToABorrowerStayWithinItsQuotaInEveryWindow() throws Exception {
        try (Netns bo = Netns.create(EmergencyHelperNetnsTest.PREFIX); Netns sharer = Netns.create(EmergencyHelperNetnsTest.PREFIX);
                Netns server = Netns.create(EmergencyHelperNetnsTest.PREFIX)) {
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

            SharingLenderRules rules = new SharingLenderRules(sharer.runner);
            rules.removeAll();
            EmergencyQuota quota = new EmergencyQuota(200_000, 1000); // R = 99 000 B/s
            rules.apply("bo1", "cwhelp0", new EmergencyQuota(1_000_000, 1000));
            rules.apply("bo1", "cwhelp0", quota); // the offer fell: the new limit replaces the old
            String listed = sharer.sh("nft", "list", "table", "inet", "coopwan_lend");
            assertTrue(listed.contains("rate over 99000 bytes/second"), listed);
            assertFalse(listed.contains("rate over 495000"), "the old limit is gone: " + listed);

            List<EmergencyHelperNetnsTest.Arrival> got = new ArrayList<>();
            try (NetnsProcess rx = new NetnsProcess(bo, "python3", "-c", EmergencyPy.RECEIVER, "100.127.255.2", "5001",
                    "15", "1.5")) {
                assertEquals("ready", rx.line(S10));
                try (NetnsProcess tx = new NetnsProcess(server, "python3", "-c", EmergencyPy.BLASTER, "100.127.255.2",
                        "5001", "972", "400", "4")) {
                    assertEquals(1600, Integer.parseInt(tx.line(Duration.ofSeconds(20))));
                }
                for (String l : rx.rest(Duration.ofSeconds(20))) {
                    if (!l.equals("end")) {
                        got.add(EmergencyHelperNetnsTest.Arrival.parse(l));
                    }
                }
            }
            got.sort(Comparator.comparingLong(EmergencyHelperNetnsTest.Arrival::atNs));
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
