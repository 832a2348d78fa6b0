package net.coopwan.daemon.datapath;

import java.nio.ByteBuffer;

import net.coopwan.daemon.measure.PctPdtTrendTest;
import net.coopwan.daemon.measure.SlopsStreamConfig;
import net.coopwan.daemon.measure.SlopsStreamReceiver;
import net.coopwan.daemon.measure.StreamVerdict;
import net.coopwan.daemon.measure.TrendTest;
import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.PacketType;
import net.coopwan.daemon.tunnel.TunnelDrop;
import net.coopwan.daemon.tunnel.TunnelHeader;

/**
 * The receiving end of SLoPS streams (seed 002 A3: "the receiver process runs on ... the remote
 * gathering node"), one per member link: collects each probe's one-way delay and answers the
 * stream with a verdict when its last probe arrives, or when the sender asks
 * ({@link PacketType#SLOPS_REQUEST}) because that probe was lost.
 *
 * <pre>
 * SLOPS_PROBE payload:   stream id (4) | index (2) | count K (2) | floor µs (4) | padding to L/8 bytes
 * SLOPS_REQUEST payload: stream id (4)
 * SLOPS_VERDICT payload: stream id (4) | verdict (1: 0 increasing, 1 not increasing, 2 grey, 3 lost) | received (2)
 * </pre>
 *
 * Receiver thread only.
 */
final class SlopsResponder {
    static final int PROBE_HEADER = 12;
    private final TrendTest[] trends = new TrendTest[TunnelHeader.MAX_LINKS];
    private final SlopsStreamReceiver[] receivers = new SlopsStreamReceiver[TunnelHeader.MAX_LINKS];
    private final int[] streamIds = new int[TunnelHeader.MAX_LINKS];
    private final Frame reply = new Frame();

    /** Handles SLOPS_PROBE and SLOPS_REQUEST; returns false for other types. */
    boolean onControl(TunnelPeer peer, int link, PacketType type, Frame f, int len, long nowNanos) {
        ByteBuffer b = f.buffer();
        int at = TunnelHeader.LENGTH;
        if (type == PacketType.SLOPS_PROBE) {
            if (len < PROBE_HEADER) {
                peer.drops.count(TunnelDrop.BAD_PAYLOAD);
                return true;
            }
            int stream = b.getInt(at);
            int index = b.getShort(at + 4) & 0xffff;
            int count = b.getShort(at + 6) & 0xffff;
            if (count < 16 || count > 10_000 || index >= count) {
                peer.drops.count(TunnelDrop.BAD_PAYLOAD);
                return true;
            }
            SlopsStreamReceiver r = receivers[link];
            if (r == null || stream != streamIds[link]) {
                // a new stream: the sender numbers them; K and the noise floor come with every probe
                r = new SlopsStreamReceiver(new SlopsStreamConfig(count, 8L * Math.max(64, len), 512, 0.2));
                receivers[link] = r;
                streamIds[link] = stream;
                long floor = Math.max(0, Math.min(1_000_000, b.getInt(at + 8)));
                PctPdtTrendTest.Config d = PctPdtTrendTest.Config.DEFAULT;
                trends[link] = new PctPdtTrendTest(new PctPdtTrendTest.Config(d.minSamples(), d.pctIncreasing(),
                        d.pctNotIncreasing(), d.pdtIncreasing(), d.pdtNotIncreasing(), Math.max(d.minSpreadMicros(), floor)));
            }
            // OWD = arrival - send; only its trend matters, so a clock offset (and the 32-bit
            // wrap of the header's send time, taken as a difference) cancels (S3).
            int owd = TunnelPeer.micros(nowNanos) - TunnelHeader.sendMicros(b, 0);
            r.onProbe(index, 0, owd);
            if (index == count - 1) {
                answer(peer, link, stream, nowNanos);
            }
            return true;
        }
        if (type == PacketType.SLOPS_REQUEST) {
            if (len < 4) {
                peer.drops.count(TunnelDrop.BAD_PAYLOAD);
                return true;
            }
            int stream = b.getInt(at);
            if (receivers[link] != null && streamIds[link] == stream) {
                answer(peer, link, stream, nowNanos);
            } else {
                ByteBuffer p = reply.payloadSpace();
                p.putInt(stream).put((byte) 3).putShort((short) 0);
                peer.sendControl(reply, 7, link, PacketType.SLOPS_VERDICT, nowNanos);
            }
            return true;
        }
        return false;
    }

    private void answer(TunnelPeer peer, int link, int stream, long nowNanos) {
        SlopsStreamReceiver r = receivers[link];
        StreamVerdict v = r.verdict(trends[link]);
        ByteBuffer p = reply.payloadSpace();
        p.putInt(stream).put((byte) v.ordinal()).putShort((short) r.received());
        peer.sendControl(reply, 7, link, PacketType.SLOPS_VERDICT, nowNanos);
    }
}
