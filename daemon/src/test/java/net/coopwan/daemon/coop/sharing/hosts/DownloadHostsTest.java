package net.coopwan.daemon.coop.sharing.hosts;

import static net.coopwan.daemon.coop.sharing.hosts.Packets.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.sharing.SessionPreference;
import net.coopwan.daemon.coop.sharing.hosts.Packets.Rr;
import net.coopwan.daemon.testing.ManualClock;

class DownloadHostsTest {
    static final int RESOLVER = address("100.64.90.1");
    static final int LAN_HOST = address("100.64.90.2");
    static final int DOWNLOAD = address("198.18.7.7");
    static final int WWW = address("198.18.7.8");

    final ManualClock clock = new ManualClock();
    final List<Map<Integer, Duration>> calls = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    DownloadHosts hosts = new DownloadHosts(new SessionPreference(), DownloadHosts.Settings.DEFAULTS, clock, calls::add,
            log::add);

    static byte[] udpAnswer(String question, List<Rr> rrs) {
        return Packets.ipv4(17, RESOLVER, LAN_HOST, 53, 40000, Packets.dnsAnswer(1, question, rrs));
    }

    void feed(byte[] packet) {
        hosts.packet(packet, 0, packet.length);
    }

    @Test
    void aDownloadAnswerPutsItsAddressInForTheClampedTtl() {
        feed(udpAnswer("download.example.test", List.of(Rr.a("download.example.test", DOWNLOAD, 300))));
        feed(udpAnswer("www.example.test", List.of(Rr.a("www.example.test", WWW, 300))));
        hosts.flush();
        assertEquals(List.of(Map.of(DOWNLOAD, Duration.ofSeconds(300))), calls, "one call, the download host only");
        assertTrue(hosts.isDownloadHost(DOWNLOAD));
        assertFalse(hosts.isDownloadHost(WWW));
        assertEquals(Map.of("HOSTS_LEARNED_DNS", 1L), hosts.counters());

        Duration min = DownloadHosts.Settings.DEFAULTS.minTtl();
        Duration max = DownloadHosts.Settings.DEFAULTS.maxTtl();
        feed(udpAnswer("file.example.test", List.of(Rr.a("file.example.test", address("198.18.7.20"), 0))));
        feed(udpAnswer("files.example.test", List.of(Rr.a("files.example.test", address("198.18.7.21"), 604_800))));
        hosts.flush();
        assertEquals(Map.of(address("198.18.7.20"), min, address("198.18.7.21"), max), calls.get(1));
    }

    @Test
    void aNameOnTheCnameChainMakesEveryAddressOfTheAnswerADownloadHost() {
        feed(udpAnswer("cdn.example.test", List.of(Rr.cname("cdn.example.test", "files-eu.example.test"),
                Rr.a("files-eu.example.test", address("198.18.7.9"), 120),
                Rr.a("files-eu.example.test", address("198.18.7.10"), 120))));
        hosts.flush();
        assertEquals(List.of(Map.of(address("198.18.7.9"), Duration.ofSeconds(120), address("198.18.7.10"),
                Duration.ofSeconds(120))), calls);
    }

    @Test
    void overTcpTheLengthPrefixIsRead() {
        byte[] m = Packets.dnsAnswer(1, "download.example.test", List.of(Rr.a("download.example.test", DOWNLOAD, 300)));
        byte[] framed = java.nio.ByteBuffer.allocate(2 + m.length).putShort((short) m.length).put(m).array();
        feed(Packets.ipv4(6, RESOLVER, LAN_HOST, 53, 40000, framed));
        byte[] cut = java.util.Arrays.copyOf(framed, framed.length - 1);
        feed(Packets.ipv4(6, RESOLVER, LAN_HOST, 53, 40000, cut));
        assertTrue(hosts.isDownloadHost(DOWNLOAD));
        assertEquals(1L, hosts.counters().get("HOSTS_TRUNCATED"));
    }

    @Test
    void sniAndHttpMarkTheDestinationForTheNextSessions() {
        // "dl.*" beside the seed's patterns: every pattern is configurable
        hosts = new DownloadHosts(new SessionPreference(Set.of(80, 443), List.of("*download*", "*file*", "dl.*")),
                DownloadHosts.Settings.DEFAULTS, clock, calls::add, log::add);
        feed(Packets.ipv4(6, LAN_HOST, DOWNLOAD, 40001, 443, Packets.clientHello("dl.example.test")));
        feed(Packets.ipv4(6, LAN_HOST, WWW, 40002, 443, Packets.clientHello("www.example.test")));
        int plain = address("198.18.7.30");
        feed(Packets.ipv4(6, LAN_HOST, plain, 40003, 80,
                "GET /files/x.iso HTTP/1.1\r\nHost: www.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        int index = address("198.18.7.31");
        feed(Packets.ipv4(6, LAN_HOST, index, 40004, 80,
                "GET /index.html HTTP/1.1\r\nHost: www.example.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        hosts.flush();
        Duration seen = DownloadHosts.Settings.DEFAULTS.seenTtl();
        assertEquals(List.of(Map.of(DOWNLOAD, seen, plain, seen)), calls);
        assertEquals(1L, hosts.counters().get("HOSTS_LEARNED_TLS"));
        assertEquals(1L, hosts.counters().get("HOSTS_LEARNED_HTTP"));
    }

    @Test
    void aRepeatedAnswerCostsNoCallUntilItExtendsTheHostByHalfItsTtl() {
        byte[] p = udpAnswer("download.example.test", List.of(Rr.a("download.example.test", DOWNLOAD, 300)));
        feed(p);
        hosts.flush();
        clock.advance(Duration.ofSeconds(100));
        feed(p);
        hosts.flush();
        assertEquals(1, calls.size(), "100 s later, 200 s are left: more than half of 300");
        clock.advance(Duration.ofSeconds(60));
        feed(p);
        hosts.flush();
        assertEquals(2, calls.size(), "140 s left: given again");
        clock.advance(Duration.ofSeconds(301));
        assertFalse(hosts.isDownloadHost(DOWNLOAD));
        assertEquals(Map.of(), hosts.current());
    }

    @Test
    void atTheBoundTheHostThatExpiresSoonestGoesAlsoFromTheKernel() {
        hosts = new DownloadHosts(new SessionPreference(), new DownloadHosts.Settings(2, Duration.ofSeconds(60),
                Duration.ofHours(1), Duration.ofMinutes(10)), clock, calls::add, log::add);
        feed(udpAnswer("download.a.test", List.of(Rr.a("download.a.test", address("198.18.8.1"), 600))));
        feed(udpAnswer("download.b.test", List.of(Rr.a("download.b.test", address("198.18.8.2"), 100))));
        feed(udpAnswer("download.c.test", List.of(Rr.a("download.c.test", address("198.18.8.3"), 900))));
        hosts.flush();
        assertEquals(Map.of(address("198.18.8.1"), Duration.ofSeconds(600), address("198.18.8.2"), Duration.ZERO,
                address("198.18.8.3"), Duration.ofSeconds(900)), calls.get(0));
        assertEquals(Set.of(address("198.18.8.1"), address("198.18.8.3")), hosts.current().keySet());
        assertEquals(1L, hosts.counters().get("HOSTS_FULL"));
    }

    @Test
    void aFailingSetIsCountedAndLoggedOnceAndCurrentStillHasTheHosts() {
        hosts = new DownloadHosts(new SessionPreference(Set.of(80), List.of("*download*")),
                DownloadHosts.Settings.DEFAULTS, clock, b -> {
                    throw new IllegalStateException("nft: no such table");
                }, log::add);
        for (int i = 0; i < 3; i++) {
            feed(udpAnswer("download" + i + ".test", List.of(Rr.a("download" + i + ".test", address("198.18.9." + i), 300))));
            hosts.flush();
        }
        assertEquals(3L, hosts.counters().get("HOSTS_UPDATE_FAILED"));
        assertEquals(1, log.size(), log.toString());
        assertEquals(3, hosts.current().size());
    }
}
