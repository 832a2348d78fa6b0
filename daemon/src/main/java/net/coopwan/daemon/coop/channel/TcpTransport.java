package net.coopwan.daemon.coop.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The UDP-over-TCP fallback of the secure channel (PROTOCOL.md 3.10): a TCP listener on the peer
 * link's address and the peer port, the initiator's connection to a peer whose UDP went silent
 * ({@link TcpFallback} decides), and per connection a reader and a writer thread. The same
 * datagrams as over UDP travel each behind a 2-byte length ({@link StreamFraming}); the channel
 * ({@link ChannelService#handle}) cannot tell the transports apart.
 *
 * <p>Every state change is under the service's lock (the same lock as the channel's), so a
 * datagram read from TCP is handled exactly like one read from UDP. Nothing blocking happens
 * under it: reads, writes and connects run on the connection's own threads, a write goes through
 * a bounded queue, and a full queue closes the connection.
 *
 * <p>Bounds: one connection per paired peer plus at most {@value #MAX_PENDING} accepted ones that
 * have not yet proved a peer (a verified sealed packet), each of those for at most 10 s; an idle
 * connection (no frame for 15 s) and a frame begun and not finished within 2 s are closed; a
 * length prefix outside 16..1400 and {@value #MAX_STRIKES} frames in a row that verify nothing
 * close the connection. Every close and refusal is counted ({@link StreamDrop}).
 */
final class TcpTransport implements AutoCloseable {
    static final int MAX_PENDING = 4;
    static final int MAX_STRIKES = 3;
    static final int QUEUE_FRAMES = 64;
    static final long PENDING_NANOS = 10_000_000_000L;
    static final long FRAME_NANOS = 2_000_000_000L;
    static final long IDLE_NANOS = 15_000_000_000L;
    static final int CONNECT_TIMEOUT_MS = 3000;
    static final long CONNECT_RETRY_MIN_NANOS = 1_000_000_000L;
    static final long CONNECT_RETRY_MAX_NANOS = 30_000_000_000L;
    /** How often a reader wakes to check its deadlines when nothing comes. */
    static final int READ_POLL_MS = 200;
    private static final byte[] END = new byte[0];

    private final Object lock;
    private final ChannelService service;
    private final int port;
    private final LongSupplier nanos;
    private final Consumer<String> log;
    private final Map<StreamDrop, Long> drops = new EnumMap<>(StreamDrop.class);
    private final Map<String, Link> links = new TreeMap<>();
    private final Set<Connection> pending = new LinkedHashSet<>();
    private long fallbackNanos;

    // runtime, guarded by lock
    private ServerSocket server;
    private InetAddress localAddress;
    private boolean closed;

    /** The transport state with one paired peer. */
    private final class Link {
        final String peerId;
        TcpFallback fallback;
        /** The initiator's dialed connection, or the one the peer proved itself on; null if none. */
        Connection connection;
        boolean connecting;
        long nextConnectNanos;
        long connectGapNanos = CONNECT_RETRY_MIN_NANOS;
        ChannelTransport shown = ChannelTransport.UDP;
        final Outbox overTcp = (d, to) -> {
            Connection c = connection;
            if (c != null) {
                c.send(d);
            }
        };

        Link(String peerId, TcpFallback fallback, long now) {
            this.peerId = peerId;
            this.fallback = fallback;
            // monotonic nanos may be negative: the first connect is due from now, not from 0
            this.nextConnectNanos = now;
        }

        boolean open() {
            return connection != null && !connection.closed;
        }

        ChannelTransport over() {
            return fallback.sendOver(open());
        }
    }

    TcpTransport(ChannelService service, int port, LongSupplier nanos, Consumer<String> log, long fallbackNanos) {
        this.lock = service;
        this.service = service;
        this.port = port;
        this.nanos = nanos;
        this.log = log;
        this.fallbackNanos = fallbackNanos;
    }

    // ------------------------------------------------------------------ called by the service, under its lock

    /**
     * A new fallback time for every peer: each starts afresh on UDP (the initiator closes its
     * connection; sessions stay), so the new time counts from now.
     */
    void fallbackNanos(long n, long now) {
        if (n == fallbackNanos) {
            return;
        }
        fallbackNanos = n;
        for (Link l : links.values()) {
            l.fallback = new TcpFallback(l.fallback.initiator(), n, now);
            if (l.connection != null && l.fallback.initiator()) {
                l.connection.close("tcp_fallback_s changed to " + TcpFallback.seconds(n), null);
            }
        }
    }

    void addPeer(String peerId, boolean initiator, long now) {
        Link old = links.put(peerId, new Link(peerId, new TcpFallback(initiator, fallbackNanos, now), now));
        if (old != null && old.connection != null) {
            old.connection.close("pairing replaced", null);
        }
    }

    /** Where {@code c}'s datagrams go now: {@code udp} itself, or its connection. */
    Outbox outbox(PeerChannel c, Outbox udp) {
        Link l = links.get(c.peerId());
        return l != null && l.over() == ChannelTransport.TCP ? l.overTcp : udp;
    }

    /** Fallback timers, probes of UDP, connects. */
    void tick(long now, Outbox udp) {
        for (Link l : links.values()) {
            if (l.fallback.tick(now)) {
                update(l, l.fallback.reason());
            }
            if (l.fallback.probeDue(now) && l.open()) {
                PeerChannel c = service.peer(l.peerId);
                if (c != null) {
                    c.keepaliveNow(now, udp);
                }
            }
            if (l.fallback.wantsConnection() && l.connection == null && !l.connecting && server != null && !closed
                    && now - l.nextConnectNanos >= 0) {
                connect(l, now);
            }
        }
    }

    /** One datagram from the UDP socket. */
    void receivedUdp(ByteBuffer b, int len, InetSocketAddress from, long now, Outbox udp) {
        synchronized (lock) {
            Seen s = handle(b, len, from, now, udp);
            if (s.verified != null) {
                heard(s.verified, ChannelTransport.UDP, now, udp);
            }
        }
    }

    /** {@code udp} or {@code tcp}: what the channel's datagrams to the peer go over now. */
    String transport(String peerId) {
        Link l = links.get(peerId);
        return (l == null ? ChannelTransport.UDP : l.shown).wire();
    }

    void drops(Map<String, Long> into) {
        drops.forEach((r, n) -> into.put(r.name(), n));
    }

    long drops(StreamDrop r) {
        synchronized (lock) {
            return drops.getOrDefault(r, 0L);
        }
    }

    /** Listens on {@code address} (the peer link's) and the peer port; a failure leaves UDP only, logged. */
    void listen(InetAddress address) {
        if (closed || server != null && address.equals(localAddress)) {
            return;
        }
        closeServer();
        ServerSocket s = null;
        try {
            s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port), MAX_PENDING * 2);
        } catch (IOException e) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to keep
                }
            }
            log.accept("TCP fallback off: cannot listen on TCP " + address.getHostAddress() + ":" + port + ": " + e.getMessage());
            return;
        }
        server = s;
        localAddress = address;
        final ServerSocket ss = s;
        Thread t = new Thread(() -> acceptLoop(ss), "coopwan-channel-tcp-accept");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            closeServer();
            for (Connection c : new ArrayList<>(pending)) {
                c.close("stopped", null);
            }
            for (Link l : links.values()) {
                if (l.connection != null) {
                    l.connection.close("stopped", null);
                }
            }
        }
    }

    private void closeServer() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
            server = null;
        }
    }

    // ------------------------------------------------------------------ the channel's view

    /** Which peer a datagram proved (a verified sealed packet or reply), and whether it verified at all. */
    private record Seen(PeerChannel verified, boolean anything) {
    }

    /**
     * Hands one datagram to the channel and reports what it proved, read from the peers' counters
     * ({@link PeerChannel#verifiedPackets}, {@link PeerChannel#receivedPackets}): the channel's
     * dispatch stays the one place that knows the kinds.
     */
    private Seen handle(ByteBuffer b, int len, InetSocketAddress from, long now, Outbox replies) {
        PeerChannel[] cs = service.channels();
        long[] before = new long[cs.length * 2];
        for (int i = 0; i < cs.length; i++) {
            before[2 * i] = cs[i].verifiedPackets();
            before[2 * i + 1] = cs[i].receivedPackets();
        }
        service.handle(b, len, from, now, replies);
        boolean anything = false;
        for (int i = 0; i < cs.length; i++) {
            if (cs[i].verifiedPackets() != before[2 * i]) {
                return new Seen(cs[i], true);
            }
            anything |= cs[i].receivedPackets() != before[2 * i + 1];
        }
        return new Seen(null, anything);
    }

    private void heard(PeerChannel c, ChannelTransport over, long now, Outbox udp) {
        Link l = links.get(c.peerId());
        if (l == null) {
            return;
        }
        boolean wasTcp = l.over() == ChannelTransport.TCP;
        boolean changed = l.fallback.heard(over, now);
        if (over == ChannelTransport.UDP) {
            if (changed && l.connection != null) {
                l.connection.close(l.fallback.reason(), null);
            } else if (wasTcp && l.fallback.answerProbe(true, now)) {
                c.keepaliveNow(now, udp);
            }
        }
        update(l, changed ? l.fallback.reason() : "the peer's packets come over " + over.wire());
    }

    /** One log line when what the peer's datagrams go over changes. */
    private void update(Link l, String why) {
        ChannelTransport now = l.over();
        if (now == l.shown) {
            return;
        }
        l.shown = now;
        PeerChannel c = service.peer(l.peerId);
        String host = c == null ? "?" : c.address().getAddress().getHostAddress();
        log.accept("channel with " + l.peerId + " (" + host + ") transport " + now.wire() + ": " + why);
    }

    private void count(StreamDrop r) {
        drops.merge(r, 1L, Long::sum);
    }

    // ------------------------------------------------------------------ connections

    private void connect(Link l, long now) {
        PeerChannel c = service.peer(l.peerId);
        if (c == null) {
            return;
        }
        l.connecting = true;
        InetSocketAddress to = new InetSocketAddress(c.address().getAddress(), port);
        InetAddress from = localAddress;
        Thread t = new Thread(() -> dial(l, to, from), "coopwan-channel-tcp-connect");
        t.setDaemon(true);
        t.start();
    }

    private void dial(Link l, InetSocketAddress to, InetAddress from) {
        Socket s = new Socket();
        IOException failed = null;
        try {
            // from the peer link's address, as the UDP socket: the peer knows us by it
            s.bind(new InetSocketAddress(from, 0));
            s.setTcpNoDelay(true);
            s.connect(to, CONNECT_TIMEOUT_MS);
        } catch (IOException e) {
            failed = e;
        }
        synchronized (lock) {
            l.connecting = false;
            long now = nanos.getAsLong();
            if (failed != null) {
                closeQuietly(s);
                count(StreamDrop.TCP_CONNECT_FAILED);
                l.nextConnectNanos = now + l.connectGapNanos;
                l.connectGapNanos = Math.min(l.connectGapNanos * 2, CONNECT_RETRY_MAX_NANOS);
                return;
            }
            if (closed || links.get(l.peerId) != l || !l.fallback.wantsConnection() || l.connection != null) {
                closeQuietly(s);
                return;
            }
            l.connectGapNanos = CONNECT_RETRY_MIN_NANOS;
            Connection conn = new Connection(s, l, now);
            l.connection = conn;
            conn.start();
            update(l, l.fallback.reason());
            // a keep-alive (or, without a session, a handshake attempt) at once: the responder moves
            // to the connection when a sealed packet verifies on it, and need not wait a keep-alive
            // period or a backoff step for that
            PeerChannel c = service.peer(l.peerId);
            if (c != null) {
                c.keepaliveNow(now, conn.outbox);
                c.attemptNow(now);
            }
        }
    }

    private void acceptLoop(ServerSocket ss) {
        while (!ss.isClosed()) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException e) {
                if (ss.isClosed()) {
                    return;
                }
                // out of descriptors or the like: do not spin
                sleepQuietly(100);
                continue;
            }
            synchronized (lock) {
                if (closed || server != ss) {
                    closeQuietly(s);
                    return;
                }
                if (pending.size() >= MAX_PENDING) {
                    count(StreamDrop.TCP_TOO_MANY);
                    closeQuietly(s);
                    continue;
                }
                try {
                    s.setTcpNoDelay(true);
                } catch (IOException e) {
                    closeQuietly(s);
                    continue;
                }
                Connection c = new Connection(s, null, nanos.getAsLong());
                pending.add(c);
                c.start();
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One TCP connection: a reader and a writer thread, a bounded send queue. State under the lock. */
    private final class Connection {
        final Socket socket;
        /** The peer's address as the channel knows it: the remote IP and the peer port. */
        final InetSocketAddress from;
        final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_FRAMES + 1);
        final StreamFraming.Decoder decoder = new StreamFraming.Decoder();
        final long openedNanos;
        final Outbox outbox = (d, to) -> send(d);
        Link link;
        long lastFrameNanos;
        long frameStartNanos;
        int strikes;
        volatile boolean closed;
        private byte[] viewArray;
        private ByteBuffer view;

        Connection(Socket socket, Link dialedFor, long now) {
            this.socket = socket;
            this.from = new InetSocketAddress(socket.getInetAddress(), port);
            this.link = dialedFor;
            this.openedNanos = now;
            this.lastFrameNanos = now;
            this.frameStartNanos = now;
        }

        void start() {
            String name = "coopwan-channel-tcp-" + from.getAddress().getHostAddress();
            Thread r = new Thread(this::readLoop, name + "-rx");
            r.setDaemon(true);
            Thread w = new Thread(this::writeLoop, name + "-tx");
            w.setDaemon(true);
            r.start();
            w.start();
        }

        /** Under the lock. Never blocks: a full queue means the peer does not read, and closes. */
        void send(ByteBuffer d) {
            if (closed) {
                return;
            }
            if (queue.size() >= QUEUE_FRAMES || !queue.offer(StreamFraming.frame(d))) {
                close("send queue full", StreamDrop.TCP_QUEUE_FULL);
            }
        }

        /** Under the lock. */
        void close(String why, StreamDrop drop) {
            if (closed) {
                return;
            }
            closed = true;
            if (drop != null) {
                count(drop);
            }
            closeQuietly(socket);
            queue.clear();
            queue.offer(END);
            pending.remove(this);
            Link l = link;
            if (l != null && l.connection == this) {
                l.connection = null;
                if (l.fallback.wantsConnection()) {
                    l.nextConnectNanos = nanos.getAsLong() + l.connectGapNanos;
                }
                update(l, "TCP connection closed: " + why);
            }
        }

        private void writeLoop() {
            try {
                OutputStream out = socket.getOutputStream();
                while (true) {
                    byte[] f = queue.take();
                    if (f == END) {
                        return;
                    }
                    out.write(f);
                }
            } catch (IOException e) {
                synchronized (lock) {
                    close("write failed: " + e.getMessage(), null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void readLoop() {
            byte[] buf = new byte[4096];
            InputStream in;
            try {
                socket.setSoTimeout(READ_POLL_MS);
                in = socket.getInputStream();
            } catch (IOException e) {
                synchronized (lock) {
                    close("cannot read: " + e.getMessage(), null);
                }
                return;
            }
            while (!closed) {
                int n;
                String failed = null;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    n = 0;
                } catch (IOException e) {
                    n = -1;
                    failed = e.getMessage();
                }
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    long now = nanos.getAsLong();
                    if (n < 0) {
                        close(failed == null ? "closed by the peer" : "read failed: " + failed, null);
                        return;
                    }
                    if (n > 0 && !take(buf, n, now)) {
                        return;
                    }
                    if (link == null && now - openedNanos >= PENDING_NANOS) {
                        close("proved no peer within " + PENDING_NANOS / 1_000_000_000L + " s", StreamDrop.TCP_PENDING_TIMEOUT);
                    } else if (decoder.midFrame() && now - frameStartNanos >= FRAME_NANOS) {
                        close("a frame took over " + FRAME_NANOS / 1_000_000_000L + " s", StreamDrop.TCP_SLOW_FRAME);
                    } else if (now - lastFrameNanos >= IDLE_NANOS) {
                        close("idle for " + IDLE_NANOS / 1_000_000_000L + " s", StreamDrop.TCP_IDLE);
                    }
                }
            }
        }

        /** Under the lock: feeds read bytes to the decoder; false if the connection closed. */
        private boolean take(byte[] buf, int n, long now) {
            if (!decoder.midFrame()) {
                frameStartNanos = now;
            }
            StreamFraming.Result r = decoder.feed(buf, 0, n, (b, len) -> frame(b, len, now));
            switch (r) {
                case TOO_LONG -> close("frame length above " + ChannelHeader.MAX_DATAGRAM, StreamDrop.TCP_FRAME_TOO_LONG);
                case TOO_SHORT -> close("frame length below " + ChannelHeader.LENGTH, StreamDrop.TCP_FRAME_TOO_SHORT);
                default -> {
                }
            }
            return !closed;
        }

        /** Under the lock: one datagram from the stream; false stops the decoder (closed). */
        private boolean frame(byte[] b, int len, long now) {
            lastFrameNanos = now;
            frameStartNanos = now;
            ChannelHeader.Kind k = ChannelHeader.Kind.of(b[1] & 0xff);
            if (k == ChannelHeader.Kind.PAIR_HELLO || k == ChannelHeader.Kind.PAIR_MESSAGE || k == ChannelHeader.Kind.PAIR_REFUSED) {
                // pairing binds a code to an address on the link: UDP only, and no J-PAKE work for TCP strangers
                count(StreamDrop.TCP_PAIRING_KIND);
                return strike();
            }
            if (b != viewArray) {
                viewArray = b;
                view = ByteBuffer.wrap(b);
            }
            view.clear();
            Seen s = handle(view, len, from, now, outbox);
            if (closed) {
                return false;
            }
            if (s.verified != null) {
                strikes = 0;
                bind(s.verified);
                heard(s.verified, ChannelTransport.TCP, now, null);
                return !closed;
            }
            if (s.anything) {
                strikes = 0;
                return true;
            }
            return strike();
        }

        private boolean strike() {
            if (++strikes >= MAX_STRIKES) {
                close(MAX_STRIKES + " frames in a row verified nothing", StreamDrop.TCP_UNVERIFIED);
                return false;
            }
            return true;
        }

        /** The peer proved itself on this connection: it carries the peer's datagrams from now on. */
        private void bind(PeerChannel c) {
            Link l = links.get(c.peerId());
            if (l == null || l.connection == this) {
                return;
            }
            Connection old = l.connection;
            pending.remove(this);
            link = l;
            l.connection = this;
            if (old != null) {
                old.close("replaced by a newer connection", null);
            }
        }
    }

    /** For tests: the connections that have not proved a peer yet. */
    int pendingCount() {
        synchronized (lock) {
            return pending.size();
        }
    }

    /** For tests: whether the peer has an open connection. */
    boolean connected(String peerId) {
        synchronized (lock) {
            Link l = links.get(peerId);
            return l != null && l.open();
        }
    }
}
