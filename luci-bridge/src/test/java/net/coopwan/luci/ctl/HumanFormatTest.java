package net.coopwan.luci.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import net.coopwan.luci.rpc.Json;

class HumanFormatTest {

    @Test
    void durationsLeaveOutLeadingZeroUnits() {
        assertEquals("0s", HumanFormat.duration(0));
        assertEquals("59s", HumanFormat.duration(59));
        assertEquals("1m 05s", HumanFormat.duration(65));
        assertEquals("2h 00m 01s", HumanFormat.duration(7201));
        assertEquals("1d 02h 03m 04s", HumanFormat.duration(86400 + 2 * 3600 + 3 * 60 + 4));
    }

    @Test
    void bytesUseIecUnits() {
        assertEquals("0 B", HumanFormat.bytes(0));
        assertEquals("1023 B", HumanFormat.bytes(1023));
        assertEquals("1.5 KiB", HumanFormat.bytes(1536));
        assertEquals("1.0 MiB", HumanFormat.bytes(1L << 20));
        assertEquals("8.0 EiB", HumanFormat.bytes(Long.MAX_VALUE));
    }

    @Test
    void timesAreCutToTheSecondAndNonTimesShownAsSent() {
        assertEquals("2025-01-31T12:00:01Z", HumanFormat.time("2025-01-31T12:00:01.987654Z"));
        assertEquals("yesterday", HumanFormat.time("yesterday"));
    }

    @Test
    void tablesAlignColumnsWithoutTrailingBlanks() {
        String t = new Table("NAME", "STATE").row("wan", "UP").row("lte-backup", "").render();
        assertEquals("NAME        STATE\nwan         UP\nlte-backup\n", t);
    }

    @Test
    void anUplinkWithoutKernelDeviceShowsDashes() throws Exception {
        String out = HumanFormat.uplinks(Json.mapper().readTree(
                "[{\"name\":\"lte\",\"device\":\"wwan0\",\"state\":\"MISSING\",\"kernel\":null}]"));
        assertEquals("NAME  DEVICE  STATE    RX  TX  TUNNEL\nlte   wwan0   MISSING  -   -   -\n", out);
    }

    @Test
    void anUplinkInABondWithAFarEndShowsItsTunnel() throws Exception {
        String out = HumanFormat.uplinks(Json.mapper().readTree(
                "[{\"name\":\"wan1\",\"device\":\"eth1\",\"state\":\"UP\",\"kernel\":null,\"tunnel\":"
                + "{\"bond\":\"bond0\",\"up\":true,\"rttMicros\":12345,\"jitterMicros\":100,\"lossPercent\":1.5,"
                + "\"weight\":2.0,\"txBytes\":1,\"rxBytes\":2}},"
                + "{\"name\":\"wan2\",\"device\":\"eth2\",\"state\":\"UP\",\"kernel\":null,\"tunnel\":"
                + "{\"bond\":\"bond0\",\"up\":false}}]"));
        assertEquals("NAME  DEVICE  STATE  RX  TX  TUNNEL\n"
                + "wan1  eth1    UP     -   -   bond0 up rtt 12.3ms loss 1.5% w 2.00\n"
                + "wan2  eth2    UP     -   -   bond0 down\n", out);
    }

    @Test
    void peersIsATableOfTheRoutersHeardWithTheDropsThatHappened() throws Exception {
        net.coopwan.daemon.api.NearbyRouter r = new net.coopwan.daemon.api.NearbyRouter("100.64.77.2", "beef", true,
                java.util.List.of("emergency", "duplication"), "unknown", "512-1023 Mbit/s", "256-511 Mbit/s", 3,
                java.time.Instant.parse("2026-01-01T00:00:00.250Z"), java.time.Instant.parse("2026-01-01T00:00:04.750Z"), 3);
        java.util.Map<String, Long> drops = new java.util.LinkedHashMap<>();
        drops.put("BAD_MAGIC", 0L);
        drops.put("CHECKSUM_MISMATCH", 2L);
        net.coopwan.daemon.api.DiscoveryStatus d = new net.coopwan.daemon.api.DiscoveryStatus(true, "br-coop", 4790,
                "advertising on 100.64.77.1:4790, broadcast 100.64.77.255", "e954",
                java.util.List.of("emergency"), 5, 12, 3, 5, drops, 0, java.util.List.of(r));
        String out = HumanFormat.format("nearby", Json.mapper().readTree(Json.mapper().writeValueAsString(d)));
        assertEquals("peer link br-coop port 4790: advertising on 100.64.77.1:4790, broadcast 100.64.77.255\n"
                + "this router: nonce e954, offers emergency\n"
                + "adverts sent 5, received 3, own 5, dropped CHECKSUM_MISMATCH 2\n"
                + "ADDRESS      NONCE  WILLING  OFFERS                 UPLINK   DOWN            UP             LAST-SEEN             ADVERTS\n"
                + "100.64.77.2  beef   yes      emergency,duplication  unknown  512-1023Mbit/s  256-511Mbit/s  2026-01-01T00:00:04Z  3\n",
                out);
    }

    @Test
    void peersWithDiscoveryOffSaysHowToTurnItOn() throws Exception {
        String out = HumanFormat.format("nearby", Json.mapper().readTree(Json.mapper().writeValueAsString(
                net.coopwan.daemon.api.DiscoveryStatus.off("br-coop", 4790))));
        assertEquals("Cooperation is off (peer.enabled 0)\n", out);
    }

    @Test
    void peersAddsThePairedRoutersWithTheirChannel() throws Exception {
        String json = "{\"enabled\":true,\"device\":\"br-coop\",\"port\":4790,\"state\":\"advertising\",\"nonce\":\"0a0b\","
                + "\"offers\":[],\"advertsSent\":3,\"advertsReceived\":2,\"ownAdverts\":3,\"drops\":{},\"evictions\":0,\"routers\":[],"
                + "\"channel\":{\"enabled\":true,\"routerId\":\"coop-01\",\"state\":\"listening on 100.64.77.1:4790\","
                + "\"drops\":{\"REPLAYED\":2},\"peers\":[{\"peerId\":\"coop-02\",\"address\":\"100.64.77.2\",\"state\":\"ESTABLISHED\","
                + "\"transport\":\"tcp\",\"role\":\"initiator\",\"sessionId\":\"0badcafe\",\"lastHeard\":\"2026-11-01T12:00:00.5Z\",\"handshakeMs\":3.25,"
                + "\"sentBytes\":320,\"receivedBytes\":352}]}}";
        String out = HumanFormat.format("peers", Json.mapper().readTree(json));
        assertTrue(out.contains("no router heard"), out);
        assertTrue(out.contains("secure channel: router id coop-01, listening on 100.64.77.1:4790, dropped REPLAYED 2"), out);
        assertTrue(out.matches("(?s).*PEER\\s+ADDRESS\\s+STATE\\s+TRANSPORT\\s+ROLE\\s+SESSION.*"), out);
        assertTrue(out.matches("(?s).*coop-02\\s+100\\.64\\.77\\.2\\s+ESTABLISHED\\s+tcp\\s+initiator\\s+0badcafe\\s+2026-11-01T12:00:00Z\\s+3\\.3ms.*"), out);
    }

    @Test
    void pairStartShowsTheCodeAndWhatToDoNext() throws Exception {
        String out = HumanFormat.format("pair.start", Json.mapper().readTree("{\"peerAddress\":\"100.64.77.2\",\"code\":\"1234-5678\","
                + "\"expiresAt\":\"2026-11-01T12:05:00Z\",\"routerId\":\"coop-01\"}"));
        assertTrue(out.startsWith("pairing code 1234-5678 for 100.64.77.2, valid until 2026-11-01T12:05:00Z\n"), out);
        assertTrue(out.contains("coopwan ctl pair enter"), out);
    }

    @Test
    void infoIsATableOfTheNeighboursUplinksOrItsRefusal() throws Exception {
        String out = HumanFormat.format("info", Json.mapper().readTree("{\"peerId\":\"coop-02\",\"requestId\":7,"
                + "\"receivedAt\":\"2026-11-01T12:00:00.123Z\",\"shared\":true,\"reason\":\"\",\"uplinks\":["
                + "{\"name\":\"wan\",\"type\":\"unknown\",\"state\":\"up\",\"downKbps\":100000,\"upKbps\":40000,"
                + "\"windowS\":60,\"rxAvgBps\":1333333,\"txAvgBps\":800,\"rxPeakBps\":2000000,\"txPeakBps\":950},"
                + "{\"name\":\"lte\",\"type\":\"unknown\",\"state\":\"disabled\",\"downKbps\":0,\"upKbps\":0,"
                + "\"windowS\":0,\"rxAvgBps\":0,\"txAvgBps\":0,\"rxPeakBps\":0,\"txPeakBps\":0}]}"));
        assertTrue(out.startsWith("information from coop-02, received 2026-11-01T12:00:00Z\n"), out);
        assertTrue(out.matches("(?s).*UPLINK\\s+TYPE\\s+STATE\\s+DOWN\\s+UP\\s+RX AVG/PEAK\\s+TX AVG/PEAK\\s+OVER.*"), out);
        assertTrue(out.matches("(?s).*wan\\s+unknown\\s+up\\s+100 Mbit/s\\s+40 Mbit/s\\s+1\\.3 Mbit/s/2 Mbit/s\\s+800 bit/s/950 bit/s\\s+60 s.*"), out);
        assertTrue(out.matches("(?s).*lte\\s+unknown\\s+disabled\\s+-\\s+-\\s+-\\s+-\\s+-.*"), out);
        String refused = HumanFormat.format("info", Json.mapper().readTree("{\"peerId\":\"coop-02\",\"requestId\":7,"
                + "\"receivedAt\":\"2026-11-01T12:00:00Z\",\"shared\":false,\"reason\":\"not today\",\"uplinks\":[]}"));
        assertTrue(refused.endsWith("not shared: not today\n"), refused);
        assertEquals("12.3 kbit/s", HumanFormat.bps(12_345));
        assertEquals("1.5 Gbit/s", HumanFormat.bps(1_500_000_000));
    }

    @Test
    void emergencyIsTheRequesterLineThenARowPerNeighbourCarried() throws Exception {
        String out = HumanFormat.format("emergency", Json.mapper().valueToTree(net.coopwan.luci.testsupport.EmergencyApi.sample()));
        java.util.List<String> lines = out.lines().toList();
        assertEquals("carried by neighbour coop-helper01 since 12:00:05 (wan down: 3 probes lost), quota 50000000 B per"
                + " 1000 ms, sent 1.5 KiB, received 12.0 MiB", lines.get(0), out);
        assertTrue(lines.get(1).matches("PEER\\s+STATE\\s+SINCE\\s+QUOTA\\s+USED\\s+CARRIED\\s+DROPPED\\s+REFUSED\\s+REASON"), out);
        assertTrue(lines.get(2).matches("coop-carried02\\s+HELPING\\s+12:01:00\\s+50000000 B/1000 ms\\s+37%\\s+12\\.0 MiB"
                + "\\s+0 B\\s+3 pkts\\s+lte down"), out);
        // counters that are zero are left out
        assertEquals("emergencies started 2, NO_AGREEMENT 1", lines.get(3), out);
        assertEquals(4, lines.size(), out);
    }

    @Test
    void emergencyInNormalAndPassingStates() throws Exception {
        String normal = HumanFormat.format("emergency", Json.mapper().valueToTree(
                net.coopwan.daemon.api.EmergencyStatus.off(java.time.Instant.parse("2026-11-01T12:00:00Z"))));
        assertEquals("own uplink (normal)\ncarrying no neighbour\nemergencies started 0\n", normal);
        String requesting = HumanFormat.format("emergency", Json.mapper().readTree("{\"requester\":{\"state\":\"REQUESTING\","
                + "\"peerId\":\"coop-9\",\"since\":\"2026-11-01T23:59:59.999Z\",\"reason\":\"wan down\",\"mode\":\"\","
                + "\"quotaBytes\":0,\"windowMs\":0,\"bytesSent\":0,\"bytesReceived\":0},\"helping\":[],\"started\":0,"
                + "\"counters\":{}}"));
        assertTrue(requesting.startsWith("own uplink down: asking neighbour coop-9 since 23:59:59 (wan down)\n"), requesting);
        // a helper row before the quota is granted
        String preparing = HumanFormat.format("emergency", Json.mapper().readTree("{\"requester\":{\"state\":\"NORMAL\","
                + "\"since\":\"2026-11-01T12:00:00Z\"},\"helping\":[{\"peerId\":\"coop-5\",\"state\":\"PREPARING\","
                + "\"since\":\"2026-11-01T12:00:01Z\",\"reason\":\"\",\"quotaBytes\":0,\"windowMs\":0,\"bytesCarried\":0,"
                + "\"bytesDropped\":0,\"packetsRefused\":0,\"quotaUsedPercent\":0}],\"started\":1,\"counters\":{}}"));
        assertTrue(preparing.matches("(?s)own uplink \\(normal\\)\n.*\ncoop-5\\s+PREPARING\\s+12:00:01\\s+-\\s+0%\\s+0 B\\s+0 B"
                + "\\s+0 pkts\\s+-\nemergencies started 1\n"), preparing);
        assertEquals("ended the emergency of coop-5: its traffic is no longer carried, and it is told\n",
                HumanFormat.format("emergency.end", Json.mapper().readTree("{\"ended\":\"coop-5\"}")));
        String kept = HumanFormat.format("emergency", Json.mapper().valueToTree(new net.coopwan.daemon.api.EmergencyStatus(
                net.coopwan.daemon.api.EmergencyStatus.off(java.time.Instant.parse("2026-11-01T12:00:00Z")).requester(),
                java.util.List.of(), 3, java.util.Map.of(), java.util.List.of(new net.coopwan.daemon.api.EmergencyStatus.Total(
                        "coop-5", "helper", 3, 2048, 0, 1024, 7)))));
        assertTrue(kept.matches("(?s).*kept across restarts:\\nPEER\\s+ROLE\\s+STARTED\\s+OUT\\s+IN\\s+DROPPED\\s+REFUSED\\n"
                + "coop-5\\s+helper\\s+3\\s+2\\.0 KiB\\s+0 B\\s+1\\.0 KiB\\s+7 pkts\\nemergencies started 3\\n"), kept);
        assertEquals("12:00:01", HumanFormat.clock("2026-11-01T12:00:01.9Z"));
        assertEquals("soon", HumanFormat.clock("soon"));
    }

    @Test
    void sharingShowsBothRolesAsTables() throws Exception {
        String json = Json.mapper().writeValueAsString(new net.coopwan.daemon.api.SharingStatus(true, true, 7000, 900,
                java.util.List.of(new net.coopwan.daemon.api.SharingStatus.Lending("coop-b", 5000, 450, "LENDING", 625_000)),
                java.util.List.of(new net.coopwan.daemon.api.SharingStatus.Borrowing("coop-s", "BORROWING", 4000, 400, 833)),
                java.util.Map.of("SHARING_UNEXPECTED", 1L)));
        String out = HumanFormat.sharing(Json.mapper().readTree(json));
        assertTrue(out.startsWith("lend on, borrow on; spare 7000 kbit/s down, 900 kbit/s up\n"), out);
        assertTrue(out.contains("coop-b    5000 kbit/s  450 kbit/s  LENDING  610.4 KiB"), out);
        assertTrue(out.contains("coop-s  BORROWING  4000 kbit/s  400 kbit/s  83.3%"), out);
        assertTrue(out.endsWith("counted: {SHARING_UNEXPECTED=1}"), out);
        assertEquals("lend off, borrow off; spare 0 kbit/s down, 0 kbit/s up\nlending to no neighbour\nborrowing from no neighbour"
                + "\nin all: lent 0 B down, 0 B up, 0 sessions now; borrowed 0 B down, 0 B up, 0 sessions now, 0 moved",
                HumanFormat.sharing(Json.mapper().valueToTree(net.coopwan.daemon.api.SharingStatus.off())));
    }

    @Test
    void latencyShowsClassificationSuppressionAndDuplication() throws Exception {
        net.coopwan.daemon.api.LatencyStatus st = new net.coopwan.daemon.api.LatencyStatus(
                new net.coopwan.daemon.api.LatencyStatus.Classification(true, "b", true, 4321,
                        java.util.Map.of("game", 3L), 2, 1, 4, 6, 7, 8, 9, 5, 0),
                new net.coopwan.daemon.api.LatencyStatus.Suppression(true, "ENFORCING", "rtt rising", 10,
                        java.util.Map.of("", 10, "coop-n", 5), java.util.Map.of("SUPPRESSION_MALFORMED", 2L,
                        "SUPPRESSION_UNEXPECTED", 0L), 31, 4),
                new net.coopwan.daemon.api.LatencyStatus.Duplication(false, "not wired yet"));
        String out = HumanFormat.format("latency", Json.mapper().readTree(Json.mapper().writeValueAsString(st)));
        assertTrue(out.startsWith("classification on, DSCP rule b, LC traffic current; 4321 LC packets, 0 LC sessions now\n"), out);
        assertTrue(out.contains("app game       3\n"), out);
        assertTrue(out.contains("dscp           2\n"), out);
        assertTrue(out.contains("learned pair   1\n"), out);
        assertTrue(out.contains("ad hoc rule    4\n"), out);
        assertTrue(out.contains("ad hoc rule follows 6 UDP connections, ignored 7, unreadable readings 8, skipped lines 9;"
                + " learned pairs 5\n"), out);
        assertTrue(out.contains("suppression ENFORCING (rtt rising), enforcing at most 10% dropped; 31 dropped, 4 ECN-marked"
                + " since it began\n"), out);
        assertTrue(out.contains("coop-n       5%\n"), out);
        assertTrue(out.contains("this router  10%\n"), out);
        assertTrue(out.contains("counted: SUPPRESSION_MALFORMED 2\n"), out);
        assertTrue(out.endsWith("duplication off: not wired yet\n"), out);

        assertEquals("classification off\nsuppression off\ncommon ISP off\nduplication off: peer link off\n",
                HumanFormat.latency(Json.mapper().valueToTree(net.coopwan.daemon.api.LatencyStatus.off())));
    }

    @Test
    void latencyShowsTheCommonIspVerdictsWhatTheyGateAndBothRoutes() throws Exception {
        net.coopwan.daemon.api.LatencyStatus off = net.coopwan.daemon.api.LatencyStatus.off();
        net.coopwan.daemon.api.LatencyStatus st = new net.coopwan.daemon.api.LatencyStatus(off.classification(),
                off.suppression(), off.duplication(), new net.coopwan.daemon.api.LatencyStatus.CommonIsp(true, true, "198.19.0.1",
                        java.util.List.of(new net.coopwan.daemon.api.LatencyStatus.IspNeighbour("coop-b", "SAME",
                                "common suffix 3 of 5/5 hops to 198.19.0.1 (ratio 0.60)", 3, 0.6, "198.19.0.1",
                                "[198.18.1.1 198.18.1.2 198.18.9.1 198.18.9.2 198.19.0.1]",
                                "[198.18.2.1 198.18.2.2 198.18.9.1 198.18.9.2 198.19.0.1]",
                                java.time.Instant.parse("2026-12-07T05:20:00Z"), null, false, true, 0.82, true, "60 and 58")),
                        java.util.Map.of("COMMON_ISP_MALFORMED", 1L, "COMMON_ISP_REPEATED", 0L)));
        String out = HumanFormat.format("latency", Json.mapper().readTree(Json.mapper().writeValueAsString(st)));
        assertTrue(out.contains("common ISP detection on, target 198.19.0.1, gate on\n"), out);
        assertTrue(out.contains("coop-b     SAME     3       0.60   no             sent"), out);
        assertTrue(out.contains("coop-b: common suffix 3 of 5/5 hops to 198.19.0.1 (ratio 0.60)\n"), out);
        assertTrue(out.contains("  own route [198.18.1.1 198.18.1.2 198.18.9.1 198.18.9.2 198.19.0.1] (traced 05:20:00)\n"), out);
        assertTrue(out.contains("  its route [198.18.2.1 198.18.2.2 198.18.9.1 198.18.9.2 198.19.0.1] (not traced yet)\n"), out);
        assertTrue(out.contains("  RTT to the target correlated r = 0.82 (samples 60 and 58)\n"), out);
        assertTrue(out.contains("counted: COMMON_ISP_MALFORMED 1\n"), out);
        assertTrue(out.endsWith("duplication off: peer link off\n"), out);
    }

    @Test
    void latencyShowsTheDuplicationCountersWhileOn() throws Exception {
        net.coopwan.daemon.api.LatencyStatus off = net.coopwan.daemon.api.LatencyStatus.off();
        net.coopwan.daemon.api.LatencyStatus st = new net.coopwan.daemon.api.LatencyStatus(off.classification(),
                off.suppression(), new net.coopwan.daemon.api.LatencyStatus.Duplication(true,
                        "bond bond0, agreement enables duplication", "coop-n", true, 7, 9, 500, 1000, 480, 470, 3, 2));
        String out = HumanFormat.format("latency", Json.mapper().readTree(Json.mapper().writeValueAsString(st)));
        assertTrue(out.endsWith("duplication on: bond bond0, agreement enables duplication\n"
                + "  neighbour coop-n (its path in the bond), 7 LC connections routed, 9 LC sessions started\n"
                + "  500 LC packets sent as 1000 copies; delivered 480, duplicates dropped 470; kept off the neighbour: 3 ad hoc,"
                + " 2 over its cap\n"), out);
        net.coopwan.daemon.api.LatencyStatus unknown = new net.coopwan.daemon.api.LatencyStatus(off.classification(),
                off.suppression(), new net.coopwan.daemon.api.LatencyStatus.Duplication(true, "concentrator"));
        assertTrue(HumanFormat.latency(Json.mapper().valueToTree(unknown)).contains(
                "  no neighbour, unknown LC connections routed, 0 LC sessions started\n"), "-1: unknown");
    }
}
