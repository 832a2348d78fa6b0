package net.coopwan.daemon.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.daemon.recovery.RecoveryCounter;
import net.coopwan.daemon.reorder.ReorderBuffer;
import net.coopwan.daemon.schedule.WeightedRoundRobin;
import net.coopwan.daemon.secure.SessionKeys;
import net.coopwan.daemon.tunnel.DropCounters;
import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.PacketType;
import net.coopwan.daemon.tunnel.TunnelDrop;
import net.coopwan.daemon.tunnel.TunnelHandshake;
import net.coopwan.daemon.tunnel.TunnelHeader;
import net.coopwan.daemon.tunnel.TunnelSession;

/**
 * The wiring of loss recovery in {@link TunnelPeer}, in memory: two peers with real sessions
 * (sealing, replay windows, the reorder buffer), two links of 5 and 30 ms losing 0.5 % and 1 % of
 * every datagram both ways, a simulated clock. NACKs are sealed control packets, retransmissions
 * new DATA packets that pass the far end's replay window.
 */
class TunnelPeerRecoveryTest {
    private static final long MS = 1_000_000L;
    private static final long[] DELAY = {5 * MS, 30 * MS};
    private static final double[] LOSS = {0.005, 0.01};

    private record Datagram(long t, long id, boolean toB, byte[] bytes) {
    }

    private static SessionKeys[] handshake() {
        byte[] psk = new byte[32];
        SecureRandom r = new SecureRandom();
        r.setSeed(5);
        TunnelHandshake.Initiator i = new TunnelHandshake.Initiator("home1", psk, r);
        TunnelHandshake.Responder resp = new TunnelHandshake.Responder(id -> psk, r);
        DropCounters d = new DropCounters();
        Frame f = new Frame();
        i.writeInit(f, 0, 1);
        TunnelHandshake.Accepted a = resp.accept(f, d);
        SessionKeys k = i.onResponse(f, d);
        return new SessionKeys[] {k, a.keys()};
    }

    private int[] run(boolean recovery) {
        SessionKeys[] keys = handshake();
        Random loss = new Random(11);
        PriorityQueue<Datagram> q = new PriorityQueue<>(Comparator.comparingLong(Datagram::t).thenComparingLong(Datagram::id));
        long[] ids = {0};
        long[][] last = new long[2][2];
        long[] now = {0};
        int[] lostData = {0};
        TunnelPeer[] peers = new TunnelPeer[2];
        DropCounters dropsA = new DropCounters();
        DropCounters dropsB = new DropCounters();
        int packets = 20_000;
        boolean[] delivered = new boolean[packets];
        ReorderBuffer.Config rc = ReorderBuffer.Config.defaults().withSlots(TunnelPeer.REORDER_SLOTS).withMaxWaitNanos(150 * MS);
        for (int side = 0; side < 2; side++) {
            boolean toB = side == 0;
            WeightedRoundRobin s = new WeightedRoundRobin(2);
            s.setUsable(0, true);
            s.setUsable(1, true);
            LinkSender wire = (link, datagram) -> {
                byte[] b = new byte[datagram.remaining()];
                datagram.get(b);
                if (loss.nextDouble() < LOSS[link]) {
                    lostData[0] += toB && b[1] == PacketType.DATA.code() ? 1 : 0;
                    return true;
                }
                int dir = toB ? 0 : 1;
                long at = Math.max(last[dir][link], now[0] + DELAY[link] + (long) (loss.nextDouble() * 0.5 * MS));
                last[dir][link] = at;
                q.add(new Datagram(at, ids[0]++, toB, b));
                return true;
            };
            peers[side] = new TunnelPeer(2, s, wire, rc,
                    p -> delivered[MemoryTun.seqOf(bytes(p))] = true, toB ? dropsA : dropsB, new TunnelPeer.Extension() {
                    });
            peers[side].recovery.enabled(recovery);
        }
        TunnelPeer a = peers[0];
        TunnelPeer b = peers[1];
        a.session(new TunnelSession(keys[0]));
        b.session(new TunnelSession(keys[1]));
        Frame out = new Frame();
        Frame in = new Frame();
        int next = 0;
        for (long t = 0; t <= packets * 250_000L + 1000 * MS; t += 100_000L) {
            while (next < packets && next * 250_000L <= t) {
                now[0] = next * 250_000L;
                byte[] p = MemoryTun.udp(MemoryTun.addr(10, 0, 0, 2), MemoryTun.addr(1, 1, 1, 1), 4000, 5000, 1000, next);
                out.payloadSpace().put(p);
                assertTrue(a.sendData(out, p.length, now[0]));
                next++;
            }
            while (!q.isEmpty() && q.peek().t() <= t) {
                Datagram d = q.poll();
                now[0] = d.t();
                in.receiveSpace().put(d.bytes());
                in.length(d.bytes().length);
                (d.toB() ? b : a).onDatagram(in, d.t());
            }
            now[0] = t;
            a.pollReorder(t);
            b.pollReorder(t);
        }
        b.reorder().flushAll();
        int notDelivered = 0;
        for (boolean x : delivered) {
            notDelivered += x ? 0 : 1;
        }
        assertEquals(0, dropsB.get(TunnelDrop.REPLAYED) + dropsB.get(TunnelDrop.TAG_MISMATCH) + dropsB.get(TunnelDrop.BAD_PAYLOAD));
        assertEquals(0, dropsA.get(TunnelDrop.REPLAYED) + dropsA.get(TunnelDrop.TAG_MISMATCH) + dropsA.get(TunnelDrop.BAD_PAYLOAD));
        System.out.printf("recovery %s: %d DATA datagrams lost, %d inner packets never delivered, %d late; NACKs %d,"
                + " retransmitted %d (%d B), too late %d, not held %d; data bytes sent %d%n", recovery ? "on" : "off",
                lostData[0], notDelivered, b.reorder().late(), b.recovery.get(RecoveryCounter.NACKS_SENT),
                a.recovery.get(RecoveryCounter.RETRANSMITTED), a.recovery.get(RecoveryCounter.RETRANSMITTED_BYTES),
                a.recovery.get(RecoveryCounter.NACK_TOO_LATE), a.recovery.get(RecoveryCounter.NACK_NOT_HELD),
                a.counters.txBytes(0) + a.counters.txBytes(1));
        return new int[] {lostData[0], notDelivered, (int) b.reorder().late(), (int) a.recovery.get(RecoveryCounter.RETRANSMITTED)};
    }

    private static byte[] bytes(ByteBuffer p) {
        byte[] b = new byte[p.remaining()];
        p.duplicate().get(b);
        return b;
    }

    @Test
    void lostPacketsAreSentAgainAsNewSealedDataAndReachTheFlowInOrder() {
        int[] off = run(false);
        int[] on = run(true);
        assertTrue(off[0] > 100 && off[1] == off[0], "off: every lost DATA datagram is lost to the flow");
        assertTrue(on[3] > 0.8 * on[0], "retransmitted " + on[3] + " of " + on[0]);
        assertTrue(on[1] < 0.1 * on[0], "never delivered " + on[1] + " of " + on[0]);
        assertTrue(on[1] + on[2] < 0.1 * on[0], "lost or late " + (on[1] + on[2]) + " of " + on[0]);
    }
}
