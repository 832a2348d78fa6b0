package net.coopwan.daemon.coop.sharing.hosts;

import static net.coopwan.daemon.coop.sharing.hosts.Packets.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.coop.sharing.hosts.Packets.Rr;

class DnsAnswerTest {

    static DnsAnswer parse(byte[] m) throws HostFormatException {
        return DnsAnswer.parse(m, 0, m.length);
    }

    @Test
    void anAnswerGivesTheQuestionAndItsAddresses() throws Exception {
        DnsAnswer a = parse(Packets.dnsAnswer(7, "Download.Example.Test",
                List.of(Rr.a("Download.Example.Test", address("198.18.7.7"), 300))));
        assertEquals(List.of("download.example.test"), a.names());
        assertEquals(List.of(new DnsAnswer.Address(address("198.18.7.7"), 300)), a.addresses());
    }

    @Test
    void theCnameChainIsFollowedAndRecordsOffTheChainAreIgnored() throws Exception {
        DnsAnswer a = parse(Packets.dnsAnswer(7, "www.example.test", List.of(
                Rr.a("files-eu.example.test", address("198.18.7.9"), 60),
                Rr.cname("cdn.example.test", "files-eu.example.test"),
                Rr.cname("www.example.test", "cdn.example.test"),
                Rr.a("elsewhere.example.test", address("198.18.7.10"), 60))));
        assertEquals(List.of("www.example.test", "cdn.example.test", "files-eu.example.test"), a.names());
        assertEquals(List.of(new DnsAnswer.Address(address("198.18.7.9"), 60)), a.addresses());
    }

    @Test
    void aTtlWithTheHighBitIsZero() throws Exception {
        DnsAnswer a = parse(Packets.dnsAnswer(7, "x.test", List.of(Rr.a("x.test", address("198.18.7.7"), 0x8000_0000L))));
        assertEquals(0, a.addresses().get(0).ttlSeconds());
    }

    @Test
    void pointerLoopsAndForwardPointersAreRefused() {
        byte[] m = Packets.dnsAnswer(7, "x.test", List.of());
        // the question's name is a pointer to itself
        m[12] = (byte) 0xc0;
        m[13] = 12;
        HostFormatException e = assertThrows(HostFormatException.class, () -> parse(m));
        assertEquals(HostDrop.HOSTS_DNS_MALFORMED, e.reason());
        m[13] = 40; // forwards
        assertEquals(HostDrop.HOSTS_DNS_MALFORMED, assertThrows(HostFormatException.class, () -> parse(m)).reason());
    }

    @Test
    void aQueryAndACutAnswerAreMalformed() {
        byte[] m = Packets.dnsAnswer(7, "x.test", List.of(Rr.a("x.test", address("198.18.7.7"), 5)));
        byte[] query = m.clone();
        query[2] = 0x01;
        assertThrows(HostFormatException.class, () -> parse(query));
        assertThrows(HostFormatException.class, () -> DnsAnswer.parse(m, 0, m.length - 1));
    }
}
