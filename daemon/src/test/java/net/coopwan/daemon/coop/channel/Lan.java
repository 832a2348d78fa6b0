package net.coopwan.daemon.coop.channel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import net.coopwan.daemon.secure.PairingAttempts;
import net.coopwan.daemon.secure.PairingKey;
import net.coopwan.daemon.testing.ManualClock;

/** Two (or more) channel services on an in-memory link with injected time: no sockets, no sleeping. */
final class Lan {
    static final int PORT = 4790;

    record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
    }

    final class Node implements ChannelService.Persistence {
        final InetSocketAddress address;
        ChannelService service;
        final PairingAttempts attempts;
        final Map<String, PairingKey> stored = new ConcurrentHashMap<>();
        final List<String> log = new ArrayList<>();

        Node(String id, String ip) {
            this.address = new InetSocketAddress(addr(ip), PORT);
            this.attempts = new PairingAttempts(clock);
            this.service = newService(id);
        }

        ChannelService newService(String id) {
            return new ChannelService(id, PORT, attempts, this, log::add, random(id), () -> now, clock);
        }

        final Outbox outbox = this::send;

        private void send(ByteBuffer b, InetSocketAddress to) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            sent.add(new Datagram(address, to, bytes));
            wire.add(new Datagram(address, to, bytes));
        }

        @Override
        public void paired(String peerId, InetSocketAddress a, PairingKey key, java.time.Instant at) {
            stored.put(peerId, key);
        }

        @Override
        public void moved(String peerId, InetSocketAddress a) {
        }

        PeerChannel peer(Node other) {
            return service.peer(other.service.ownId());
        }
    }

    final ManualClock clock = new ManualClock();
    long now = 1_000_000_000_000L;
    final Deque<Datagram> wire = new ArrayDeque<>();
    final List<Datagram> sent = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();
    /** Datagrams matching this are lost. */
    Predicate<Datagram> lose = d -> false;

    Node node(String id, String ip) {
        Node n = new Node(id, ip);
        nodes.add(n);
        return n;
    }

    static InetAddress addr(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SecureRandom random(String seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed.getBytes());
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Delivers everything queued (and what the deliveries send), bounded. */
    void pump() {
        for (int i = 0; i < 10_000 && !wire.isEmpty(); i++) {
            Datagram d = wire.poll();
            if (lose.test(d)) {
                continue;
            }
            deliver(d);
        }
    }

    void deliver(Datagram d) {
        for (Node n : nodes) {
            if (n.address.equals(d.to())) {
                ByteBuffer b = ByteBuffer.allocate(ChannelHeader.MAX_DATAGRAM + 1);
                b.put(0, d.bytes());
                n.service.handle(b, d.bytes().length, d.from(), now, n.outbox);
            }
        }
    }

    /** Moves time in 50 ms ticks, ticking every node and delivering after each tick. */
    void advance(Duration d) {
        long end = now + d.toNanos();
        while (now < end) {
            long step = Math.min(50_000_000L, end - now);
            now += step;
            clock.advance(Duration.ofNanos(step));
            for (Node n : nodes) {
                n.service.tick(now, n.outbox);
            }
            pump();
        }
    }
}
