package net.coopwan.daemon.coop.channel;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import net.coopwan.daemon.api.ControlException;
import net.coopwan.daemon.api.PairedPeer;
import net.coopwan.daemon.api.PeerChannelChanged;
import net.coopwan.daemon.api.PairingResult;
import net.coopwan.daemon.api.PairingStarted;
import net.coopwan.daemon.api.PeersStatus;
import net.coopwan.daemon.coop.discovery.PeerBinding;
import net.coopwan.daemon.secure.PairingAttempts;
import net.coopwan.daemon.secure.PairingCode;
import net.coopwan.daemon.secure.PairingException;
import net.coopwan.daemon.secure.PairingFailure;
import net.coopwan.daemon.secure.PairingKey;
import net.coopwan.daemon.tunnel.DropCounters;
import net.coopwan.daemon.tunnel.TunnelDrop;

/**
 * The secure channel service on the peer link: one UDP socket on {@code peer.device}'s IPv4
 * address and {@code peer.port} (the beacon's broadcasts go to the discovery receiver on the
 * broadcast address, unicast channel datagrams come here), a receive thread, and a 50 ms timer
 * driving {@link PairingExchange} and one {@link PeerChannel} per paired peer. Every state change
 * is under this object's lock; the J-PAKE steps (a few ms each) run under it too, which is fine
 * at pairing rates.
 *
 * <p>Datagrams are dispatched by kind: pairing kinds to the exchange; HELLO_INIT by the
 * initiator id it names, HELLO_REPLY by the responder id, sealed kinds by session id. Anything
 * else is a counted {@link TunnelDrop}.
 *
 * <p>Beside the UDP socket, {@link TcpTransport} carries a peer's datagrams over TCP when its UDP
 * goes silent (PROTOCOL.md 3.10): each peer's datagrams go through its outbox, and every received
 * one, from either transport, comes here through {@link #handle}.
 */
public final class ChannelService implements AutoCloseable {
    static final long TICK_MS = 50;
    static final long RETRY_NANOS = 5_000_000_000L;

    /** What the service persists: pairings and peer address changes. */
    public interface Persistence {
        void paired(String peerId, InetSocketAddress address, PairingKey key, Instant at);

        void moved(String peerId, InetSocketAddress address);
    }

    private final String ownId;
    private final int port;
    private final Persistence persistence;
    private final Consumer<String> log;
    private final SecureRandom random;
    private final LongSupplier nanos;
    private final Clock clock;
    private final DropCounters drops = new DropCounters();
    private final PairingExchange exchange;
    private final Map<String, PeerChannel> peers = new TreeMap<>();
    private final Map<String, Instant> pairedAt = new LinkedHashMap<>();
    private final AtomicLong sendErrors = new AtomicLong();
    private final TcpTransport tcp;
    /**
     * The message layers above the channel, one per sealed kind that carries messages
     * (COOP_MESSAGE: the negotiation; EMERGENCY: the emergency connection). A kind without a
     * layer is dropped and counted. Insertion order is the order of ticks and counters.
     */
    private final Map<ChannelHeader.Kind, SealedMessages> layers = new java.util.LinkedHashMap<>();

    // runtime (start/close), guarded by this
    private String device;
    /** Volatile: {@link #kick} reads it without the lock (see there). */
    private volatile ScheduledExecutorService timer;
    private DatagramSocket socket;
    private long nextBindNanos;
    private boolean bindAttempted;
    private volatile String state = "not started";
    private boolean closed;
    /** Each peer's channel state as last published (guarded by this), and where changes go. */
    private final Map<String, ChannelState> published = new java.util.HashMap<>();
    private volatile Consumer<? super PeerChannelChanged> changes = c -> { };

    public ChannelService(String ownId, int port, PairingAttempts attempts, Persistence persistence,
            Consumer<String> log, SecureRandom random, LongSupplier nanos, Clock clock) {
        this.ownId = ownId;
        this.port = port;
        this.persistence = persistence;
        this.log = log;
        this.random = random;
        this.nanos = nanos;
        this.clock = clock;
        this.exchange = new PairingExchange(ownId, attempts, random, log, this::onPaired, drops);
        this.tcp = new TcpTransport(this, port, nanos, this::stateLine,
                net.coopwan.config.PeerLink.TCP_FALLBACK_DEFAULT_S * 1_000_000_000L);
    }

    /** Seconds without an authenticated reply over UDP before the channel to a peer uses TCP ({@code peer.tcp_fallback_s}). */
    public synchronized void tcpFallback(int seconds) {
        tcp.fallbackNanos(seconds * 1_000_000_000L, nanos.getAsLong());
    }

    public String ownId() {
        return ownId;
    }

    /** Adds a stored pairing (at start) or a new one; replaces an earlier channel with that peer. */
    public synchronized void addPeer(String peerId, InetSocketAddress address, PairingKey key, Instant at) {
        byte[] secret = key.channelSecret();
        peers.put(peerId, new PeerChannel(ownId, peerId, secret, address, random, random, this::stateLine, drops,
                nanos.getAsLong()));
        java.util.Arrays.fill(secret, (byte) 0);
        pairedAt.put(peerId, at);
        published.putIfAbsent(peerId, ChannelState.CONNECTING); // a new channel starts there: no change to tell
        tcp.addPeer(peerId, PeerChannel.isInitiator(ownId, peerId), nanos.getAsLong());
    }

    /**
     * Where channel state changes go (the daemon's state change publisher), from the timer and
     * receive threads, holding no lock of this service.
     */
    public void stateChanges(Consumer<? super PeerChannelChanged> listener) {
        this.changes = java.util.Objects.requireNonNull(listener);
    }

    /**
     * The channels whose state differs from the last one published, handed out after the lock
     * (StateChanges' rule). The runtime calls it after each tick and each received datagram.
     */
    void publishChanges() {
        List<PeerChannelChanged> out = new ArrayList<>();
        synchronized (this) {
            for (PeerChannel c : peers.values()) {
                ChannelState before = published.put(c.peerId(), c.state());
                if (before != null && before != c.state()) {
                    out.add(new PeerChannelChanged(c.peerId(), c.address().getAddress().getHostAddress(), before.name(),
                            c.state().name(), c.reason(), clock.instant()));
                }
            }
        }
        for (PeerChannelChanged c : out) {
            try {
                changes.accept(c);
            } catch (RuntimeException e) {
                stateLine("state change of " + c.peerId() + " not published: " + e);
            }
        }
    }

    /** The paired peers' ids (a copy), for layers that talk to every neighbour. */
    public synchronized java.util.Set<String> peerIds() {
        return java.util.Set.copyOf(peers.keySet());
    }

    /** Sets the layer that receives COOP_MESSAGEs and is ticked with the channel. */
    public synchronized void messages(SealedMessages m) {
        messages(ChannelHeader.Kind.COOP_MESSAGE, m);
    }

    /** Sets the layer that receives sealed datagrams of {@code kind} and is ticked with the channel. */
    public synchronized void messages(ChannelHeader.Kind kind, SealedMessages m) {
        if (!kind.sealed() || kind == ChannelHeader.Kind.KEEPALIVE) {
            throw new IllegalArgumentException(kind + " carries no messages");
        }
        layers.put(kind, m);
    }

    private SealedMessages.Sender sender(ChannelHeader.Kind kind, long now, Outbox outbox) {
        return (peerId, plaintext) -> {
            PeerChannel c = peers.get(peerId);
            return c != null && c.sendSealed(kind, plaintext, now, tcp.outbox(c, outbox));
        };
    }

    private void onPaired(PairingExchange.Paired p) {
        Instant at = clock.instant();
        InetSocketAddress addr = new InetSocketAddress(p.address().getAddress(), port);
        try {
            persistence.paired(p.peerId(), addr, p.key(), at);
        } catch (RuntimeException e) {
            stateLine("pairing with " + p.peerId() + " not stored: " + e.getMessage());
        }
        addPeer(p.peerId(), addr, p.key(), at);
    }

    private void stateLine(String line) {
        try {
            log.accept("channel: " + line);
        } catch (RuntimeException e) {
            // the log is best effort
        }
    }

    // ------------------------------------------------------------------ core (no sockets)

    /** One received datagram (bytes 0..len of {@code b}). Never throws for any content. */
    public synchronized void handle(ByteBuffer b, int len, InetSocketAddress from, long now, Outbox outbox) {
        if (len < ChannelHeader.LENGTH) {
            drops.count(TunnelDrop.TRUNCATED);
            return;
        }
        if (len > ChannelHeader.MAX_DATAGRAM) {
            drops.count(TunnelDrop.TOO_LARGE);
            return;
        }
        if (!ChannelHeader.versionOk(b)) {
            drops.count(TunnelDrop.BAD_VERSION);
            return;
        }
        ChannelHeader.Kind k = ChannelHeader.kind(b);
        if (k == null) {
            drops.count(TunnelDrop.UNKNOWN_TYPE);
            return;
        }
        switch (k) {
            case PAIR_HELLO -> exchange.onHello(b, len, from, now, outbox);
            case PAIR_MESSAGE -> exchange.onMessage(b, len, from, now, outbox);
            case PAIR_REFUSED -> exchange.onRefused(b, len, from);
            case HELLO_INIT, HELLO_REPLY -> {
                ChannelHello.Parsed p = ChannelHello.parse(b, len);
                if (p == null) {
                    drops.count(TunnelDrop.TRUNCATED);
                    return;
                }
                PeerChannel c = peers.get(p.fromId());
                if (c == null || k == ChannelHeader.Kind.HELLO_INIT && !ownId.equals(p.toId())) {
                    drops.count(TunnelDrop.HANDSHAKE_UNKNOWN_CLIENT);
                    return;
                }
                if (k == ChannelHeader.Kind.HELLO_INIT) {
                    c.onInit(p, b, len, from, now, outbox);
                } else {
                    InetSocketAddress before = c.address();
                    c.onReply(p, b, len, from, now, outbox);
                    movedCheck(c, before);
                }
            }
            case KEEPALIVE, COOP_MESSAGE, EMERGENCY, SHARING, SUPPRESSION -> {
                if (len < ChannelHeader.LENGTH + ChannelHeader.TAG) {
                    drops.count(TunnelDrop.TRUNCATED);
                    return;
                }
                int sid = ChannelHeader.sessionId(b);
                for (PeerChannel c : peers.values()) {
                    if (c.hasSession(sid)) {
                        InetSocketAddress before = c.address();
                        ByteBuffer plain = c.onSealed(b, len, from, now);
                        movedCheck(c, before);
                        if (plain != null && k != ChannelHeader.Kind.KEEPALIVE) {
                            SealedMessages layer = layers.get(k);
                            if (layer == null) {
                                drops.count(TunnelDrop.UNKNOWN_TYPE);
                            } else {
                                layer.onMessage(c.peerId(), plain, now, sender(k, now, outbox));
                            }
                        }
                        return;
                    }
                }
                drops.count(TunnelDrop.UNKNOWN_TUNNEL);
            }
            default -> drops.count(TunnelDrop.UNKNOWN_TYPE);
        }
    }

    private void movedCheck(PeerChannel c, InetSocketAddress before) {
        if (!c.address().equals(before)) {
            try {
                persistence.moved(c.peerId(), c.address());
            } catch (RuntimeException e) {
                stateLine("address of " + c.peerId() + " not stored: " + e.getMessage());
            }
        }
    }

    /** Timers of the exchange and of every peer. */
    public synchronized void tick(long now, Outbox outbox) {
        exchange.tick(now);
        for (PeerChannel c : peers.values()) {
            c.tick(now, tcp.outbox(c, outbox));
        }
        tcp.tick(now, outbox);
        for (Map.Entry<ChannelHeader.Kind, SealedMessages> l : layers.entrySet()) {
            l.getValue().tick(now, sender(l.getKey(), now, outbox));
        }
    }

    /** Shows a code for the neighbour at {@code peer} (see {@link PairingExchange#show}). */
    public synchronized PairingCode show(InetAddress peer, long now) {
        return exchange.show(peer, now);
    }

    /** Starts entering a code (non-blocking; the future ends the run). */
    public synchronized CompletableFuture<PairingExchange.Paired> enter(InetSocketAddress peer, PairingCode code, long now,
            Outbox outbox) {
        return exchange.enter(peer, code, now, outbox);
    }

    public synchronized PeerChannel peer(String peerId) {
        return peers.get(peerId);
    }

    public DropCounters drops() {
        return drops;
    }

    /** The paired peers' channels (under this lock), for the TCP fallback. */
    synchronized PeerChannel[] channels() {
        return peers.values().toArray(new PeerChannel[0]);
    }

    /** For tests: the TCP fallback. */
    TcpTransport tcp() {
        return tcp;
    }

    // ------------------------------------------------------------------ API

    public PairingStarted pairStart(String peerAddress) {
        InetAddress a = ipv4(peerAddress);
        long now = nanos.getAsLong();
        PairingCode code;
        try {
            code = show(a, now);
        } catch (IllegalStateException e) {
            throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, e.getMessage());
        }
        return new PairingStarted(a.getHostAddress(), code.display(),
                clock.instant().plusNanos(PairingExchange.CODE_LIFETIME_NANOS), ownId);
    }

    public PairingResult pairEnter(String peerAddress, String typed) {
        InetAddress a = ipv4(peerAddress);
        PairingCode code;
        try {
            code = PairingCode.parse(typed);
        } catch (PairingException e) {
            throw new ControlException(ControlException.Reason.INVALID_VALUE, e.getMessage());
        }
        CompletableFuture<PairingExchange.Paired> f;
        synchronized (this) {
            if (socket == null) {
                throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "the channel is not ready: " + state);
            }
            f = enter(new InetSocketAddress(a, port), code, nanos.getAsLong(), this::sendNow);
        }
        try {
            PairingExchange.Paired p = f.get(PairingExchange.ENTER_TIMEOUT_NANOS / 1_000_000L + 2000, TimeUnit.MILLISECONDS);
            return new PairingResult(p.peerId(), a.getHostAddress());
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof PairingException pe) {
                ControlException.Reason r = pe.failure() == PairingFailure.OUT_OF_ORDER && pe.getMessage().startsWith("no answer")
                        ? ControlException.Reason.RESOURCE_UNAVAILABLE : ControlException.Reason.INCONSISTENT;
                throw new ControlException(r, "pairing with " + a.getHostAddress() + " failed: " + pe.getMessage());
            }
            throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "pairing failed: " + c);
        } catch (TimeoutException e) {
            throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "pairing with " + a.getHostAddress() + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(ControlException.Reason.RESOURCE_UNAVAILABLE, "interrupted");
        }
    }

    private static InetAddress ipv4(String s) {
        if (s == null || !s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new ControlException(ControlException.Reason.INVALID_VALUE, "peer address must be an IPv4 address, got '"
                    + (s == null ? "" : s.length() > 40 ? s.substring(0, 40) : s) + "'");
        }
        try {
            InetAddress a = InetAddress.getByName(s);
            if (!(a instanceof Inet4Address)) {
                throw new UnknownHostException(s);
            }
            return a;
        } catch (UnknownHostException e) {
            throw new ControlException(ControlException.Reason.INVALID_VALUE, "bad IPv4 address '" + s + "'");
        }
    }

    public synchronized PeersStatus status() {
        long now = nanos.getAsLong();
        Instant wall = clock.instant();
        List<PairedPeer> out = new ArrayList<>();
        for (PeerChannel c : peers.values()) {
            Long heard = c.lastHeardNanos();
            out.add(new PairedPeer(c.peerId(), c.address().getAddress().getHostAddress(), c.state().name(),
                    tcp.transport(c.peerId()),
                    wall.minusNanos(now - c.stateSinceNanos()), c.initiator() ? "initiator" : "responder", c.sessionId(),
                    heard == null ? null : wall.minusNanos(now - heard), pairedAt.get(c.peerId()),
                    c.handshakeNanos() < 0 ? null : c.handshakeNanos() / 1e6, c.sentBytes(), c.sentPackets(),
                    c.receivedBytes(), c.receivedPackets(), c.establishments(), c.reason()));
        }
        Map<String, Long> d = new LinkedHashMap<>();
        drops.snapshot().forEach((r, n) -> d.put(r.name(), n));
        if (sendErrors.get() > 0) {
            d.put("SEND_ERRORS", sendErrors.get());
        }
        tcp.drops(d);
        for (SealedMessages l : layers.values()) {
            d.putAll(l.counters());
        }
        return new PeersStatus(true, ownId, state, out, d);
    }

    // ------------------------------------------------------------------ runtime

    /** Starts the timer; the socket binds on {@code device}'s IPv4 address on its first tick, retried every 5 s. */
    public synchronized void start(String device) {
        if (timer != null || closed) {
            return;
        }
        this.device = device;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coopwan-channel");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::timerTick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs a tick now, on the timer's thread, instead of at the next 50 ms: for a layer that
     * queued a message that must not wait (an emergency request). Safe from any thread, also
     * one holding a layer's lock: it takes no lock of this service (the lock order is service,
     * then layer, so taking this one there could deadlock with a tick).
     */
    public void kick() {
        ScheduledExecutorService t = timer;
        if (t != null) {
            try {
                t.execute(this::timerTick);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping
            }
        }
    }

    private void timerTick() {
        try {
            long now = nanos.getAsLong();
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (socket == null && (!bindAttempted || now - nextBindNanos >= 0)) {
                    bind(now);
                }
            }
            tick(now, this::sendNow);
            publishChanges();
        } catch (RuntimeException e) {
            stateLine("timer failed: " + e);
        }
    }

    private void bind(long now) {
        bindAttempted = true;
        nextBindNanos = now + RETRY_NANOS;
        PeerBinding b;
        try {
            b = PeerBinding.resolve(device);
        } catch (PeerBinding.Unusable e) {
            waiting(e.getMessage());
            return;
        }
        DatagramSocket s = null;
        try {
            s = new DatagramSocket(null);
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(b.address(), port));
        } catch (IOException e) {
            if (s != null) {
                s.close();
            }
            waiting("cannot bind UDP " + b.address().getHostAddress() + ":" + port + ": " + e.getMessage());
            return;
        }
        socket = s;
        tcp.listen(b.address());
        state = "listening on " + b.address().getHostAddress() + ":" + port;
        stateLine(state + " (" + device + "), router id " + ownId + ", " + peers.size() + " paired peer(s)");
        final DatagramSocket rx = s;
        Thread t = new Thread(() -> receiveLoop(rx), "coopwan-channel-rx");
        t.setDaemon(true);
        t.start();
    }

    private void waiting(String why) {
        String next = "waiting for " + device + ": " + why;
        if (!next.equals(state)) {
            state = next;
            stateLine(next + " (retry every " + RETRY_NANOS / 1_000_000_000L + " s)");
        }
    }

    private void receiveLoop(DatagramSocket s) {
        byte[] buf = new byte[ChannelHeader.MAX_DATAGRAM + 1];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!s.isClosed()) {
            try {
                p.setLength(buf.length);
                s.receive(p);
            } catch (IOException e) {
                if (!s.isClosed()) {
                    synchronized (this) {
                        if (socket == s) {
                            s.close();
                            socket = null;
                            waiting("receive failed: " + e.getMessage());
                        }
                    }
                }
                return;
            }
            try {
                bb.clear();
                tcp.receivedUdp(bb, p.getLength(), (InetSocketAddress) p.getSocketAddress(), nanos.getAsLong(), this::sendNow);
                publishChanges();
            } catch (RuntimeException e) {
                stateLine("receive failed: " + e);
            }
        }
    }

    /** Sends on the socket; an error (link down) is counted and otherwise ignored: the timers notice the silence. */
    private void sendNow(ByteBuffer b, InetSocketAddress to) {
        DatagramSocket s = socket;
        if (s == null) {
            sendErrors.incrementAndGet();
            return;
        }
        try {
            s.send(new DatagramPacket(b.array(), b.arrayOffset() + b.position(), b.remaining(), to));
        } catch (IOException e) {
            sendErrors.incrementAndGet();
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = timer;
            if (socket != null) {
                socket.close();
                socket = null;
            }
            tcp.close();
            state = "stopped";
        }
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
