package net.coopwan.daemon.datapath;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.daemon.reorder.ReorderBuffer;
import net.coopwan.daemon.tun.TunDevice;
import net.coopwan.daemon.tunnel.DropCounters;
import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.PacketType;
import net.coopwan.daemon.tunnel.TunnelDrop;
import net.coopwan.daemon.tunnel.TunnelHandshake;
import net.coopwan.daemon.tunnel.TunnelHeader;
import net.coopwan.daemon.tunnel.TunnelSession;

/**
 * The far end of bonded tunnels (docs/ARCHITECTURE.md, roles): one UDP socket for every client and
 * link, one TUN into which opened inner packets go (the kernel then routes and masquerades them
 * to the internet), and the way back: packets the kernel routes into the TUN for a client's
 * inner address are spread over that client's live links.
 *
 * <p>Kernel set-up (TUN address, NAT) is the caller's job; this class only moves packets.
 */
public final class Concentrator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Concentrator.class);

    /** One client router as configured: its id, pre-shared key and inner IPv4 address. */
    public record Client(String name, byte[] key, java.net.Inet4Address address) {
    }

    /** Timers and sizes; see docs/PROTOCOL.md section 4. */
    public record Settings(InetSocketAddress listen, long deadAfterNanos, long reorderWaitNanos, int mtu,
            Mechanisms mechanisms) {
        /** Every real-link mechanism on. */
        public Settings(InetSocketAddress listen, long deadAfterNanos, long reorderWaitNanos, int mtu) {
            this(listen, deadAfterNanos, reorderWaitNanos, mtu, Mechanisms.ALL_ON);
        }

        public Settings {
            java.util.Objects.requireNonNull(mechanisms, "mechanisms");
        }
    }

    private final Settings settings;
    private final TunDevice tun;
    private final DatagramChannel channel;
    private final DropCounters drops = new DropCounters();
    private final Map<String, ClientSession> byName = new HashMap<>();
    private final Map<Integer, ClientSession> byAddress = new HashMap<>();
    private final Map<Integer, ClientSession> byTunnel = new ConcurrentHashMap<>();
    private final TunnelHandshake.Responder responder;
    private final DatagramPump pump;
    private final TimerLoop timer;
    private final Workers workers = new Workers();
    private volatile boolean running = true;

    public Concentrator(Settings settings, TunDevice tun, List<Client> clients) throws IOException {
        this.settings = settings;
        this.tun = tun;
        boolean v6 = settings.listen().getAddress() instanceof java.net.Inet6Address;
        this.channel = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            channel.bind(settings.listen());
        } catch (IOException e) {
            channel.close();
            throw new IOException("concentrator: cannot listen on UDP " + settings.listen() + ": " + e.getMessage(), e);
        }
        ReorderBuffer.Config rc = ReorderBuffer.Config.defaults().withSlots(TunnelPeer.REORDER_SLOTS)
                .withMaxWaitNanos(settings.reorderWaitNanos()).withAdaptive(settings.mechanisms().adaptiveReorder());
        for (Client c : clients) {
            ClientSession[] self = new ClientSession[1];
            ClientSession s = new ClientSession(c.name(), c.key(), InnerPacket.ipv4(c.address()), settings.deadAfterNanos(),
                    rc, this::writeTun, (link, datagram) -> sendTo(self[0], link, datagram), drops);
            self[0] = s;
            if (!settings.mechanisms().lossRecovery()) {
                s.peer.recovery.enabled(false);
            }
            byName.put(c.name(), s);
            byAddress.put(s.innerAddress, s);
        }
        this.responder = new TunnelHandshake.Responder(id -> {
            ClientSession s = byName.get(id);
            return s == null ? null : s.psk;
        }, new SecureRandom());
        this.pump = new DatagramPump("concentrator", new Receiver());
        pump.register(0, channel);
        this.timer = new TimerLoop("concentrator", 20_000_000L, now -> byName.values().forEach(c -> c.tick(now)));
    }

    /** Starts the receiver, sender and timer threads. */
    public void start() {
        workers.start("concentrator-rx", pump);
        workers.start("concentrator-tx", this::sendLoop);
        workers.start("concentrator-timer", timer);
        LOG.info("concentrator: listening on UDP {} for {} client(s), TUN {}", settings.listen(), byName.size(), tun.name());
    }

    public DropCounters drops() {
        return drops;
    }

    /** The local UDP address (for tests that bind port 0). */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** True once {@code client} has a confirmed session. */
    public boolean established(String client) {
        ClientSession s = byName.get(client);
        return s != null && s.peer.session() != null;
    }

    /** Duplication of {@code client}'s LC packets and their replies, or null for an unknown client. */
    LcCopies lc(String client) {
        ClientSession s = byName.get(client);
        return s == null ? null : s.peer.lc();
    }

    /** Duplication's counters over every client (the status of a concentrator's daemon). */
    public LcCounters duplicationCounters() {
        LcCounters sum = LcCounters.NONE;
        for (ClientSession s : byName.values()) {
            sum = sum.plus(LcCounters.of(s.peer.lc()));
        }
        return sum;
    }

    /** Loss recovery on or off for every client (docs/PROTOCOL.md 4.8; on unless {@code list disable 'loss_recovery'}). */
    public void recovery(boolean on) {
        for (ClientSession s : byName.values()) {
            s.peer.recovery.enabled(on);
        }
        LOG.info("concentrator: loss recovery {}", on ? "on" : "off");
    }

    /** A loss recovery counter summed over the clients. */
    public long recoveryCounter(net.coopwan.daemon.recovery.RecoveryCounter c) {
        long sum = 0;
        for (ClientSession s : byName.values()) {
            sum += s.peer.recovery.get(c);
        }
        return sum;
    }

    /** Bytes sent to {@code client} over its member {@code link} (datagrams as sent), 0 for an unknown client. */
    public long txBytes(String client, int link) {
        ClientSession s = byName.get(client);
        return s == null ? 0 : s.peer.counters.txBytes(link);
    }

    private void writeTun(ByteBuffer packet) {
        try {
            tun.write(packet);
        } catch (IOException e) {
            if (running) {
                LOG.warn("concentrator: TUN {} write failed: {}", tun.name(), e.getMessage());
            }
        }
    }

    private boolean sendTo(ClientSession s, int link, ByteBuffer datagram) {
        InetSocketAddress to = s.remote(link);
        if (to == null) {
            return false;
        }
        try {
            return channel.send(datagram, to) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** TUN to clients: the kernel routed a packet to a client's inner address. */
    private void sendLoop() {
        Frame f = new Frame();
        try {
            while (running) {
                ByteBuffer in = f.payloadSpace();
                int n = tun.read(in, 250);
                if (n <= 0) {
                    continue;
                }
                if (InnerPacket.version(f.buffer(), TunnelHeader.LENGTH, n) != 4) {
                    continue; // IPv6 through the bond: not yet (router side masquerades to IPv4)
                }
                ClientSession s = byAddress.get(InnerPacket.ipv4Destination(f.buffer(), TunnelHeader.LENGTH));
                if (s != null) {
                    s.peer.sendData(f, n, System.nanoTime());
                }
            }
        } catch (IOException e) {
            if (running) {
                LOG.error("concentrator: TUN {} read failed, the way back stops: {}", tun.name(), e.getMessage());
            }
        }
    }

    private final class Receiver implements DatagramPump.Handler {
        @Override
        public void onDatagram(int index, Frame f, SocketAddress source) {
            long now = System.nanoTime();
            ByteBuffer b = f.buffer();
            PacketType type = TunnelPeer.checkedType(f, drops);
            if (type == null) {
                return;
            }
            if (type == PacketType.HANDSHAKE_INIT) {
                handshake(f, (InetSocketAddress) source, now);
                return;
            }
            if (type == PacketType.HANDSHAKE_RESPONSE) {
                drops.count(TunnelDrop.HANDSHAKE_UNEXPECTED);
                return;
            }
            int id = TunnelHeader.tunnelId(b, 0);
            int link = TunnelHeader.link(b, 0);
            ClientSession s = byTunnel.get(id);
            if (s == null) {
                drops.count(TunnelDrop.UNKNOWN_TUNNEL);
                return;
            }
            // Where the packet came from, for the session's onHeard (called only if it opens).
            s.arrivingFrom = (InetSocketAddress) source;
            TunnelSession current = s.peer.session();
            if (current != null && current.tunnelId() == id) {
                s.peer.openAndDispatch(current, f, now);
                return;
            }
            TunnelSession candidate = s.candidate(id);
            if (candidate == null) {
                byTunnel.remove(id, s);
                drops.count(TunnelDrop.UNKNOWN_TUNNEL);
                return;
            }
            // The first packet that opens under a candidate confirms it.
            TunnelSession old = s.peer.session();
            if (s.peer.openAndDispatch(candidate, f, now, () -> s.promote(candidate, link, (InetSocketAddress) source))) {
                if (old != null) {
                    byTunnel.remove(old.tunnelId(), s);
                }
            }
        }

        private void handshake(Frame f, InetSocketAddress source, long now) {
            String claimed = TunnelHandshake.Responder.claimedClient(f);
            ClientSession s = claimed == null ? null : byName.get(claimed);
            if (s != null && !s.admitInit(now)) {
                drops.count(TunnelDrop.HANDSHAKE_RATE_LIMITED);
                return;
            }
            TunnelHandshake.Accepted a = responder.accept(f, drops);
            if (a == null) {
                return;
            }
            TunnelSession ts = new TunnelSession(a.keys());
            TunnelSession evicted = s.addCandidate(ts);
            if (evicted != null) {
                byTunnel.remove(evicted.tunnelId(), s);
            }
            byTunnel.put(ts.tunnelId(), s);
            try {
                channel.send(f.datagram(), source);
            } catch (IOException e) {
                LOG.debug("concentrator: cannot answer handshake of {}: {}", claimed, e.getMessage());
            }
        }

        @Override
        public long onIdle(long nowNanos) {
            long next = nowNanos + 100_000_000L;
            for (ClientSession s : byName.values()) {
                next = Math.min(next, s.peer.pollReorder(nowNanos));
            }
            return next;
        }
    }

    @Override
    public void close() {
        running = false;
        pump.stop();
        timer.stop();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.join();
        for (ClientSession s : byName.values()) {
            LcCopies l = s.peer.lc();
            if (l != null) {
                l.close();
            }
        }
        LOG.info("concentrator: stopped; drops {}", drops.nonZero());
    }
}
