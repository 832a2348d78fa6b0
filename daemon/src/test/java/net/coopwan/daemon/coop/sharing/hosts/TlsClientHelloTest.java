package net.coopwan.daemon.coop.sharing.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TlsClientHelloTest {

    @Test
    void theServerNameIsRead() throws Exception {
        byte[] h = Packets.clientHello("DL.example.test");
        assertTrue(TlsClientHello.looksLike(h, 0, h.length));
        assertEquals("dl.example.test", TlsClientHello.serverName(h, 0, h.length));
    }

    @Test
    void noServerNameIsNull() throws Exception {
        byte[] h = Packets.clientHello(null);
        assertNull(TlsClientHello.serverName(h, 0, h.length));
    }

    @Test
    void aHelloCutBeforeItsNameIsTruncatedAndContradictingLengthsMalformed() {
        byte[] h = Packets.clientHello("dl.example.test");
        assertEquals(HostDrop.HOSTS_TRUNCATED,
                assertThrows(HostFormatException.class, () -> TlsClientHello.serverName(h, 0, h.length - 3)).reason());
        byte[] bad = h.clone();
        bad[9 + 2 + 32 + 1 + 1] = 3; // an odd length of the cipher suites
        assertEquals(HostDrop.HOSTS_TLS_MALFORMED,
                assertThrows(HostFormatException.class, () -> TlsClientHello.serverName(bad, 0, bad.length)).reason());
    }
}
