package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.reorder.ReorderBuffer;
import net.coopwan.daemon.tunnel.DropCounters;
import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.PacketType;
import net.coopwan.daemon.tunnel.TunnelDrop;
import net.coopwan.daemon.tunnel.TunnelHeader;

/**
 * The concentrator's parsing of CAPS (network input, though sealed): 20 000 random payloads of
 * random length never throw; a length that is not 4 to 64 in steps of 4 is a counted
 * {@code BAD_PAYLOAD} and changes nothing; a valid one sets exactly the caps it carries.
 */
class CapsFuzzTest {

    @Test
    void randomCapsPayloadsAreParsedOrCountedNeverThrown() {
        DropCounters drops = new DropCounters();
        ClientSession s = new ClientSession("c", new byte[32], 1, 500_000_000L, ReorderBuffer.Config.defaults()
                .withSlots(TunnelPeer.REORDER_SLOTS), p -> { }, (l, d) -> true, drops);
        Random rnd = new Random(1610);
        Frame f = new Frame();
        long bad = 0;
        for (int i = 0; i < 20_000; i++) {
            int len = rnd.nextInt(3) == 0 ? rnd.nextInt(100) : 4 * (1 + rnd.nextInt(TunnelHeader.MAX_LINKS));
            ByteBuffer b = f.buffer();
            long[] values = new long[len / 4];
            for (int k = 0; k < len; k++) {
                b.put(TunnelHeader.LENGTH + k, (byte) rnd.nextInt(256));
            }
            for (int k = 0; k < values.length; k++) {
                values[k] = rnd.nextInt(4) == 0 ? ClientSession.CAP_NONE : rnd.nextInt(1 << 20);
                b.putInt(TunnelHeader.LENGTH + 4 * k, (int) values[k]);
            }
            long[] before = new long[TunnelHeader.MAX_LINKS];
            for (int k = 0; k < before.length; k++) {
                before[k] = s.capRate(k);
            }
            s.onControl(rnd.nextInt(TunnelHeader.MAX_LINKS), PacketType.CAPS, f, len, i);
            boolean valid = len >= 4 && len <= 4 * TunnelHeader.MAX_LINKS && len % 4 == 0;
            if (!valid) {
                bad++;
            }
            for (int k = 0; k < before.length; k++) {
                long want = !valid || k >= values.length ? before[k]
                        : values[k] == ClientSession.CAP_NONE ? -1 : values[k] * 125;
                assertEquals(want, s.capRate(k), "payload " + i + " (" + len + " B), link " + k);
            }
        }
        assertEquals(bad, drops.get(TunnelDrop.BAD_PAYLOAD));
    }
}
