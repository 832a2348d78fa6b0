package net.coopwan.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ControlSocketTest {
    @Test
    void readsWhatTheDaemonAnswers() throws IOException {
        Object j = ControlSocket.parse("{\"channel\": {\"state\": \"listening on 100.64.79.1:4793\", \"routerId\": \"coop-1\","
                + " \"peers\": [{\"state\": \"ESTABLISHED\", \"rttMs\": 0.25, \"sent\": 12, \"tcp\": false, \"x\": null}]},"
                + " \"text\": \"a \\\"quoted\\\" \\u00e9\\n\", \"empty\": [], \"none\": {}}");
        assertEquals("listening on 100.64.79.1:4793", ControlSocket.text(j, "channel", "state"));
        assertEquals("ESTABLISHED", ControlSocket.text(j, "channel", "peers", 0, "state"));
        assertEquals(0.25, ControlSocket.at(j, "channel", "peers", 0, "rttMs"));
        assertEquals(12L, ControlSocket.at(j, "channel", "peers", 0, "sent"));
        assertEquals(Boolean.FALSE, ControlSocket.at(j, "channel", "peers", 0, "tcp"));
        assertNull(ControlSocket.at(j, "channel", "peers", 0, "x"));
        assertEquals("", ControlSocket.text(j, "channel", "peers", 1, "state"));
        assertEquals("a \"quoted\" \u00e9\n", ControlSocket.text(j, "text"));
        assertEquals(0, ControlSocket.size(j, "empty"));
        assertEquals(0, ControlSocket.size(j, "none"));
        assertEquals(-1, ControlSocket.size(j, "missing"));
        assertEquals(List.of(1L, -2L, 3.5e3), ControlSocket.parse("[1, -2, 3.5e3]"));
        assertEquals(Map.of(), ControlSocket.parse(" {} "));
    }

    @Test
    void refusesBrokenText() {
        assertThrows(IOException.class, () -> ControlSocket.parse("{\"a\": 1} x"));
        assertThrows(IOException.class, () -> ControlSocket.parse("{\"a\" 1}"));
        assertThrows(IOException.class, () -> ControlSocket.parse("\"open"));
    }
}
