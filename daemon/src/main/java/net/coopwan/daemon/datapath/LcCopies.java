package net.coopwan.daemon.datapath;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.coopwan.daemon.coop.duplication.CopyPacer;
import net.coopwan.daemon.coop.duplication.CopyReceiver;
import net.coopwan.daemon.coop.duplication.DuplicationDrop;
import net.coopwan.daemon.coop.duplication.DuplicationFormatException;
import net.coopwan.daemon.coop.duplication.Duplicator;
import net.coopwan.daemon.coop.duplication.LcClassifier;
import net.coopwan.daemon.coop.duplication.LcCopy;
import net.coopwan.daemon.coop.duplication.LcCopyCodec;
import net.coopwan.daemon.coop.duplication.LcRoute;
import net.coopwan.daemon.coop.duplication.PathCopies;
import net.coopwan.daemon.coop.duplication.ScheduledCopy;
import net.coopwan.daemon.counters.EnumCounters;
import net.coopwan.daemon.tunnel.Frame;
import net.coopwan.daemon.tunnel.PacketType;
import net.coopwan.daemon.tunnel.TunnelHeader;

/**
 * Duplication on one {@link TunnelPeer} (the router's bond, or one client at the concentrator):
 * the seam between {@code coop.duplication}'s pure logic and the tunnel (docs/PROTOCOL.md 4.7).
 *
 * <ul>
 *   <li>Send: {@link #offer} asks the {@link LcClassifier} whether an inner packet is LC; if so it
 *       becomes LC_COPY copies ({@link Duplicator}): those due at once leave on the calling
 *       (sender) thread, later ones wait in a {@link CopyPacer} for the {@code <name>-lc-pacer} thread,
 *       which parks until the next due time (started on demand, ends after 1 s with nothing to
 *       pace, so an idle peer costs no thread).</li>
 *   <li>Receive: {@link #onCopy} parses a copy and returns the inner packet when it is the first
 *       ({@link CopyReceiver}); the concentrator's {@link ReplyRoutes} learns which links the
 *       session's copies come on, for the replies.</li>
 * </ul>
 */
final class LcCopies {
    /** The check a delivered inner packet must pass (the peer's DATA rule); counts its own refusals. */
    @FunctionalInterface
    interface Admission {
        boolean allowed(ByteBuffer packet, int at, int length);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LcCopies.class);
    /** Copies waiting for their offset, over all sessions of the peer. */
    static final int PACER_CAPACITY = 1024;
    private static final long PACER_IDLE_NANOS = 1_000_000_000L;
    /** LC sessions this side numbers packets for at once (the receiver keeps 256). */
    static final int MAX_SENDING_SESSIONS = 1024;

    private final String name;
    private final TunnelPeer peer;
    private final LcClassifier classifier;
    private final ReplyRoutes learner;
    private final EnumCounters<DuplicationDrop> drops = new EnumCounters<>(DuplicationDrop.class);
    private final Frame sendFrame = new Frame();
    // receive thread only
    private final CopyReceiver receiver = new CopyReceiver();
    // guarded by this: the sender thread adds, the pacer thread releases, the receiver resets
    private final Map<Integer, Duplicator> duplicators = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Duplicator> eldest) {
            // bounded; the classifier never reuses a session id within a tunnel session, so the
            // least recently used one has ended
            return size() > MAX_SENDING_SESSIONS;
        }
    };
    private final CopyPacer<LcCopy> pacer = new CopyPacer<>(PACER_CAPACITY);
    private Thread pacerThread;
    private volatile boolean closed;
    private long sentCopies;
    private long lcPackets;

    /**
     * @param name       "bond-NAME" or "concentrator-CLIENT": the pacer thread's prefix and the log's
     * @param classifier which packets are LC and their routes
     * @param learner    the concentrator's reply routes to teach from received copies, or null
     */
    LcCopies(String name, TunnelPeer peer, LcClassifier classifier, ReplyRoutes learner) {
        this.name = name;
        this.peer = peer;
        this.classifier = classifier;
        this.learner = learner;
    }

    /**
     * Sends the inner packet of {@code length} bytes at the payload offset of {@code f} as LC
     * copies when it is LC and one of its paths is up; returns false (nothing sent: the caller
     * sends it the normal way) otherwise. Sender thread only.
     */
    boolean offer(Frame f, int length, long nowNanos) {
        ByteBuffer b = f.buffer();
        LcRoute r = classifier.route(b, TunnelHeader.LENGTH, length, nowNanos);
        if (r == null || length > LcCopy.MAX_LENGTH || length < 1) {
            return false;
        }
        // only paths that are up now; none up: the bond's normal path is better than no packet
        List<PathCopies> live = new ArrayList<>(r.paths().size());
        for (PathCopies pc : r.paths()) {
            if (pc.copies() > 0 && pc.path() < peer.links && peer.scheduler.usable(pc.path())) {
                live.add(pc);
            }
        }
        if (live.isEmpty()) {
            return false;
        }
        byte[] packet = new byte[length];
        b.get(TunnelHeader.LENGTH, packet);
        List<Duplicator.Outgoing> now = new ArrayList<>();
        synchronized (this) {
            lcPackets++;
            Duplicator d = duplicators.computeIfAbsent(r.sessionId(), Duplicator::new);
            List<ScheduledCopy> later = new ArrayList<>();
            List<LcCopy> laterCopies = new ArrayList<>();
            for (Duplicator.Outgoing o : d.copies(packet, r.tauNanos(), live, r.raic5())) {
                if (o.when().offsetNanos() == 0) {
                    now.add(o);
                } else {
                    later.add(o.when());
                    laterCopies.add(o.copy());
                }
            }
            for (int i = 0; i < later.size(); i++) {
                pacer.add(laterCopies.get(i), List.of(later.get(i)), nowNanos);
            }
            if (!later.isEmpty()) {
                wakePacer();
            }
        }
        for (Duplicator.Outgoing o : now) {
            send(sendFrame, o.copy(), o.when().path(), nowNanos);
        }
        return true;
    }

    private void send(Frame f, LcCopy c, int link, long nowNanos) {
        if (link >= peer.links || !peer.scheduler.usable(link)) {
            return; // a dead path: the copies on the others carry the packet
        }
        int n = LcCopyCodec.write(f.buffer(), TunnelHeader.LENGTH, c);
        if (peer.sendControl(f, n, link, PacketType.LC_COPY, nowNanos) >= 0) {
            synchronized (this) {
                sentCopies++;
            }
        }
    }

    /** Starts the pacer thread if it is not running, or wakes it for an earlier due time. Holds the lock. */
    private void wakePacer() {
        if (pacerThread == null || !pacerThread.isAlive()) {
            pacerThread = new Thread(this::paceLoop, name + "-lc-pacer");
            pacerThread.setDaemon(true);
            pacerThread.start();
        } else {
            LockSupport.unpark(pacerThread);
        }
    }

    private void paceLoop() {
        Frame f = new Frame();
        List<LcCopy> copies = new ArrayList<>();
        List<ScheduledCopy> when = new ArrayList<>();
        long lastWork = System.nanoTime();
        while (!closed) {
            long now = System.nanoTime();
            long next;
            synchronized (this) {
                pacer.releaseDue(now, (c, s) -> {
                    copies.add(c);
                    when.add(s);
                });
                next = pacer.nextDueNanos();
                if (copies.isEmpty() && next == Long.MAX_VALUE && now - lastWork > PACER_IDLE_NANOS) {
                    pacerThread = null;
                    return;
                }
            }
            for (int i = 0; i < copies.size(); i++) {
                send(f, copies.get(i), when.get(i).path(), now);
                lastWork = now;
            }
            copies.clear();
            when.clear();
            long wait = next == Long.MAX_VALUE ? PACER_IDLE_NANOS / 4 : next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    /**
     * An opened LC_COPY on {@code link} with {@code length} payload bytes at the payload offset:
     * the inner packet when this copy is the first of it, else null (counted). Receiver thread only.
     */
    byte[] onCopy(int link, Frame f, int length, long nowNanos, Admission admit) {
        LcCopy c;
        try {
            c = LcCopyCodec.parse(f.buffer(), TunnelHeader.LENGTH, length);
        } catch (DuplicationFormatException e) {
            drops.count(e.reason());
            return null;
        }
        byte[] packet = receiver.receive(c, nowNanos);
        if (packet != null && !admit.allowed(ByteBuffer.wrap(packet), 0, packet.length)) {
            return null; // counted by the admission (NOT_ALLOWED); not learned either
        }
        if (learner != null && learner.heard(c.sessionId(), link, packet, nowNanos)) {
            LOG.info("{}: LC session {} learned: its replies go back as copies", name,
                    Integer.toUnsignedString(c.sessionId()));
        }
        return packet;
    }

    /** A new tunnel session: packet ids restart on both sides, so every window and counter of ids does. */
    void sessionChanged() {
        receiver.clear();
        synchronized (this) {
            duplicators.clear();
            pacer.clear();
        }
        if (learner != null) {
            learner.clear();
        }
    }

    /** Stops the pacer thread (the data path closes). */
    void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = pacerThread;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Malformed copies by reason, plus the receiver's duplicates and the rest. */
    Map<DuplicationDrop, Long> drops() {
        Map<DuplicationDrop, Long> m = drops.snapshot();
        receiver.drops().snapshot().forEach((k, v) -> m.merge(k, v, Long::sum));
        return m;
    }

    long delivered() {
        return receiver.delivered();
    }

    /** The receiver's IDs overtaken and not filled (suppression's loss feed). */
    long missing() {
        return receiver.missing();
    }

    synchronized long sentCopies() {
        return sentCopies;
    }

    /** The latest a paced copy left after its due time (the pacer thread's wake-up latency). */
    synchronized long maxPacerLatenessNanos() {
        return pacer.maxLatenessNanos();
    }

    synchronized long lcPackets() {
        return lcPackets;
    }

    void logSummary() {
        LOG.info("{}: LC duplication: {} packet(s), {} copies sent, {} delivered, drops {}, paced copies at most {} µs late",
                name, lcPackets(), sentCopies(), delivered(), drops(), maxPacerLatenessNanos() / 1000);
    }
}
