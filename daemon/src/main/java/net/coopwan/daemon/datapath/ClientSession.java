package net.coopwan.daemon.datapath;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.daemon.reorder.PacketSink;
import net.coopwan.daemon.reorder.ReorderBuffer;
import net.coopwan.daemon.schedule.TokenBucket;
import net.coopwan.daemon.schedule.WeightedRoundRobin;
import net.coopwan.daemon.tunnel.DropCounters;
import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.PacketType;
import net.coopwan.daemon.tunnel.TunnelHeader;
import net.coopwan.daemon.tunnel.TunnelSession;

/**
 * The concentrator's view of one client router: its pre-shared key and inner address, the
 * current session and up to {@link #MAX_CANDIDATES} candidate sessions from recent handshakes,
 * the address each member link was last heard from (links roam, as WireGuard endpoints do),
 * and the weights the router asked for on the way back.
 *
 * <p>A candidate becomes current only when a packet sealed under it verifies: that proves the
 * router holds the keys, so a replayed handshake init cannot take the client over.
 */
final class ClientSession implements TunnelPeer.Extension {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
    static final int MAX_CANDIDATES = 4;
    /** A member without a cap in a CAPS payload. */
    static final long CAP_NONE = 0xffff_ffffL;

    final String name;
    final byte[] psk;
    final int innerAddress;
    final TunnelPeer peer;
    private final AtomicReferenceArray<InetSocketAddress> remote = new AtomicReferenceArray<>(TunnelHeader.MAX_LINKS);
    // written by the receiver thread, read by the timer thread
    private final java.util.concurrent.atomic.AtomicLongArray lastHeard = new java.util.concurrent.atomic.AtomicLongArray(TunnelHeader.MAX_LINKS);
    private final Deque<TunnelSession> candidates = new ArrayDeque<>();
    private final long deadAfterNanos;
    private final WeightedRoundRobin scheduler;
    private final SlopsResponder slops = new SlopsResponder();
    private long initWindowStart;
    private int initsInWindow;

    ClientSession(String name, byte[] psk, int innerAddress, long deadAfterNanos, ReorderBuffer.Config reorder,
            PacketSink tun, LinkSender sender, DropCounters drops) {
        this.name = name;
        this.psk = psk.clone();
        this.innerAddress = innerAddress;
        this.deadAfterNanos = deadAfterNanos;
        this.scheduler = new WeightedRoundRobin(TunnelHeader.MAX_LINKS);
        for (int i = 0; i < TunnelHeader.MAX_LINKS; i++) {
            scheduler.setUsable(i, false);
        }
        this.peer = new TunnelPeer(TunnelHeader.MAX_LINKS, scheduler, sender, reorder, tun, drops, this);
        // replies to a client's LC sessions go back as copies over the links its copies came on
        ReplyRoutes replies = new ReplyRoutes();
        this.peer.lc(new LcCopies("concentrator-" + name, peer, replies, replies));
    }

    /** The cap on the way back over {@code link} in bytes per second, -1 for none (CAPS). */
    long capRate(int link) {
        return scheduler.capRate(link);
    }

    InetSocketAddress remote(int link) {
        return remote.get(link);
    }

    /** At most 10 handshake inits per second per client: X25519 work is cheap but not free. */
    synchronized boolean admitInit(long nowNanos) {
        if (nowNanos - initWindowStart > 1_000_000_000L) {
            initWindowStart = nowNanos;
            initsInWindow = 0;
        }
        return ++initsInWindow <= 10;
    }

    /** Adds a candidate; returns the one evicted to make room (its id must be forgotten), or null. */
    synchronized TunnelSession addCandidate(TunnelSession s) {
        TunnelSession evicted = candidates.size() == MAX_CANDIDATES ? candidates.removeFirst() : null;
        candidates.addLast(s);
        return evicted;
    }

    synchronized TunnelSession candidate(int tunnelId) {
        for (TunnelSession s : candidates) {
            if (s.tunnelId() == tunnelId) {
                return s;
            }
        }
        return null;
    }

    /** A candidate was confirmed (the peer makes it its session right after). Receiver thread. */
    synchronized void promote(TunnelSession s, int link, InetSocketAddress from) {
        candidates.clear();
        boolean first = peer.session() == null;
        LOG.info("client {}: session {} established over link {} from {}{}", name,
                Integer.toHexString(s.tunnelId()), link, from, first ? "" : " (replaces the previous session)");
    }

    /** Source of the datagram being opened; set by the receiver thread before it opens one. */
    InetSocketAddress arrivingFrom;

    @Override
    public void onHeard(int link, PacketType type, int owdMicros, long nowNanos) {
        heardFrom(link, arrivingFrom, nowNanos);
    }

    /** Records where {@code link} is heard from (receiver thread, authenticated packets only). */
    void heardFrom(int link, InetSocketAddress from, long nowNanos) {
        InetSocketAddress old = remote.get(link);
        if (!from.equals(old)) {
            remote.set(link, from);
            if (old != null) {
                LOG.info("client {}: link {} moved from {} to {}", name, link, old, from);
            }
        }
        lastHeard.set(link, nowNanos | 1); // never 0: 0 means never heard
    }

    @Override
    public boolean allowInbound(ByteBuffer packet, int at, int length) {
        // B only forwards what the agreement allows: here, packets from the client's own address
        return InnerPacket.version(packet, at, length) == 4 && InnerPacket.ipv4Source(packet, at) == innerAddress;
    }

    @Override
    public void onControl(int link, PacketType type, Frame frame, int payloadLength, long nowNanos) {
        if (slops.onControl(peer, link, type, frame, payloadLength, nowNanos)) {
            return;
        }
        if (type == PacketType.WEIGHTS) {
            ByteBuffer b = frame.buffer();
            int n = payloadLength / 4;
            if (n < 1 || n > TunnelHeader.MAX_LINKS || payloadLength % 4 != 0) {
                peer.drops.count(net.coopwan.daemon.tunnel.TunnelDrop.BAD_PAYLOAD);
                return;
            }
            double[] w = new double[TunnelHeader.MAX_LINKS];
            for (int i = 0; i < n; i++) {
                float f = b.getFloat(TunnelHeader.LENGTH + 4 * i);
                w[i] = Float.isFinite(f) && f > 0 ? f : 0;
            }
            scheduler.setWeights(w);
        } else if (type == PacketType.CAPS) {
            onCaps(frame.buffer(), payloadLength);
        }
    }

    /**
     * The router's caps for the way back (bandwidth sharing's per-packet variant): the member
     * through a sharer gets a token bucket at the sharer's downstream offer, so this scheduler
     * sends through it at most that and the rest over the router's other members.
     */
    private void onCaps(ByteBuffer b, int payloadLength) {
        int n = payloadLength / 4;
        if (n < 1 || n > TunnelHeader.MAX_LINKS || payloadLength % 4 != 0) {
            peer.drops.count(net.coopwan.daemon.tunnel.TunnelDrop.BAD_PAYLOAD);
            return;
        }
        for (int i = 0; i < n; i++) {
            long kbps = b.getInt(TunnelHeader.LENGTH + 4 * i) & 0xffff_ffffL;
            long was = scheduler.capRate(i);
            if (kbps == CAP_NONE) {
                scheduler.uncap(i);
            } else {
                long bytesPerSecond = kbps * 125;
                scheduler.setCap(i, bytesPerSecond, TokenBucket.depthFor(bytesPerSecond));
            }
            long now = scheduler.capRate(i);
            if (now != was) {
                LOG.info("client {}: link {} {}", name, i, now < 0 ? "uncapped on the way back"
                        : "capped on the way back at " + kbps + " kbit/s");
            }
        }
    }

    /** Timer: a link is usable on the way back while it was heard within the dead time. */
    void tick(long nowNanos) {
        for (int i = 0; i < TunnelHeader.MAX_LINKS; i++) {
            long heard = lastHeard.get(i);
            boolean alive = heard != 0 && nowNanos - heard < deadAfterNanos && remote.get(i) != null;
            if (alive != scheduler.usable(i)) {
                scheduler.setUsable(i, alive);
                LOG.info("client {}: link {} {}", name, i, alive ? "up (heard from " + remote.get(i) + ")"
                        : "down (nothing heard for " + deadAfterNanos / 1_000_000 + " ms)");
            }
        }
    }
}
