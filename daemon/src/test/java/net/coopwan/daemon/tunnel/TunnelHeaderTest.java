package net.coopwan.daemon.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class TunnelHeaderTest {

    @Test
    void layoutIsTheDocumentedOne() {
        ByteBuffer b = ByteBuffer.allocate(TunnelHeader.LENGTH);
        TunnelHeader.write(b, 0, PacketType.DATA, 2, 0x01020304, 0x0a0b0c0d0e0f1011L, 0x0123, 0x7fff0001, 0xdeadbeef);
        // the golden bytes of docs/PROTOCOL.md section 4.1
        assertEquals("01030002" + "01020304" + "0a0b0c0d0e0f1011" + "0123" + "0000" + "7fff0001" + "deadbeef",
                HexFormat.of().formatHex(b.array()));
        assertEquals(new TunnelHeader.Fields(1, PacketType.DATA, 0, 2, 0x01020304, 0x0a0b0c0d0e0f1011L, 0x0123,
                0x7fff0001, 0xdeadbeef), TunnelHeader.read(b, 0));
        assertEquals(44, TunnelHeader.OVERHEAD);
    }

    @Test
    void checkNamesEachDefect() {
        ByteBuffer b = ByteBuffer.allocate(64);
        TunnelHeader.write(b, 0, PacketType.PROBE, 1, 7, 0, TunnelHeader.NO_BUCKET, 0, 0);
        assertNull(TunnelHeader.check(b, 0, 44));
        assertEquals(TunnelDrop.TRUNCATED, TunnelHeader.check(b, 0, 27));
        assertEquals(TunnelDrop.TRUNCATED, TunnelHeader.check(b, 0, 43)); // sealed type needs a tag
        b.put(0, (byte) 2);
        assertEquals(TunnelDrop.BAD_VERSION, TunnelHeader.check(b, 0, 44));
        b.put(0, (byte) 1);
        b.put(1, (byte) 0);
        assertEquals(TunnelDrop.UNKNOWN_TYPE, TunnelHeader.check(b, 0, 44));
        b.put(1, (byte) 200);
        assertEquals(TunnelDrop.UNKNOWN_TYPE, TunnelHeader.check(b, 0, 44));
        b.put(1, (byte) PacketType.PROBE.code());
        b.put(3, (byte) TunnelHeader.MAX_LINKS);
        assertEquals(TunnelDrop.BAD_LINK, TunnelHeader.check(b, 0, 44));
    }

    @Test
    void typeCodesAreStable() {
        int[] expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16};
        PacketType[] types = PacketType.values();
        for (int i = 0; i < types.length; i++) {
            assertEquals(expected[i], types[i].code(), types[i].name());
            assertEquals(types[i], PacketType.ofCode(expected[i]));
        }
        assertNull(PacketType.ofCode(0));
        assertNull(PacketType.ofCode(12), "12-15 stay reserved for the cooperation issues");
        assertNull(PacketType.ofCode(15));
        assertNull(PacketType.ofCode(17));
        assertNull(PacketType.ofCode(-1));
        assertNull(PacketType.ofCode(255));
    }
}
