package net.coopwan.daemon.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.secure.SessionKeys;

class TunnelHandshakeTest {
    private static final byte[] PSK = TunnelTestKeys.PSK;
    private final SecureRandom random = new SecureRandom();
    private final DropCounters drops = new DropCounters();
    private final TunnelHandshake.Responder responder =
            new TunnelHandshake.Responder(id -> id.equals("home1") ? PSK : null, random);

    private static byte[] bytes(Frame f) {
        byte[] b = new byte[f.length()];
        f.buffer().get(0, b);
        return b;
    }

    private static Frame frame(byte[] b) {
        Frame f = new Frame();
        f.receiveSpace().put(b);
        f.length(b.length);
        return f;
    }

    @Test
    void bothSidesDeriveTheSameSessionAndTheResponseCarriesItsId() {
        TunnelHandshake.Initiator i = new TunnelHandshake.Initiator("home1", PSK, random);
        Frame f = new Frame();
        i.writeInit(f, 2, 77);
        assertEquals(TunnelHeader.LENGTH + 1 + 5 + 32 + 16, f.length());
        assertEquals(PacketType.HANDSHAKE_INIT, TunnelHeader.type(f.buffer(), 0));
        TunnelHandshake.Accepted a = responder.accept(f, drops);
        assertNotNull(a);
        assertEquals("home1", a.clientId());
        assertEquals(PacketType.HANDSHAKE_RESPONSE, TunnelHeader.type(f.buffer(), 0));
        assertEquals(2, TunnelHeader.link(f.buffer(), 0));
        SessionKeys k = i.onResponse(f, drops);
        assertNotNull(k);
        assertEquals(a.keys().keyId(), k.keyId());
        assertArrayEquals(a.keys().transcriptHash(), k.transcriptHash());
        assertEquals(0, drops.total());
    }

    @Test
    void forgedInitIsDroppedBeforeAnyKeyWork() {
        TunnelHandshake.Initiator wrongKey = new TunnelHandshake.Initiator("home1", new byte[32], random);
        Frame f = new Frame();
        wrongKey.writeInit(f, 0, 0);
        assertNull(responder.accept(f, drops));
        assertEquals(1, drops.get(TunnelDrop.HANDSHAKE_BAD_MAC));

        TunnelHandshake.Initiator stranger = new TunnelHandshake.Initiator("home2", PSK, random);
        stranger.writeInit(f, 0, 0);
        assertNull(responder.accept(f, drops));
        assertEquals(1, drops.get(TunnelDrop.HANDSHAKE_UNKNOWN_CLIENT));
    }

    @Test
    void replayedResponseAndResponseToAnOlderAttemptAreRefused() {
        TunnelHandshake.Initiator i = new TunnelHandshake.Initiator("home1", PSK, random);
        Frame f = new Frame();
        i.writeInit(f, 0, 0);
        assertNotNull(responder.accept(f, drops));
        byte[] response1 = bytes(f);
        assertNotNull(i.onResponse(frame(response1), drops));
        assertNull(i.onResponse(frame(response1), drops), "a second copy of the same response");
        assertEquals(1, drops.get(TunnelDrop.HANDSHAKE_UNEXPECTED));

        i.writeInit(f, 0, 0); // a new attempt
        assertNull(i.onResponse(frame(response1), drops), "the old response does not answer the new init");
        assertEquals(2, drops.get(TunnelDrop.HANDSHAKE_UNEXPECTED));
    }

    @Test
    void replayedInitGivesKeysTheAttackerCannotUse() {
        TunnelHandshake.Initiator i = new TunnelHandshake.Initiator("home1", PSK, random);
        Frame f = new Frame();
        i.writeInit(f, 0, 0);
        byte[] init = bytes(f);
        TunnelHandshake.Accepted first = responder.accept(frame(init), drops);
        TunnelHandshake.Accepted replay = responder.accept(frame(init), drops);
        assertNotEquals(first.keys().keyId(), replay.keys().keyId(), "fresh responder ephemeral each time");
    }

    @Test
    void tamperedResponseIsABadMac() {
        TunnelHandshake.Initiator i = new TunnelHandshake.Initiator("home1", PSK, random);
        Frame f = new Frame();
        i.writeInit(f, 0, 0);
        responder.accept(f, drops);
        byte[] r = bytes(f);
        r[TunnelHeader.LENGTH + 3] ^= 1;
        assertNull(i.onResponse(frame(r), drops));
        assertEquals(1, drops.get(TunnelDrop.HANDSHAKE_BAD_MAC));
    }

    @Test
    void badArgumentsAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> new TunnelHandshake.Initiator("bad id", PSK, random));
        assertThrows(IllegalArgumentException.class, () -> new TunnelHandshake.Initiator("home1", new byte[16], random));
    }
}
