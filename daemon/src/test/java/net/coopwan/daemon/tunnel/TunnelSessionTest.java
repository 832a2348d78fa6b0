package net.coopwan.daemon.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TunnelSessionTest {
    private final TunnelTestKeys keys = TunnelTestKeys.handshake(1);
    private final TunnelSession router = new TunnelSession(keys.router);
    private final TunnelSession conc = new TunnelSession(keys.concentrator);

    private static byte[] payload(int n, int seed) {
        byte[] p = new byte[n];
        new Random(seed).nextBytes(p);
        return p;
    }

    private static void seal(TunnelSession s, Frame f, byte[] p, int link) {
        f.payloadSpace().put(p);
        long pn = s.seal(f, p.length, link, PacketType.DATA, 5, 9, 1234);
        assertNotEquals(-1, pn);
    }

    private static byte[] receive(Frame from) {
        Frame to = new Frame();
        ByteBuffer d = from.datagram();
        to.receiveSpace().put(d);
        to.length(from.length());
        return copyOf(to);
    }

    private static byte[] copyOf(Frame f) {
        byte[] b = new byte[f.length()];
        f.buffer().get(0, b);
        return b;
    }

    private static Frame frameOf(byte[] datagram) {
        Frame f = new Frame();
        f.receiveSpace().put(datagram);
        f.length(datagram.length);
        return f;
    }

    @Test
    void sealedPacketOpensInPlaceOnTheOtherSideBothDirectionsEveryLink() {
        for (int link = 0; link < TunnelHeader.MAX_LINKS; link++) {
            byte[] p = payload(1400, link);
            Frame f = new Frame();
            seal(router, f, p, link);
            assertEquals(1400 + TunnelHeader.OVERHEAD, f.length());
            Frame r = frameOf(receive(f));
            assertNull(TunnelHeader.check(r.buffer(), 0, r.length()));
            assertEquals(conc.tunnelId(), TunnelHeader.tunnelId(r.buffer(), 0));
            assertNull(conc.open(r));
            byte[] got = new byte[TunnelSession.payloadLength(r)];
            r.payload(got.length).get(got);
            assertArrayEquals(p, got);

            Frame back = new Frame();
            seal(conc, back, p, link);
            Frame rb = frameOf(receive(back));
            assertNull(router.open(rb));
        }
    }

    @Test
    void replayedPacketIsDroppedAsReplayedAndOldOnesAsTooOld() {
        Frame f = new Frame();
        seal(router, f, payload(100, 1), 0);
        byte[] first = receive(f);
        assertNull(conc.open(frameOf(first)));
        assertEquals(TunnelDrop.REPLAYED, conc.open(frameOf(first)));
        for (int i = 0; i < 3000; i++) {
            seal(router, f, payload(10, i), 0);
            assertNull(conc.open(frameOf(receive(f))));
        }
        assertEquals(TunnelDrop.TOO_OLD, conc.open(frameOf(first)));
    }

    @Test
    void reorderedPacketsWithinTheWindowAreAccepted() {
        Frame f = new Frame();
        byte[][] d = new byte[10][];
        for (int i = 0; i < 10; i++) {
            seal(router, f, payload(50, i), 3);
            d[i] = receive(f);
        }
        int[] order = {3, 1, 0, 9, 2, 8, 4, 5, 7, 6};
        for (int i : order) {
            assertNull(conc.open(frameOf(d[i])), "packet " + i);
        }
    }

    @Test
    void everySingleBitFlipAnywhereIsATagMismatchAndDoesNotMoveTheWindow() {
        Frame f = new Frame();
        seal(router, f, payload(64, 7), 1);
        byte[] good = receive(f);
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            Frame r = frameOf(bad);
            TunnelDrop pre = TunnelHeader.check(r.buffer(), 0, r.length());
            if (pre != null || TunnelHeader.tunnelId(r.buffer(), 0) != conc.tunnelId()) {
                continue; // rejected before the keys: version, type, link or tunnel id bits
            }
            TunnelDrop d = conc.open(r);
            // a flipped link or packet number reaches another opener/slot: still a tag failure
            assertEquals(TunnelDrop.TAG_MISMATCH, d, "bit " + bit);
        }
        assertNull(conc.open(frameOf(good)), "the genuine packet still opens after all forgeries");
    }

    @Test
    void aPacketOfAnotherSessionOrLinkDoesNotOpen() {
        TunnelSession other = new TunnelSession(TunnelTestKeys.handshake(2).concentrator);
        Frame f = new Frame();
        seal(router, f, payload(64, 1), 0);
        assertEquals(TunnelDrop.TAG_MISMATCH, other.open(frameOf(receive(f))));
        // same session, the router's own direction: the router cannot open what it sent
        assertEquals(TunnelDrop.TAG_MISMATCH, router.open(frameOf(receive(f))));
        // moving a packet to another link (rewriting the header) breaks the tag
        byte[] moved = receive(f);
        moved[3] = 1;
        assertEquals(TunnelDrop.TAG_MISMATCH, conc.open(frameOf(moved)));
    }

    @Test
    void eachLinkNumbersItsOwnPackets() {
        Frame f = new Frame();
        assertEquals(0, router.seal(f, 0, 0, PacketType.PROBE, TunnelHeader.NO_BUCKET, 0, 0));
        assertEquals(1, router.seal(f, 0, 0, PacketType.PROBE, TunnelHeader.NO_BUCKET, 0, 0));
        assertEquals(0, router.seal(f, 0, 1, PacketType.PROBE, TunnelHeader.NO_BUCKET, 0, 0));
    }
}
