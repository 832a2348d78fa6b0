package net.coopwan.daemon.coop.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ChannelHeaderTest {

    @Test
    void goldenBytes() {
        ByteBuffer b = ByteBuffer.allocate(16);
        ChannelHeader.write(b, ChannelHeader.Kind.KEEPALIVE, 0x01020304, 0x0a0b0c0d0e0f1011L);
        assertEquals("0106000001020304" + "0a0b0c0d0e0f1011", HexFormat.of().formatHex(b.array()));
        assertEquals(ChannelHeader.Kind.KEEPALIVE, ChannelHeader.kind(b));
        assertEquals(0x01020304, ChannelHeader.sessionId(b));
        assertEquals(0x0a0b0c0d0e0f1011L, ChannelHeader.packetNumber(b));
        assertTrue(ChannelHeader.versionOk(b));
        b.put(2, (byte) 1);
        assertFalse(ChannelHeader.versionOk(b), "flags must be 0");
        for (ChannelHeader.Kind k : ChannelHeader.Kind.values()) {
            assertEquals(k, ChannelHeader.Kind.of(k.code()));
            assertEquals(k == ChannelHeader.Kind.KEEPALIVE || k == ChannelHeader.Kind.COOP_MESSAGE
                    || k == ChannelHeader.Kind.EMERGENCY || k == ChannelHeader.Kind.SHARING
                    || k == ChannelHeader.Kind.SUPPRESSION || k == ChannelHeader.Kind.COMMON_ISP, k.sealed());
        }
        assertEquals(7, ChannelHeader.Kind.COOP_MESSAGE.code());
        assertEquals(8, ChannelHeader.Kind.EMERGENCY.code());
        assertEquals(9, ChannelHeader.Kind.SHARING.code());
        assertNull(ChannelHeader.Kind.of(0));
        assertEquals(10, ChannelHeader.Kind.SUPPRESSION.code());
        assertEquals(11, ChannelHeader.Kind.COMMON_ISP.code());
        assertNull(ChannelHeader.Kind.of(12));
    }

    @Test
    void helloRoundTripsAndItsMacCoversEveryByte() {
        byte[] secret = new byte[32];
        secret[0] = 9;
        byte[] key = ChannelHello.macKey(secret);
        byte[] pub = new byte[32];
        new Random(3).nextBytes(pub);
        ByteBuffer b = ByteBuffer.allocate(ChannelHeader.MAX_DATAGRAM);
        int len = ChannelHello.writeInit(b, 77L, "coop-a", "coop-b", pub, key);
        assertEquals(16 + 7 + 7 + 32 + 16, len);
        ChannelHello.Parsed p = ChannelHello.parse(b, len);
        assertNotNull(p);
        assertEquals("coop-a", p.fromId());
        assertEquals("coop-b", p.toId());
        assertEquals(77L, p.initId());
        assertArrayEquals(pub, p.publicKey());
        assertTrue(ChannelHello.macMatches(key, b, len));
        assertFalse(ChannelHello.macMatches(ChannelHello.macKey(new byte[32]), b, len), "another pairing's key");
        for (int i = 0; i < len; i++) {
            for (int bit = 0; bit < 8; bit++) {
                b.put(i, (byte) (b.get(i) ^ (1 << bit)));
                ChannelHello.Parsed q = ChannelHello.parse(b, len);
                assertTrue(q == null || !ChannelHello.macMatches(key, b, len), "byte " + i + " bit " + bit);
                b.put(i, (byte) (b.get(i) ^ (1 << bit)));
            }
        }
        int rl = ChannelHello.writeReply(b, 0x55667788, 77L, "coop-b", pub, key);
        ChannelHello.Parsed r = ChannelHello.parse(b, rl);
        assertEquals("coop-b", r.fromId());
        assertNull(r.toId());
        assertEquals(0x55667788, r.sessionId());
        assertTrue(ChannelHello.macMatches(key, b, rl));
        assertNull(ChannelHello.parse(b, rl - 1), "a truncated reply does not parse");
    }
}
