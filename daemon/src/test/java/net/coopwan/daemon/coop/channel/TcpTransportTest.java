package net.coopwan.daemon.coop.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.coopwan.daemon.api.PairedPeer;
import net.coopwan.daemon.secure.PairingAttempts;
import net.coopwan.daemon.secure.PairingKey;
import net.coopwan.daemon.tunnel.TunnelDrop;

/**
 * The TCP fallback on loopback with real sockets: two channel services on 127.0.0.1 and
 * 127.0.0.2 (the same port number, chosen free by the kernel), each with a real UDP socket whose
 * sending the test can block. Time is the real monotonic clock plus a skew the test can add, so
 * the 2-15 s deadlines are reached without waiting for them.
 */
class TcpTransportTest {
    static final long S = 1_000_000_000L;
    static final String A = "coop-aaaa";
    static final String B = "coop-bbbb";

    private final AtomicLong skew = new AtomicLong();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Socket> attackers = new ArrayList<>();

    long now() {
        return System.nanoTime() + skew.get();
    }

    /** One router: a channel service, its UDP socket (blockable) and its TCP listener. */
    final class Node implements ChannelService.Persistence {
        final String id;
        final InetSocketAddress address;
        final ChannelService service;
        final DatagramSocket udp;
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        volatile boolean udpBlocked;
        /** UDP to and from these addresses only is lost. */
        final java.util.Set<InetAddress> udpBlockedWith = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicLong udpDropped = new AtomicLong();
        final Thread rx;

        Node(String id, String ip, int port) throws IOException {
            this.id = id;
            this.address = new InetSocketAddress(InetAddress.getByName(ip), port);
            this.service = new ChannelService(id, port, new PairingAttempts(Clock.systemUTC()), this, log::add,
                    new SecureRandom(), TcpTransportTest.this::now, Clock.systemUTC());
            this.service.tcpFallback(1);
            this.udp = new DatagramSocket(null);
            udp.bind(address);
            synchronized (service) {
                service.tcp().listen(address.getAddress());
            }
            rx = new Thread(this::receive, "test-udp-" + ip);
            rx.setDaemon(true);
            rx.start();
        }

        void send(ByteBuffer b, InetSocketAddress to) {
            if (udpBlocked || udpBlockedWith.contains(to.getAddress())) {
                udpDropped.incrementAndGet();
                return;
            }
            try {
                udp.send(new DatagramPacket(b.array(), b.arrayOffset() + b.position(), b.remaining(), to));
            } catch (IOException e) {
                udpDropped.incrementAndGet();
            }
        }

        private void receive() {
            byte[] buf = new byte[ChannelHeader.MAX_DATAGRAM + 1];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (!udp.isClosed()) {
                try {
                    p.setLength(buf.length);
                    udp.receive(p);
                } catch (IOException e) {
                    return;
                }
                if (udpBlocked || udpBlockedWith.contains(p.getAddress())) {
                    continue; // blocked both ways, as an nftables rule on the port would
                }
                service.tcp().receivedUdp(ByteBuffer.wrap(buf), p.getLength(), (InetSocketAddress) p.getSocketAddress(),
                        now(), this::send);
            }
        }

        void pairWith(Node other, PairingKey key) {
            service.addPeer(other.id, other.address, key, Instant.now());
        }

        PairedPeer peer() {
            List<PairedPeer> ps = service.status().peers();
            return ps.isEmpty() ? null : ps.get(0);
        }

        PairedPeer peer(Node other) {
            return service.status().peers().stream().filter(p -> p.peerId().equals(other.id)).findFirst().orElse(null);
        }

        boolean is(String state, String transport) {
            PairedPeer p = peer();
            return p != null && state.equals(p.state()) && transport.equals(p.transport());
        }

        boolean is(Node other, String state, String transport) {
            PairedPeer p = peer(other);
            return p != null && state.equals(p.state()) && transport.equals(p.transport());
        }

        long drops(StreamDrop r) {
            return service.tcp().drops(r);
        }

        @Override
        public void paired(String peerId, InetSocketAddress a, PairingKey key, Instant at) {
        }

        @Override
        public void moved(String peerId, InetSocketAddress a) {
        }

        void close() {
            service.close();
            udp.close();
        }
    }

    @AfterEach
    void closeAll() {
        for (Socket s : attackers) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        nodes.forEach(Node::close);
        // every accept, connect, reader and writer thread ends with the service
        long until = System.nanoTime() + 5 * S;
        while (threads("coopwan-channel-tcp") > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertEquals(0, threads("coopwan-channel-tcp"), "no thread of the TCP fallback outlives its service");
    }

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    private List<Node> twoNodes() throws IOException {
        List<Node> ab = nodes(List.of(A, B));
        pair(ab.get(0), ab.get(1));
        return ab;
    }

    /** Nodes on 127.0.0.1, 127.0.0.2, ... with one port number free for UDP and TCP on all of them. */
    private List<Node> nodes(List<String> ids) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = probe.getLocalPort();
            }
            List<java.io.Closeable> held = new ArrayList<>();
            try {
                for (int i = 0; i < ids.size(); i++) {
                    held.add(new ServerSocket(port, 1, InetAddress.getByName("127.0.0." + (i + 1))));
                    held.add(new DatagramSocket(new InetSocketAddress("127.0.0." + (i + 1), port)));
                }
            } catch (IOException e) {
                last = e;
                continue;
            } finally {
                for (java.io.Closeable c : held) {
                    c.close();
                }
            }
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                Node n = new Node(ids.get(i), "127.0.0." + (i + 1), port);
                nodes.add(n);
                out.add(n);
                assertFalse(String.join("\n", n.log).contains("TCP fallback off"), n.log.toString());
            }
            return out;
        }
        throw new IOException("no port free on all of 127.0.0.1-" + ids.size(), last);
    }

    private static void pair(Node x, Node y) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        PairingKey key = PairingKey.of(secret, new byte[32]);
        x.pairWith(y, key);
        y.pairWith(x, key);
    }

    /** Ticks every node each 50 ms (as the service's timer does) until {@code done}; the milliseconds it took. */
    private long runUntil(BooleanSupplier done, long maxMs) throws InterruptedException {
        long t0 = System.nanoTime();
        long until = t0 + maxMs * 1_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < until) {
            for (Node n : nodes) {
                n.service.tick(now(), n::send);
            }
            Thread.sleep(ChannelService.TICK_MS);
        }
        return (System.nanoTime() - t0) / 1_000_000L;
    }

    private static String logs(Node... ns) {
        StringBuilder sb = new StringBuilder();
        for (Node n : ns) {
            sb.append(n.id).append(": ").append(String.join("\n  ", n.log)).append('\n');
        }
        return sb.toString();
    }

    @Test
    void aBlockedUdpMovesTheSessionToTcpAndAnAnsweringUdpBringsItBack() throws Exception {
        List<Node> ab = twoNodes();
        Node a = ab.get(0);
        Node b = ab.get(1);
        runUntil(() -> a.is("ESTABLISHED", "udp") && b.is("ESTABLISHED", "udp"), 5000);
        assertTrue(a.is("ESTABLISHED", "udp") && b.is("ESTABLISHED", "udp"), logs(a, b));
        String session = a.peer().sessionId();
        long establishments = a.peer().establishments();

        a.udpBlocked = true;
        b.udpBlocked = true;
        long ms = runUntil(() -> a.is("ESTABLISHED", "tcp") && b.is("ESTABLISHED", "tcp"), 6000);
        assertTrue(a.is("ESTABLISHED", "tcp") && b.is("ESTABLISHED", "tcp"), logs(a, b));
        System.out.printf("UDP blocked -> the session on TCP after %d ms (tcp_fallback_s 1: 1.5 s of silence)%n", ms);
        assertEquals(session, a.peer().sessionId(), "the session survives: the switch comes before the 5 s death");
        assertEquals(session, b.peer().sessionId());
        assertEquals(establishments, a.peer().establishments());
        assertTrue(a.log.stream().anyMatch(l -> l.equals("channel: channel with " + B
                + " (127.0.0.2) transport tcp: no authenticated reply over UDP for 1500 ms")), logs(a));
        assertTrue(b.log.stream().anyMatch(l -> l.equals("channel: channel with " + A
                + " (127.0.0.1) transport tcp: the peer's packets come over tcp")), logs(b));
        // keep-alives flow over TCP for a while
        long heard = b.peer().receivedPackets();
        runUntil(() -> false, 2000);
        assertTrue(b.peer().receivedPackets() >= heard + 1, "keep-alives over TCP");
        assertTrue(a.is("ESTABLISHED", "tcp"), logs(a));
        assertTrue(a.udpDropped.get() > 0 && b.udpDropped.get() >= 0);

        a.udpBlocked = false;
        b.udpBlocked = false;
        ms = runUntil(() -> a.is("ESTABLISHED", "udp") && b.is("ESTABLISHED", "udp"), 35_000);
        assertTrue(a.is("ESTABLISHED", "udp") && b.is("ESTABLISHED", "udp"), logs(a, b));
        System.out.printf("UDP open again -> back on UDP after %d ms (probes 4 s after the switch, then 8, 16, 30 s apart)%n", ms);
        assertEquals(session, a.peer().sessionId(), "still the same session: TCP was only a transport");
        assertEquals(establishments, a.peer().establishments());
        assertFalse(a.service.tcp().connected(B), "the initiator closed its connection");
        runUntil(() -> !b.service.tcp().connected(A), 2000);
        assertFalse(b.service.tcp().connected(A), "and the responder saw it closed");
        assertTrue(a.log.stream().anyMatch(l -> l.contains("transport udp: ") && l.contains("UDP answers again")), logs(a));
        assertEquals(0, a.drops(StreamDrop.TCP_UNVERIFIED) + b.drops(StreamDrop.TCP_UNVERIFIED));
        assertEquals(0, a.service.drops().get(TunnelDrop.REPLAYED) + b.service.drops().get(TunnelDrop.REPLAYED),
                "no datagram went both ways");
    }

    @Test
    void withUdpBlockedFromTheStartTheHandshakeRunsOverTcp() throws Exception {
        List<Node> ab = twoNodes();
        Node a = ab.get(0);
        Node b = ab.get(1);
        a.udpBlocked = true;
        b.udpBlocked = true;
        long ms = runUntil(() -> a.is("ESTABLISHED", "tcp") && b.is("ESTABLISHED", "tcp"), 8000);
        assertTrue(a.is("ESTABLISHED", "tcp") && b.is("ESTABLISHED", "tcp"), logs(a, b));
        System.out.printf("UDP blocked from the start -> ESTABLISHED over TCP after %d ms%n", ms);
        assertEquals(a.peer().sessionId(), b.peer().sessionId());
        assertNotNull(a.peer().handshakeMs());
        assertEquals(0, b.service.tcp().pendingCount(), "the connection is the peer's, not pending");
        String session = a.peer().sessionId();

        // a reload with another tcp_fallback_s: applied in place, the initiator starts afresh on UDP
        // (its connection closed, the session kept) and, UDP still blocked, is back on TCP after the new time
        a.service.tcpFallback(2);
        b.service.tcpFallback(2);
        assertEquals("udp", a.peer().transport());
        assertFalse(a.service.tcp().connected(B));
        assertTrue(a.log.stream().anyMatch(l -> l.endsWith("transport udp: TCP connection closed: tcp_fallback_s changed to 2 s")),
                logs(a));
        ms = runUntil(() -> a.is("ESTABLISHED", "tcp") && b.is("ESTABLISHED", "tcp"), 8000);
        assertTrue(a.is("ESTABLISHED", "tcp") && b.is("ESTABLISHED", "tcp"), logs(a, b));
        assertTrue(ms >= 1900, "not before the new fallback time: " + ms);
        assertEquals(session, a.peer().sessionId(), "the session stayed: 2 s is below the death time");
        assertTrue(a.log.stream().anyMatch(l -> l.endsWith("transport tcp: no authenticated reply over UDP for 2 s")), logs(a));
        assertEquals(0, a.drops(StreamDrop.TCP_CONNECT_FAILED));
    }

    /** Seed 001 [0509], "per interface": UDP blocked towards one peer moves that peer only. */
    @Test
    void onlyThePeerWhoseUdpIsSilentMovesToTcp() throws Exception {
        List<Node> abc = nodes(List.of(A, B, "coop-cccc"));
        Node a = abc.get(0);
        Node b = abc.get(1);
        Node c = abc.get(2);
        pair(a, b);
        pair(a, c);
        runUntil(() -> a.is(b, "ESTABLISHED", "udp") && a.is(c, "ESTABLISHED", "udp") && c.is("ESTABLISHED", "udp"), 5000);
        assertTrue(a.is(b, "ESTABLISHED", "udp") && a.is(c, "ESTABLISHED", "udp"), logs(a, b, c));
        a.udpBlockedWith.add(b.address.getAddress());
        b.udpBlockedWith.add(a.address.getAddress());
        runUntil(() -> a.is(b, "ESTABLISHED", "tcp") && b.is("ESTABLISHED", "tcp"), 6000);
        assertTrue(a.is(b, "ESTABLISHED", "tcp") && b.is("ESTABLISHED", "tcp"), logs(a, b));
        // a while on TCP towards b: c stays on UDP all along
        runUntil(() -> false, 1500);
        assertTrue(a.is(c, "ESTABLISHED", "udp") && c.is("ESTABLISHED", "udp"), logs(a, c));
        assertFalse(a.service.tcp().connected("coop-cccc"));
        assertTrue(a.log.stream().noneMatch(l -> l.contains("coop-cccc") && l.contains("transport")),
                "not even a moment on TCP towards c: " + logs(a));
    }

    // ------------------------------------------------------------------ bad input

    private Socket attack(Node target) throws IOException {
        Socket s = new Socket();
        attackers.add(s);
        s.bind(new InetSocketAddress("127.0.0.3", 0));
        s.connect(target.address, 2000);
        s.setSoTimeout(3000);
        return s;
    }

    /** Whether the far end closed {@code s} within the socket's timeout. */
    private static boolean closedByPeer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    private static byte[] frame(int kind, int len, SplittableRandom r) {
        byte[] d = new byte[len];
        for (int i = 0; i < len; i++) {
            d[i] = (byte) r.nextInt(256);
        }
        d[0] = (byte) ChannelHeader.VERSION;
        d[1] = (byte) kind;
        d[2] = 0;
        d[3] = 0;
        return StreamFraming.frame(ByteBuffer.wrap(d));
    }

    private void waitFor(BooleanSupplier done) throws InterruptedException {
        long until = System.nanoTime() + 3 * S;
        while (!done.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
    }

    @Test
    void badInputOnTcpIsCountedAndClosedNeverACrash() throws Exception {
        Node a = twoNodes().get(0);
        SplittableRandom r = new SplittableRandom(90);

        Socket tooLong = attack(a);
        tooLong.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
        assertTrue(closedByPeer(tooLong));
        assertEquals(1, a.drops(StreamDrop.TCP_FRAME_TOO_LONG));

        Socket tooShort = attack(a);
        tooShort.getOutputStream().write(new byte[] {0, 3, 1, 2, 3});
        assertTrue(closedByPeer(tooShort));
        assertEquals(1, a.drops(StreamDrop.TCP_FRAME_TOO_SHORT));

        // well-framed junk: each datagram dropped for what it is, the third closes
        long badVersion = a.service.drops().get(TunnelDrop.BAD_VERSION);
        Socket junk = attack(a);
        OutputStream out = junk.getOutputStream();
        for (int i = 0; i < TcpTransport.MAX_STRIKES; i++) {
            byte[] f = frame(6, 48, r);
            f[2] = 9; // version 9
            out.write(f);
        }
        assertTrue(closedByPeer(junk));
        assertEquals(1, a.drops(StreamDrop.TCP_UNVERIFIED));
        assertEquals(badVersion + TcpTransport.MAX_STRIKES, a.service.drops().get(TunnelDrop.BAD_VERSION));

        // forged keep-alives of an unknown session and pairing kinds: the same
        Socket forged = attack(a);
        forged.getOutputStream().write(frame(ChannelHeader.Kind.KEEPALIVE.code(), 32, r));
        forged.getOutputStream().write(frame(ChannelHeader.Kind.PAIR_HELLO.code(), 40, r));
        forged.getOutputStream().write(frame(ChannelHeader.Kind.PAIR_MESSAGE.code(), 200, r));
        assertTrue(closedByPeer(forged));
        assertEquals(2, a.drops(StreamDrop.TCP_PAIRING_KIND));
        assertEquals(2, a.drops(StreamDrop.TCP_UNVERIFIED));

        // slowloris: half a frame, then nothing; its deadline passes (skewed clock)
        Socket slow = attack(a);
        slow.getOutputStream().write(new byte[] {0, 40, 1, 1, 0});
        slow.setSoTimeout(500);
        assertFalse(closedByPeer(slow), "half a frame is allowed its 2 s");
        skew.addAndGet(TcpTransport.FRAME_NANOS + S / 10);
        slow.setSoTimeout(3000);
        assertTrue(closedByPeer(slow));
        assertEquals(1, a.drops(StreamDrop.TCP_SLOW_FRAME));

        // too many: 4 silent connections wait to prove a peer, the 5th is closed at once
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < TcpTransport.MAX_PENDING; i++) {
            idle.add(attack(a));
        }
        waitFor(() -> a.service.tcp().pendingCount() == TcpTransport.MAX_PENDING);
        assertEquals(TcpTransport.MAX_PENDING, a.service.tcp().pendingCount());
        Socket fifth = attack(a);
        assertTrue(closedByPeer(fifth));
        assertEquals(1, a.drops(StreamDrop.TCP_TOO_MANY));
        // ... until their 10 s are up
        skew.addAndGet(TcpTransport.PENDING_NANOS + S / 10);
        for (Socket s : idle) {
            assertTrue(closedByPeer(s));
        }
        assertEquals(TcpTransport.MAX_PENDING, a.drops(StreamDrop.TCP_PENDING_TIMEOUT));
        assertEquals(0, a.service.tcp().pendingCount());

        // random streams: never a crash, every connection closed, no thread left behind
        for (int i = 0; i < 20; i++) {
            Socket s = attack(a);
            byte[] junkBytes = new byte[1 + r.nextInt(5000)];
            for (int j = 0; j < junkBytes.length; j++) {
                junkBytes[j] = (byte) r.nextInt(256);
            }
            try {
                s.getOutputStream().write(junkBytes);
            } catch (SocketException e) {
                // closed under our feet: fine
            }
            skew.addAndGet(TcpTransport.PENDING_NANOS + S / 10);
            assertTrue(closedByPeer(s), "stream " + i);
        }
        waitFor(() -> threads("coopwan-channel-tcp-127.0.0.3") == 0);
        assertEquals(0, threads("coopwan-channel-tcp-127.0.0.3"), "reader and writer threads end with their connections");
        assertEquals(0, a.service.tcp().pendingCount());
        assertFalse(String.join("\n", a.log).contains("failed"), logs(a));
        // and the service still answers
        assertEquals("CONNECTING", a.peer().state());
    }

}
