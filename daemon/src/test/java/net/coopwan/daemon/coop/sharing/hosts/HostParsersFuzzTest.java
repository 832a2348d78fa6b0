package net.coopwan.daemon.coop.sharing.hosts;

import static net.coopwan.daemon.coop.sharing.hosts.Packets.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.sharing.SessionPreference;
import net.coopwan.daemon.coop.sharing.hosts.Packets.Rr;
import net.coopwan.daemon.testing.ManualClock;

/**
 * Property/fuzz tests with fixed seeds and bounded counts: every parser, given random bytes or a
 * valid message with some bytes changed, cut or grown, returns or throws its own
 * HostFormatException, never anything else; DownloadHosts counts every packet it drops.
 */
class HostParsersFuzzTest {

    interface Parser {
        Object parse(byte[] b, int off, int len) throws HostFormatException;
    }

    static final List<Parser> PARSERS = List.of(Ipv4Segment::parse, DnsAnswer::parse, TlsClientHello::serverName,
            HttpRequest::parse);

    static List<byte[]> valid() {
        List<byte[]> v = new ArrayList<>();
        v.add(Packets.dnsAnswer(3, "www.example.test", List.of(Rr.cname("www.example.test", "cdn.example.test"),
                Rr.cname("cdn.example.test", "files-eu.example.test"), Rr.a("files-eu.example.test", address("198.18.7.9"), 60),
                Rr.a("files-eu.example.test", address("198.18.7.10"), 60))));
        v.add(Packets.dnsAnswer(4, "download.example.test", List.of(Rr.a("download.example.test", address("198.18.7.7"), 300))));
        v.add(Packets.clientHello("dl.example.test"));
        v.add("GET /files/x.iso HTTP/1.1\r\nHost: www.example.test\r\nAccept: */*\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return v;
    }

    static byte[] mutate(Random r, byte[] m) {
        byte[] b;
        switch (r.nextInt(4)) {
            case 0 -> b = java.util.Arrays.copyOf(m, r.nextInt(m.length + 1)); // cut
            case 1 -> {
                b = java.util.Arrays.copyOf(m, m.length + 1 + r.nextInt(16)); // grown
                for (int i = m.length; i < b.length; i++) {
                    b[i] = (byte) r.nextInt();
                }
            }
            default -> b = m.clone();
        }
        int flips = 1 + r.nextInt(4);
        for (int i = 0; i < flips && b.length > 0; i++) {
            int at = r.nextInt(b.length);
            b[at] = r.nextInt(3) == 0 ? (byte) 0xc0 : (byte) r.nextInt(); // pointers are what loops are made of
        }
        return b;
    }

    static void mustNotBreak(Parser p, byte[] b, int off, int len) {
        try {
            p.parse(b, off, len);
        } catch (HostFormatException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        } catch (RuntimeException e) {
            throw new AssertionError("unexpected " + e + " for " + java.util.HexFormat.of().formatHex(b, off, off + len), e);
        }
    }

    @Test
    void randomBytesNeverBreakAParser() {
        Random r = new Random(0x5EED_0001L);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(300)];
            r.nextBytes(b);
            int off = b.length == 0 ? 0 : r.nextInt(Math.min(b.length, 8));
            for (Parser p : PARSERS) {
                mustNotBreak(p, b, off, b.length - off);
            }
        }
    }

    @Test
    void mutatedValidMessagesNeverBreakAParserAndReachEveryReason() {
        Random r = new Random(0x5EED_0002L);
        List<byte[]> valid = valid();
        Map<HostDrop, Integer> seen = new EnumMap<>(HostDrop.class);
        for (int i = 0; i < 40_000; i++) {
            int k = r.nextInt(valid.size());
            byte[] b = mutate(r, valid.get(k));
            Parser p = PARSERS.get(k == 0 || k == 1 ? 1 : k);
            try {
                p.parse(b, 0, b.length);
            } catch (HostFormatException e) {
                seen.merge(e.reason(), 1, Integer::sum);
            } catch (RuntimeException e) {
                throw new AssertionError("unexpected " + e + " for " + java.util.HexFormat.of().formatHex(b), e);
            }
        }
        for (HostDrop d : new HostDrop[] {HostDrop.HOSTS_DNS_MALFORMED, HostDrop.HOSTS_TLS_MALFORMED,
                HostDrop.HOSTS_HTTP_MALFORMED, HostDrop.HOSTS_TRUNCATED}) {
            assertTrue(seen.getOrDefault(d, 0) > 0, "fuzz reached " + d + ": " + seen);
        }
    }

    @Test
    void everyMutatedPacketIsLearnedFromOrCounted() {
        Random r = new Random(0x5EED_0003L);
        List<Map<Integer, Duration>> calls = new ArrayList<>();
        DownloadHosts hosts = new DownloadHosts(new SessionPreference(), DownloadHosts.Settings.DEFAULTS, new ManualClock(),
                calls::add, l -> { });
        List<byte[]> packets = new ArrayList<>();
        List<byte[]> valid = valid();
        packets.add(Packets.ipv4(17, 1, 2, 53, 4000, valid.get(0)));
        packets.add(Packets.ipv4(17, 1, 2, 53, 4000, valid.get(1)));
        packets.add(Packets.ipv4(6, 2, 3, 4000, 443, valid.get(2)));
        packets.add(Packets.ipv4(6, 2, 3, 4000, 80, valid.get(3)));
        for (int i = 0; i < 20_000; i++) {
            byte[] b = mutate(r, packets.get(r.nextInt(packets.size())));
            hosts.packet(b, 0, b.length);
        }
        hosts.flush();
        long counted = hosts.counters().entrySet().stream().filter(e -> e.getKey().startsWith("HOSTS_"))
                .mapToLong(Map.Entry::getValue).sum();
        assertTrue(counted > 0 && counted <= 20_000 + hosts.current().size(), hosts.counters().toString());
        assertTrue(hosts.counters().get("HOSTS_IP_MALFORMED") > 0, hosts.counters().toString());
        assertEquals(calls.size(), 1, "one call for the whole batch");
    }
}
