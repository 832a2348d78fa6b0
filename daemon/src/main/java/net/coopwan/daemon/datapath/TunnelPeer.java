package net.coopwan.daemon.datapath;

import java.nio.ByteBuffer;

import net.coopwan.daemon.recovery.LossRecovery;
import net.coopwan.daemon.reorder.FlowHash;
import net.coopwan.daemon.reorder.PacketSink;
import net.coopwan.daemon.reorder.ReorderBuffer;
import net.coopwan.daemon.schedule.LinkScheduler;
import net.coopwan.daemon.tunnel.DropCounters;
import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.PacketType;
import net.coopwan.daemon.tunnel.TunnelDrop;
import net.coopwan.daemon.tunnel.TunnelHeader;
import net.coopwan.daemon.tunnel.TunnelSession;

/**
 * What both ends of a bonded tunnel do alike, for one far end: number each inner packet within
 * its flow bucket, pick a member link, seal and send; and on receipt open, answer probes, and
 * pass data through the per-flow reorder buffer to the TUN. The router has one of these; the
 * concentrator one per client. Role-specific packets go to {@link Extension}.
 *
 * <p>Threads: {@link #sendData} only from the one sender thread; {@link #onDatagram} and
 * {@link #pollReorder} only from the one receiver thread; {@link #sendControl} from any.
 */
final class TunnelPeer {
    /**
     * Packets a peer's reorder buffer may hold: 512 x 2 KB = 1 MB of direct memory per peer
     * (the JVM's direct memory is capped at the heap size, 32 MB on a router). 512 packets of
     * 1400 bytes is what 190 Mbit/s delivers in the 30 ms wait.
     */
    static final int REORDER_SLOTS = 512;

    /** What differs between the router and the concentrator. */
    interface Extension {
        /** A data packet, opened, before it goes to the reorder buffer: false drops it as NOT_ALLOWED. */
        default boolean allowInbound(ByteBuffer packet, int at, int length) {
            return true;
        }

        /**
         * A PROBE_ECHO on {@code link}: {@code probePn} is the echoed probe's packet number,
         * {@code deliveredWireBits} what the far end had received on the link when it echoed (IP
         * and UDP headers included; -1 when the echo does not say).
         */
        default void onEcho(int link, long probePn, long deliveredWireBits, long nowNanos) {
        }

        /** Any authenticated packet on {@code link}, with its one-way delay sample in µs. */
        default void onHeard(int link, PacketType type, int owdMicros, long nowNanos) {
        }

        /**
         * The smallest round trip over the usable links, ns, for how long a gap waits for its
         * retransmission ({@link LossRecovery#holdExtraNanos}); negative when this side does not
         * measure it (the concentrator). Receiver thread.
         */
        default long bestRttNanos() {
            return -1;
        }

        /** SLoPS and weights packets: the payload is at the frame's payload offset. */
        default void onControl(int link, PacketType type, Frame frame, int payloadLength, long nowNanos) {
        }
    }

    final int links;
    final LinkScheduler scheduler;
    final LinkCounters counters;
    final DropCounters drops;
    private final LinkSender sender;
    private final Extension extension;
    private final FlowHash flowHash = new FlowHash();
    /** Per-session state the sender uses: keys and the flows' next numbers (from 0 each session). */
    private record Sending(TunnelSession session, int[] flowSeq) {
    }

    private volatile Sending sending;
    private final ReorderBuffer reorder;
    private final Frame reply = new Frame();
    private volatile TunnelSession session;
    private final PacketSink tunSink;
    /** Duplication of LC packets (issue 17), or null: then LC_COPY is ignored and nothing is LC. */
    private volatile LcCopies lc;
    /** Receiver thread only, allocated with the first LC packet delivered. */
    private ByteBuffer lcOut;
    private long noLink;
    private long notSealed;
    /** Re-sending lost packets (docs/PROTOCOL.md 4.8); its switch is {@link LossRecovery#enabled(boolean)}. */
    final LossRecovery recovery;

    TunnelPeer(int links, LinkScheduler scheduler, LinkSender sender, ReorderBuffer.Config reorderConfig,
            PacketSink tunSink, DropCounters drops, Extension extension) {
        this.links = links;
        this.scheduler = scheduler;
        this.sender = sender;
        this.counters = new LinkCounters(links);
        this.drops = drops;
        this.extension = extension;
        this.reorder = new ReorderBuffer(reorderConfig, tunSink, true);
        this.tunSink = tunSink;
        this.recovery = new LossRecovery(LossRecovery.Config.defaults(reorderConfig.maxWaitNanos()), new RecoveryPort());
    }

    /** What loss recovery needs of this peer: links, the receive side's delays, sealing and sending. */
    private final class RecoveryPort implements LossRecovery.Port {
        @Override
        public boolean usable(int link) {
            return link < links && scheduler.usable(link);
        }

        @Override
        public boolean capped(int link) {
            return scheduler.capRate(link) >= 0;
        }

        @Override
        public double delayMicros(int link) {
            return reorder.linkDelayMicros(link);
        }

        @Override
        public double jitterMicros(int link) {
            return reorder.linkJitterMicros(link);
        }

        @Override
        public boolean sendNack(Frame f, int payloadLength, int link, long nowNanos) {
            return sendControl(f, payloadLength, link, PacketType.NACK, nowNanos) >= 0;
        }

        @Override
        public boolean resend(Frame f, int length, int link, int bucket, int flowSeq, long nowNanos) {
            TunnelSession s = session;
            if (s == null) {
                return false;
            }
            if (s.seal(f, length, link, PacketType.DATA, bucket, flowSeq, micros(nowNanos)) < 0) {
                notSealed++;
                return false;
            }
            return put(link, f);
        }
    }

    TunnelSession session() {
        return session;
    }

    /**
     * Installs new session keys. Receiver thread only (both ends switch sessions there): the
     * reorder buffer is reset because the far end may have restarted its flow numbering.
     */
    void session(TunnelSession s) {
        reorder.reset();
        recovery.reset();
        LcCopies l = lc;
        if (l != null) {
            l.sessionChanged();
        }
        this.session = s;
        this.sending = new Sending(s, new int[FlowHash.BUCKETS]);
    }

    /** Inner packets dropped because no link was usable. */
    long noLink() {
        return noLink;
    }

    /** The type of a received datagram whose header passes the keyless checks; else null, counted. */
    static PacketType checkedType(Frame f, DropCounters drops) {
        TunnelDrop d = TunnelHeader.check(f.buffer(), 0, f.length());
        if (d != null) {
            drops.count(d);
            return null;
        }
        return TunnelHeader.type(f.buffer(), 0);
    }

    static int micros(long nanos) {
        return (int) (nanos / 1000);
    }

    /**
     * Sends the inner packet of {@code length} bytes at the payload offset of {@code f}.
     * Sender thread only. Returns false when it was dropped (no session, no usable link).
     */
    boolean sendData(Frame f, int length, long nowNanos) {
        Sending st = sending;
        if (st == null) {
            noLink++;
            return false;
        }
        LcCopies l = lc;
        if (l != null && l.offer(f, length, nowNanos)) {
            return true; // latency-critical: sent as copies over its paths instead
        }
        TunnelSession s = st.session();
        int[] flowSeq = st.flowSeq();
        // the IP packet as sent (datagram + UDP and IPv4 headers): a cap (the sharer's offer) counts
        // what its line carries, and exactly what the sharer's kernel quota counts
        int link = scheduler.pick(length + TunnelHeader.OVERHEAD + IP_UDP_HEADERS, nowNanos);
        if (link < 0) {
            noLink++;
            return false;
        }
        int bucket = flowHash.bucket(f.buffer(), TunnelHeader.LENGTH, length);
        int seq = flowSeq[bucket]++;
        int held = recovery.stage(link, bucket, seq, f.buffer(), TunnelHeader.LENGTH, length, nowNanos);
        long pn = s.seal(f, length, link, PacketType.DATA, bucket, seq, micros(nowNanos));
        if (pn < 0) {
            notSealed++;
            return false;
        }
        recovery.commit(held, pn);
        return put(link, f);
    }

    /**
     * Seals and sends a control packet whose payload is already at the payload offset of
     * {@code f}. Returns its packet number, or -1 when it was not sent.
     */
    long sendControl(Frame f, int payloadLength, int link, PacketType type, long nowNanos) {
        TunnelSession s = session;
        if (s == null) {
            return -1;
        }
        long pn = s.seal(f, payloadLength, link, type, TunnelHeader.NO_BUCKET, 0, micros(nowNanos));
        if (pn < 0) {
            notSealed++;
            return -1;
        }
        return put(link, f) ? pn : -1;
    }

    private boolean put(int link, Frame f) {
        int len = f.length();
        if (sender.send(link, f.datagram())) {
            counters.sent(link, len);
            return true;
        }
        counters.sendFailed(link);
        return false;
    }

    /**
     * A sealed datagram for this peer's session (the caller checked header and tunnel id).
     * Receiver thread only. Returns false when it did not open (counted).
     */
    boolean onDatagram(Frame f, long nowNanos) {
        TunnelSession s = session;
        if (s == null || TunnelHeader.tunnelId(f.buffer(), 0) != s.tunnelId()) {
            drops.count(TunnelDrop.UNKNOWN_TUNNEL);
            return false;
        }
        return openAndDispatch(s, f, nowNanos);
    }

    /** Opens with {@code s} (the current session) and handles the packet. */
    boolean openAndDispatch(TunnelSession s, Frame f, long nowNanos) {
        return openAndDispatch(s, f, nowNanos, null);
    }

    /**
     * Opens with {@code s} and handles the packet. When {@code confirmed} is given (s is a
     * candidate session) and the packet opens, s becomes the session before the packet is
     * handled, so its data goes into the new session's flows; {@code confirmed} is told first.
     */
    boolean openAndDispatch(TunnelSession s, Frame f, long nowNanos, Runnable confirmed) {
        ByteBuffer b = f.buffer();
        int link = TunnelHeader.link(b, 0);
        if (link >= links) {
            drops.count(TunnelDrop.BAD_LINK);
            return false;
        }
        TunnelDrop d = s.open(f);
        if (d != null) {
            drops.count(d);
            return false;
        }
        if (confirmed != null) {
            confirmed.run();
            session(s);
        }
        int len = TunnelSession.payloadLength(f);
        counters.received(link, f.length());
        PacketType type = TunnelHeader.type(b, 0);
        int owd = micros(nowNanos) - TunnelHeader.sendMicros(b, 0);
        extension.onHeard(link, type, owd, nowNanos);
        recovery.onPacket(link, TunnelHeader.packetNumber(b, 0), type == PacketType.DATA, nowNanos);
        switch (type) {
            case DATA -> {
                if (InnerPacket.version(b, TunnelHeader.LENGTH, len) == 0
                        || !extension.allowInbound(b, TunnelHeader.LENGTH, len)) {
                    drops.count(TunnelDrop.NOT_ALLOWED);
                    return true;
                }
                // the link and its delay sample set how long a gap behind this packet is waited for
                reorder.offer(TunnelHeader.bucket(b, 0), TunnelHeader.flowSeq(b, 0), f.payload(len), link, owd, nowNanos);
            }
            case PROBE -> {
                long pn = TunnelHeader.packetNumber(b, 0);
                ByteBuffer p = reply.payloadSpace();
                p.putLong(pn).putInt(TunnelHeader.sendMicros(b, 0))
                        .putLong(counters.rxBytes(link)).putLong(counters.rxPackets(link));
                sendControl(reply, ECHO_LENGTH, link, PacketType.PROBE_ECHO, nowNanos);
            }
            case PROBE_ECHO -> {
                if (len < 12) {
                    drops.count(TunnelDrop.BAD_PAYLOAD);
                    return true;
                }
                long delivered = len < ECHO_LENGTH ? -1 : wireBits(b.getLong(TunnelHeader.LENGTH + 12),
                        b.getLong(TunnelHeader.LENGTH + 20));
                extension.onEcho(link, b.getLong(TunnelHeader.LENGTH), delivered, nowNanos);
            }
            case NACK -> {
                if (!recovery.onNack(link, f, len, nowNanos)) {
                    drops.count(TunnelDrop.BAD_PAYLOAD);
                }
            }
            case LC_COPY -> {
                LcCopies l = lc;
                byte[] inner = l == null ? null : l.onCopy(link, f, len, nowNanos, this::admit);
                if (inner != null && inner.length <= Frame.MAX_PAYLOAD) {
                    if (lcOut == null) {
                        lcOut = ByteBuffer.allocateDirect(Frame.MAX_PAYLOAD); // a TUN writes direct buffers only
                    }
                    lcOut.clear();
                    lcOut.put(inner).flip();
                    tunSink.deliver(lcOut);
                }
            }
            default -> extension.onControl(link, type, f, len, nowNanos);
        }
        return true;
    }

    /** What a DATA packet must pass too: an IPv4/IPv6 packet the role allows in; else counted NOT_ALLOWED. */
    private boolean admit(ByteBuffer packet, int at, int length) {
        if (InnerPacket.version(packet, at, length) == 0 || !extension.allowInbound(packet, at, length)) {
            drops.count(TunnelDrop.NOT_ALLOWED);
            return false;
        }
        return true;
    }

    /** Turns duplication of LC packets on ({@code l}) or off (null). */
    void lc(LcCopies l) {
        this.lc = l;
    }

    LcCopies lc() {
        return lc;
    }

    /** PROBE_ECHO payload: probe pn (8), its send time (4), bytes (8) and datagrams (8) received on the link. */
    static final int ECHO_LENGTH = 28;
    /** IPv4 and UDP headers around each datagram: what a link carries beyond the UDP payload. */
    static final int IP_UDP_HEADERS = 28;

    /** Bits on the wire for {@code datagrams} UDP datagrams of {@code bytes} payload in all, or -1 if invalid. */
    static long wireBits(long bytes, long datagrams) {
        return bytes < 0 || datagrams < 0 ? -1 : 8 * (bytes + IP_UDP_HEADERS * datagrams);
    }

    /**
     * Releases held packets whose wait is over; returns the next deadline. Receiver thread only.
     * How long a gap waits is the reorder buffer's own: from the links' delays measured on the
     * data packets, at most the configured reorder wait ({@link ReorderBuffer}).
     */
    long pollReorder(long nowNanos) {
        reorder.extraWaitNanos(recovery.holdExtraNanos(extension.bestRttNanos()));
        reorder.poll(nowNanos);
        long gaps = recovery.poll(nowNanos);
        long held = reorder.nextDeadlineNanos();
        if (gaps == Long.MAX_VALUE) {
            return held;
        }
        return held == Long.MAX_VALUE || gaps - held < 0 ? gaps : held;
    }

    ReorderBuffer reorder() {
        return reorder;
    }
}
