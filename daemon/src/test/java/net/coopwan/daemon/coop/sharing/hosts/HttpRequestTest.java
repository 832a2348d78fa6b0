package net.coopwan.daemon.coop.sharing.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HttpRequestTest {

    static HttpRequest parse(String s) throws HostFormatException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return HttpRequest.parse(b, 0, b.length);
    }

    @Test
    void requestLineAndHostAreRead() throws Exception {
        assertEquals(new HttpRequest("GET", "/files/x.iso", "www.example.test"),
                parse("GET /files/x.iso HTTP/1.1\r\nUser-Agent: t\r\nHOST: WWW.example.test:8080\r\n\r\n"));
        assertEquals(new HttpRequest("GET", "/a", "proxy.example.test"),
                parse("GET http://proxy.example.test/a HTTP/1.0\r\n\r\n"));
        assertEquals(new HttpRequest("GET", "/", null), parse("GET / HTTP/1.1\r\nAccept: x\r\n"));
    }

    @Test
    void notARequestIsMalformedAndAnUnfinishedLineTruncated() {
        byte[] tls = Packets.clientHello("x");
        assertFalse(HttpRequest.looksLike(tls, 0, tls.length));
        assertTrue(HttpRequest.looksLike("GET /".getBytes(StandardCharsets.US_ASCII), 0, 5));
        assertEquals(HostDrop.HOSTS_HTTP_MALFORMED, assertThrows(HostFormatException.class,
                () -> parse("GET /a b HTTP/1.1\r\n")).reason());
        assertEquals(HostDrop.HOSTS_HTTP_MALFORMED, assertThrows(HostFormatException.class,
                () -> parse("GET / HTTP/1.1\r\nHost: a b\r\n")).reason());
        assertEquals(HostDrop.HOSTS_TRUNCATED, assertThrows(HostFormatException.class,
                () -> parse("GET /very/long")).reason());
    }
}
